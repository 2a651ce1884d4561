// Workflow of a contrôle a posteriori campaign, per selected structure — iae-reference §4.4 (les-emplois
// itou/siae_evaluations models.py: EvaluatedSiae.state, EvaluatedAdministrativeCriteria review states
// PENDING / ACCEPTED / REFUSED / REFUSED_2, transition_to_adversarial_phase, Sanctions; enums.py
// EvaluatedSiaeNotificationReason). Pure: today is passed in.
//
//   pieces ──submit (SIAE, every criterion to justify has a proof, by proofsDueOn)──▶ soumis
//   soumis ──review each criterion (DDETS: acceptee / refusee with a comment), then close the review──▶
//       contradictoire when one is refused (the SIAE adds proofs to the refused ones by adversarialDueOn and
//       submits again ──▶ soumis_contradictoire, reviewed again: acceptee / refusee_2), else ready to decide
//   final decision (DDETS): conforme / non_conforme with its reason and consequences ──▶ decide
// A file whose SIAE let its deadline pass can be decided (non conforme, reason "delai") once the deadline is over.
import { addDays, diffDays } from "../calendar/isoDate.js";
import { DomainRuleError } from "../errors.js";

export type FileState = "pieces" | "soumis" | "contradictoire" | "soumis_contradictoire" | "decide";
export type Review = "en_attente" | "acceptee" | "refusee" | "refusee_2";
export type Decision = "conforme" | "non_conforme";
export const DECISION_REASONS = ["delai", "piece_incorrecte", "piece_manquante", "autre"] as const;
export type DecisionReason = (typeof DECISION_REASONS)[number];

export interface Deadlines {
  proofsDueOn: string;
  reviewDueOn: string;
  adversarialDueOn: string;
}

// Rule: each phase lasts six weeks (les-emplois campaign calendar: the SIAE's submission, the institution's
// review, the adversarial phase), and the institution has two weeks after the adversarial phase to decide.
export const PHASE_DAYS = 42;
export const FINAL_REVIEW_DAYS = 14;

export function defaultDeadlines(createdOn: string): Deadlines {
  const proofsDueOn = addDays(createdOn, PHASE_DAYS);
  const reviewDueOn = addDays(proofsDueOn, PHASE_DAYS);
  return { proofsDueOn, reviewDueOn, adversarialDueOn: addDays(reviewDueOn, PHASE_DAYS) };
}

export function checkDeadlines(createdOn: string, d: Deadlines): Deadlines {
  if (!(d.proofsDueOn > createdOn))
    throw new DomainRuleError("controle.proofsDueOn", d.proofsDueOn, "échéance des pièces après la création attendue");
  if (!(d.reviewDueOn > d.proofsDueOn))
    throw new DomainRuleError("controle.reviewDueOn", d.reviewDueOn, "échéance du contrôle après celle des pièces attendue");
  if (!(d.adversarialDueOn > d.reviewDueOn))
    throw new DomainRuleError(
      "controle.adversarialDueOn",
      d.adversarialDueOn,
      "échéance de la phase contradictoire après celle du contrôle attendue",
    );
  return d;
}

export interface CriterionStatus {
  certified: boolean;
  review: Review;
  initialProofs: number;
  adversarialProofs: number;
}

/** Which phase a proof added today belongs to; DomainRuleError when the file does not accept one for this criterion. */
export function proofPhase(state: FileState, c: CriterionStatus, today: string, d: Deadlines): "initiale" | "contradictoire" {
  if (c.certified) throw new DomainRuleError("controle.proof", c.review, "critère certifié : aucun justificatif à fournir");
  if (state === "pieces") {
    if (today > d.proofsDueOn) throw new DomainRuleError("controle.proof", today, "le délai de dépôt des justificatifs est dépassé");
    return "initiale";
  }
  if (state === "contradictoire") {
    if (c.review !== "refusee")
      throw new DomainRuleError(
        "controle.proof",
        c.review,
        "en phase contradictoire, seuls les critères refusés reçoivent des justificatifs",
      );
    if (today > d.adversarialDueOn) throw new DomainRuleError("controle.proof", today, "le délai de la phase contradictoire est dépassé");
    return "contradictoire";
  }
  throw new DomainRuleError("controle.proof", state, "le dossier a été transmis : plus de justificatif possible à cette étape");
}

