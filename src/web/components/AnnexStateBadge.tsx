// The state of an annexe financière version (ASP states) as a DSFR badge, the same on every screen.
import { Badge } from "@codegouvfr/react-dsfr/Badge.js";

const SEVERITY: Record<string, "success" | "info" | "warning" | "error" | "new"> = {
  VALIDE: "success",
  PROVISOIRE: "info",
  CLOTURE: "info",
  HISTORISE: "new",
  BROUILLON: "warning",
  SAISI: "warning",
  REJETE: "error",
  ANNULE: "error",
};

export function AnnexStateBadge({ state }: { state: string }) {
  return (
    <Badge severity={SEVERITY[state] ?? "info"} small>
      {state}
    </Badge>
  );
}
