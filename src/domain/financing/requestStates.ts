// The life of a financing request (demande de conventionnement / renouvellement) through the DDETS year:
// the SIAE drafts and files it, the DDETS instructs it and proposes ETP and amount, presents it to the
// CDIAE (conseil départemental de l'IAE) whose opinion is recorded, then the préfet's decision (entered by
// the DDETS) creates or renews the AF — iae-reference §2.1 ("convention signed by the préfet after opinion
// of the CDIAE"). The intermediate states are the usual DDETS practice, not a legal list [M].
import { DomainRuleError } from "../errors.js";

export const REQUEST_STATES = ["brouillon", "deposee", "en_instruction", "proposee", "avis_cdiae", "decidee"] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

export const REQUEST_DECISIONS = ["accordee", "partiellement_accordee", "refusee"] as const;
export type RequestDecision = (typeof REQUEST_DECISIONS)[number];

export const CDIAE_OPINIONS = ["favorable", "reserve", "defavorable"] as const;
export type CdiaeOpinion = (typeof CDIAE_OPINIONS)[number];

/** Who acts on a request: the SIAE of the structure, or the DDETS of its département. */
export type RequestActor = "siae" | "ddets";

export const REQUEST_STATE_LABELS: Record<RequestState, string> = {
  brouillon: "Brouillon",
  deposee: "Déposée",
  en_instruction: "En instruction",
  proposee: "Proposée",
  avis_cdiae: "Avis CDIAE",
  decidee: "Décidée",
};

export const REQUEST_DECISION_LABELS: Record<RequestDecision, string> = {
  accordee: "Accordée",
  partiellement_accordee: "Partiellement accordée",
  refusee: "Refusée",
};

export interface RequestTransition {
  from: RequestState;
  to: RequestState;
  by: RequestActor;
  /** Short name of the action (audit action suffix, API verb). */
  action: "file" | "return" | "instruct" | "propose" | "cdiae" | "decide";
  /** A comment is required (sending a request back, recording a refusal…). */
  commentRequired: boolean;
}

// Rule: who may move a request from which state to which — docs/ddets-year.md (DDETS practice [M])
export const REQUEST_TRANSITIONS: readonly RequestTransition[] = [
  { from: "brouillon", to: "deposee", by: "siae", action: "file", commentRequired: false },
  { from: "deposee", to: "brouillon", by: "ddets", action: "return", commentRequired: true },
  { from: "en_instruction", to: "brouillon", by: "ddets", action: "return", commentRequired: true },
  { from: "deposee", to: "en_instruction", by: "ddets", action: "instruct", commentRequired: false },
  { from: "en_instruction", to: "proposee", by: "ddets", action: "propose", commentRequired: false },
  // A new proposal may be made until the CDIAE has given its opinion.
  { from: "proposee", to: "proposee", by: "ddets", action: "propose", commentRequired: false },
  { from: "proposee", to: "avis_cdiae", by: "ddets", action: "cdiae", commentRequired: false },
  { from: "avis_cdiae", to: "decidee", by: "ddets", action: "decide", commentRequired: false },
];

/** The transition of `action` from `state` by `by`; throws when it is not allowed. */
export function requestTransition(state: RequestState, action: RequestTransition["action"], by: RequestActor): RequestTransition {
  const candidates = REQUEST_TRANSITIONS.filter((t) => t.from === state && t.action === action);
  if (candidates.length === 0)
    throw new DomainRuleError(
      "financing.transition",
      { state, action },
      `action impossible sur une demande à l'état « ${REQUEST_STATE_LABELS[state] ?? state} »`,
    );
  const allowed = candidates.find((t) => t.by === by);
  if (!allowed)
    throw new DomainRuleError(
      "financing.transitionActor",
      { state, action, by },
      by === "siae" ? "cette étape revient à la DDETS" : "cette étape revient à la structure",
    );
  return allowed;
}

/** A transition that needs a comment got none. */
export function checkTransitionComment(t: RequestTransition, comment: string | undefined): string {
  const c = (comment ?? "").trim();
  if (t.commentRequired && c === "")
    throw new DomainRuleError("financing.comment", t.action, "un commentaire est obligatoire pour cette étape");
  if (c.length > 4000) throw new DomainRuleError("financing.comment", c.length, "commentaire trop long (4 000 caractères au plus)");
  return c;
}

/** The SIAE may edit its request only while it is a draft. */
export function isEditableBySiae(state: RequestState): boolean {
  return state === "brouillon";
}

// Rule: a decision's ETP: accordée = the proposal in full, partiellement = less than requested (> 0), refusée = 0
export function checkDecision(decision: RequestDecision, requestedEtp: string, decidedEtp: string | null): void {
  const req = Number(requestedEtp);
  if (decision === "refusee") {
    if (decidedEtp !== null && Number(decidedEtp) !== 0)
      throw new DomainRuleError("financing.decision", decidedEtp, "une demande refusée n'a pas d'ETP accordés");
    return;
  }
  if (decidedEtp === null || !(Number(decidedEtp) > 0))
    throw new DomainRuleError("financing.decision", decidedEtp, "nombre d'ETP accordés > 0 attendu");
  if (decision === "partiellement_accordee" && !(Number(decidedEtp) < req))
    throw new DomainRuleError(
      "financing.decision",
      { requestedEtp, decidedEtp },
      "un accord partiel accorde moins d'ETP que demandé (sinon : accordée)",
    );
}