/** The SIAE transmits its file: every criterion to justify has a proof of the current phase. */
export function submitFile(state: FileState, criteria: readonly CriterionStatus[], today: string, d: Deadlines): FileState {
  if (state === "pieces") {
    if (today > d.proofsDueOn) throw new DomainRuleError("controle.submit", today, "le délai de transmission est dépassé");
    if (criteria.some((c) => !c.certified && c.initialProofs === 0))
      throw new DomainRuleError("controle.submit", state, "joindre au moins un justificatif à chaque critère avant de transmettre");
    return "soumis";
  }
  if (state === "contradictoire") {
    if (today > d.adversarialDueOn) throw new DomainRuleError("controle.submit", today, "le délai de la phase contradictoire est dépassé");
    if (criteria.some((c) => c.review === "refusee" && c.adversarialProofs === 0))
      throw new DomainRuleError("controle.submit", state, "joindre un nouveau justificatif à chaque critère refusé avant de transmettre");
    return "soumis_contradictoire";
  }
  throw new DomainRuleError("controle.submit", state, "ce dossier n'est pas à transmettre");
}

/** The DDETS's verdict on a criterion; a refusal carries its reason. */
export function reviewCriterion(state: FileState, c: CriterionStatus, verdict: "acceptee" | "refusee", comment: string): Review {
  if (c.certified) throw new DomainRuleError("controle.review", c.review, "critère certifié : accepté sans justificatif");
  if (verdict === "refusee" && comment.trim() === "") throw new DomainRuleError("controle.comment", "", "motiver le refus d'un critère");
  if (state === "soumis") return verdict;
  if (state === "soumis_contradictoire") {
    // Only the criteria refused in the first review are examined again.
    if (c.review !== "refusee" && c.review !== "refusee_2" && !(c.review === "acceptee" && c.adversarialProofs > 0))
      throw new DomainRuleError("controle.review", c.review, "seuls les critères refusés sont réexaminés en phase contradictoire");
    return verdict === "acceptee" ? "acceptee" : "refusee_2";
  }
  throw new DomainRuleError("controle.review", state, "le dossier n'est pas en cours d'examen");
}

/** End of the first review: every criterion examined; the adversarial phase opens when one is refused. */
export function closeReview(state: FileState, criteria: readonly CriterionStatus[]): FileState {
  if (state !== "soumis") throw new DomainRuleError("controle.close", state, "le dossier n'est pas en cours d'examen");
  if (criteria.some((c) => c.review === "en_attente"))
    throw new DomainRuleError("controle.close", state, "examiner chaque critère avant de clore l'examen");
  return criteria.some((c) => c.review === "refusee") ? "contradictoire" : "soumis";
}

export interface DecisionInput {
  decision: Decision;
  reason?: DecisionReason | undefined;
  trainingRequired?: boolean | undefined;
  suspendedFrom?: string | undefined;
  suspendedTo?: string | undefined;
  aidCorrection?: string | undefined;
}

/**
 * The DDETS's final decision on a structure. Possible once every criterion has its final verdict (after the
 * first review with nothing refused, or after the adversarial review), or when the SIAE let its deadline pass.
 * Conforme only when every criterion is accepted, and without consequences; non conforme with its reason.
 */
