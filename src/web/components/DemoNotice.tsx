// The notice of a demonstration instance, on every page: its data stand at the demo's date, which is the
// application's today (declaration month, PASS remaining days, default year…).
import { Notice } from "@codegouvfr/react-dsfr/Notice.js";
import { useInstance } from "../api/useInstance.js";
import { formatLongDate } from "../format.js";

export function DemoNotice() {
  const instance = useInstance();
  const asOf = instance.data?.demoAsOf;
  if (!asOf) return null;
  return (
    <div data-testid="demo-notice">
      <Notice
        title={`Démonstration — données au ${formatLongDate(asOf)}`}
        description="Les personnes et l'activité sont fictives ; l'application vit à cette date."
      />
    </div>
  );
}
