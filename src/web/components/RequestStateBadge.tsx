// The state of a financing request (and its decision once decided) as a DSFR badge, with the French labels of
// the domain (src/domain/financing/requestStates.ts) — shared by the request lists and the request page.
import { Badge } from "@codegouvfr/react-dsfr/Badge.js";
import {
  REQUEST_DECISION_LABELS,
  REQUEST_STATE_LABELS,
  type RequestDecision,
  type RequestState,
} from "../../domain/financing/requestStates.js";

export const OPINION_LABELS: Record<string, string> = { favorable: "Favorable", reserve: "Réservé", defavorable: "Défavorable" };

const SEVERITY: Partial<Record<RequestState, "info" | "new" | "success" | "warning">> = {
  deposee: "new",
  en_instruction: "info",
  proposee: "info",
  avis_cdiae: "warning",
  decidee: "success",
};

export function RequestStateBadge({ state, decision, testId }: { state: string; decision?: string | null; testId?: string }) {
  const label =
    state === "decidee" && decision
      ? `Décidée : ${REQUEST_DECISION_LABELS[decision as RequestDecision]?.toLowerCase() ?? decision}`
      : (REQUEST_STATE_LABELS[state as RequestState] ?? state);
  const severity = state === "decidee" && decision === "refusee" ? "error" : SEVERITY[state as RequestState];
  return (
    <Badge small noIcon {...(severity ? { severity } : {})} data-testid={testId}>
      {label}
    </Badge>
  );
}