export function checkFinalDecision(
  state: FileState,
  criteria: readonly CriterionStatus[],
  today: string,
  d: Deadlines,
  input: DecisionInput,
): void {
  const lapsed = (state === "pieces" && today > d.proofsDueOn) || (state === "contradictoire" && today > d.adversarialDueOn);
  const reviewed =
    (state === "soumis" && criteria.every((c) => c.review === "acceptee")) ||
    (state === "soumis_contradictoire" && criteria.every((c) => c.review === "acceptee" || c.review === "refusee_2"));
  if (state === "decide") throw new DomainRuleError("controle.decision", state, "la décision a déjà été prise");
  if (!lapsed && !reviewed)
    throw new DomainRuleError(
      "controle.decision",
      state,
      "examiner chaque critère (ou attendre la fin du délai de la SIAE) avant de décider",
    );
  const allAccepted = criteria.every((c) => c.review === "acceptee");
  if (input.decision === "conforme") {
    if (!allAccepted || lapsed)
      throw new DomainRuleError("controle.decision", input.decision, "conforme seulement si chaque critère est accepté");
    if (input.trainingRequired || input.suspendedFrom || input.aidCorrection)
      throw new DomainRuleError("controle.decision", input.decision, "un contrôle conforme n'a pas de conséquence");
    return;
  }
  if (input.reason === undefined) throw new DomainRuleError("controle.reason", "", "indiquer le motif de non-conformité");
  if ((input.suspendedFrom === undefined) !== (input.suspendedTo === undefined))
    throw new DomainRuleError(
      "controle.suspension",
      input.suspendedFrom ?? input.suspendedTo ?? "",
      "indiquer le début et la fin du retrait",
    );
  if (input.suspendedFrom !== undefined && input.suspendedTo !== undefined && input.suspendedTo < input.suspendedFrom)
    throw new DomainRuleError("controle.suspension", input.suspendedTo, "fin du retrait après son début attendue");
}

export type DueParty = "siae" | "ddets";

export interface DueItem {
  party: DueParty;
  what: "transmettre_pieces" | "examiner" | "transmettre_contradictoire" | "decider";
  dueOn: string;
  overdue: boolean;
}

/** What a file waits for, from whom, by when; overdue once the date is past. Null once decided. */
export function dueItem(state: FileState, criteria: readonly CriterionStatus[], today: string, d: Deadlines): DueItem | null {
  const item = (party: DueParty, what: DueItem["what"], dueOn: string): DueItem => ({ party, what, dueOn, overdue: today > dueOn });
  const finalDue = addDays(d.adversarialDueOn, FINAL_REVIEW_DAYS);
  switch (state) {
    case "pieces":
      return today > d.proofsDueOn ? item("ddets", "decider", finalDue) : item("siae", "transmettre_pieces", d.proofsDueOn);
    case "soumis":
      return criteria.every((c) => c.review === "acceptee")
        ? item("ddets", "decider", d.reviewDueOn)
        : item("ddets", "examiner", d.reviewDueOn);
    case "contradictoire":
      return today > d.adversarialDueOn
        ? item("ddets", "decider", finalDue)
        : item("siae", "transmettre_contradictoire", d.adversarialDueOn);
    case "soumis_contradictoire":
      return item("ddets", criteria.some((c) => c.review === "refusee") ? "examiner" : "decider", finalDue);
    case "decide":
      return null;
  }
}

/** The deadline a file is currently held to, by state: the one an extension moves. */
export const CURRENT_DEADLINE: Record<Exclude<FileState, "decide">, keyof Deadlines> = {
  pieces: "proofsDueOn",
  soumis: "reviewDueOn",
  contradictoire: "adversarialDueOn",
  soumis_contradictoire: "adversarialDueOn",
};

// Rule: deadlines are fixed when the campaign is drawn; the DDETS may extend one file's current deadline (never
// shorten it), to a day after today; the later deadlines move by the same number of days so that their order and
// the time left for each later phase are kept [M] — iae-reference §4.4 (les-emplois' model) sets no deadline rule
export function extendDeadlines(state: FileState, d: Deadlines, newDueOn: string, today: string): Deadlines {
  if (state === "decide") throw new DomainRuleError("controle.extend.decided", state, "dossier déjà décidé : plus d'échéance à prolonger");
  const key = CURRENT_DEADLINE[state];
  const current = d[key];
  if (!(newDueOn > current))
    throw new DomainRuleError("controle.extend.later", newDueOn, `nouvelle échéance après l'échéance actuelle (${current}) attendue`);
  if (!(newDueOn > today)) throw new DomainRuleError("controle.extend.future", newDueOn, "nouvelle échéance après aujourd'hui attendue");
  const shift = diffDays(current, newDueOn);
  const order: (keyof Deadlines)[] = ["proofsDueOn", "reviewDueOn", "adversarialDueOn"];
  const from = order.indexOf(key);
  const out = { ...d };
  for (const k of order.slice(from)) out[k] = addDays(d[k], shift);
  return out;
}
