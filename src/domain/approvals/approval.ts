import type { Clock } from "../calendar/clock.js";
import { addDays, addMonths, addYears, compareDates, diffDays, type IsoDate, isWithin, parseIsoDate } from "../calendar/isoDate.js";
import { DomainRuleError } from "../errors.js";
import type { SiaeKind } from "../structures/kinds.js";

// Rule: PASS IAE lasts 2 years, end inclusive: end = start + 730 d − 1 d — iae-reference §5
export const PASS_DURATION_DAYS = 730;

// Rule: suspension reasons offered now; legacy reasons kept for history only — iae-reference §5
export const SUSPENSION_REASONS = [
  "CONTRACT_SUSPENDED",
  "CONTRACT_BROKEN",
  "FINISHED_CONTRACT",
  "APPROVAL_BETWEEN_CTA_MEMBERS",
  "CONTRAT_PASSERELLE",
] as const;
export const LEGACY_SUSPENSION_REASONS = [
  "SICKNESS",
  "MATERNITY",
  "INCARCERATION",
  "TRIAL_OUTSIDE_IAE",
  "DETOXIFICATION",
  "FORCE_MAJEURE",
] as const;
export type SuspensionReason = (typeof SUSPENSION_REASONS)[number] | (typeof LEGACY_SUSPENSION_REASONS)[number];
// Rule: a suspension lasts at most 36 months; retroactivity at most 365 days — iae-reference §5
export const SUSPENSION_MAX_MONTHS = 36;
export const SUSPENSION_MAX_RETROACTIVITY_DAYS = 365;
// Rule: the CONTRAT_PASSERELLE suspension exists only for EI and ACI, the two kinds of the contrat passerelle
// experiment (loi 2020-1577 du 14 décembre 2020, art. 5) — les-emplois itou/approvals/models.py
// Suspension.Reason.displayed_choices_for_siae
export const CONTRAT_PASSERELLE_KINDS: readonly SiaeKind[] = ["EI", "ACI"];

export type ProlongationReason = "COMPLETE_TRAINING" | "SENIOR_CDI" | "RQTH" | "SENIOR" | "PARTICULAR_DIFFICULTIES" | "HEALTH_CONTEXT";

export interface ProlongationRule {
  /** Max days per request (12 months = 365 days, "until retirement" = 10 years = 3 650 days). */
  maxDaysPerRequest: number;
  /** Max cumulated days for this reason on one PASS; null = no cap. */
  maxCumulativeDays: number | null;
  needsPrescriber: boolean;
  /** Kinds allowed; null = all. */
  kinds: readonly SiaeKind[] | null;
  /** Requests accepted only before this date (exclusive), or null. */
  closedFrom: IsoDate | null;
}

// Rule: prolongation table (per request, cumulative cap on ALL the prolongations of the PASS, prescriber
// opinion) — code du travail R.5132-1-8 (décret 2021-1128), iae-reference §5, les-emplois
// itou/approvals/models.py Prolongation.PROLONGATION_RULES / get_max_end_at:
// - 2° a) 50 years and more: up to 84 months of parcours (2 years + 5 × 365 days of prolongation);
// - 2° b) RQTH: up to 60 months (2 years + 3 × 365 days); neither has a per-decision limit in the decree nor
//   in les-emplois's model, so one request may use the whole remainder (les-emplois's form offers 12 months
//   by default, its model accepts more);
// - 2° c) particular difficulties, ACI and AI only: "par décisions successives d'un an au plus", 60 months:
//   Passerelle keeps one year per decision as the decree says, where les-emplois's model checks only the cap;
// - 1° b) end of a training in progress: 12 months per request, no cap; 1° a) CDI inclusion: until the end of
//   the contract (10 years technically, as les-emplois).
export const PROLONGATION_RULES: Readonly<Record<ProlongationReason, ProlongationRule>> = {
  COMPLETE_TRAINING: { maxDaysPerRequest: 365, maxCumulativeDays: null, needsPrescriber: false, kinds: null, closedFrom: null },
  SENIOR_CDI: { maxDaysPerRequest: 3650, maxCumulativeDays: null, needsPrescriber: false, kinds: null, closedFrom: null },
  RQTH: { maxDaysPerRequest: 3 * 365, maxCumulativeDays: 3 * 365, needsPrescriber: true, kinds: null, closedFrom: null },
  SENIOR: { maxDaysPerRequest: 5 * 365, maxCumulativeDays: 5 * 365, needsPrescriber: true, kinds: null, closedFrom: null },
  PARTICULAR_DIFFICULTIES: {
    maxDaysPerRequest: 365,
    maxCumulativeDays: 3 * 365,
    needsPrescriber: true,
    kinds: ["AI", "ACI"],
    closedFrom: null,
  },
  HEALTH_CONTEXT: { maxDaysPerRequest: 365, maxCumulativeDays: 365, needsPrescriber: false, kinds: null, closedFrom: "2021-12-01" },
};
// Rule: prolongation request window from 12 months before to 6 months after the end date — iae-reference §5
export const PROLONGATION_WINDOW_MONTHS_BEFORE = 12;
export const PROLONGATION_WINDOW_MONTHS_AFTER = 6;

export interface Suspension {
  startAt: IsoDate;
  endAt: IsoDate;
  reason: SuspensionReason;
}

export interface Prolongation {
  startAt: IsoDate;
  endAt: IsoDate;
  reason: ProlongationReason;
  requestedAt: IsoDate;
}

export interface Approval {
  startAt: IsoDate;
  /** Current end date (inclusive), already pushed back by suspensions and prolongations. */
  endAt: IsoDate;
  suspensions: readonly Suspension[];
  prolongations: readonly Prolongation[];
}

export type ApprovalStatus = "VALID" | "FUTURE" | "SUSPENDED" | "EXPIRED";

export function initialEndDate(startAt: IsoDate): IsoDate {
  return addDays(parseIsoDate(startAt, "approval.startAt"), PASS_DURATION_DAYS - 1);
}

export function createApproval(startAt: IsoDate): Approval {
  return { startAt, endAt: initialEndDate(startAt), suspensions: [], prolongations: [] };
}

/** Length in days of an inclusive period. */
export function periodDays(startAt: IsoDate, endAt: IsoDate): number {
  return diffDays(startAt, endAt) + 1;
}

/**
 * Days a suspension adds to the PASS end date: end − start, as les emplois de l'inclusion computes it
 * (itou/approvals/models.py Suspension.duration = end_at − start_at, added by its database trigger
 * trigger_update_approval_end_at). The PASS is issued and kept by les emplois de l'inclusion: a PASS
 * known to both systems must never get two end dates, so Passerelle adds what the system of record adds.
 * Difference with the decree: R.5132-1-3 suspends the parcours for the whole suspension, both bounds
 * included, i.e. end − start + 1 days; les-emplois gives one day less. Passerelle keeps the imported
 * end date of a PASS as it is (loadApproval reads approval.ends_on, never recomputes it) and uses
 * this rule only for the suspensions it records itself.
 */
export function suspensionExtensionDays(startAt: IsoDate, endAt: IsoDate): number {
  return diffDays(startAt, endAt);
}

// Rule: PASS status at a date: FUTURE before start, EXPIRED after end, SUSPENDED inside a suspension, else VALID — iae-reference §5
export function approvalStatus(a: Approval, date: IsoDate): ApprovalStatus {
  parseIsoDate(date, "approval.status.date");
  if (compareDates(date, a.startAt) < 0) return "FUTURE";
  if (compareDates(date, a.endAt) > 0) return "EXPIRED";
  if (a.suspensions.some((s) => isWithin(date, s.startAt, s.endAt))) return "SUSPENDED";
  return "VALID";
}

export function isSuspensionReason(v: string): v is SuspensionReason {
  return (SUSPENSION_REASONS as readonly string[]).includes(v) || (LEGACY_SUSPENSION_REASONS as readonly string[]).includes(v);
}

/**
 * Adds a suspension declared today (clock). Rules: current reason (CONTRAT_PASSERELLE for EI/ACI only),
 * inside the PASS, ≤ 36 months, today − 365 days ≤ start ≤ today, no overlap. The end date is pushed
 * back by suspensionExtensionDays — iae-reference §5, les-emplois itou/approvals/models.py Suspension.clean.
 */
export function addSuspension(
  a: Approval,
  s: {
    startAt: IsoDate;
    endAt: IsoDate;
    reason: string;
    /** Kind of the declaring SIAE (CONTRAT_PASSERELLE needs EI or ACI). */
    kind?: SiaeKind;
    /** Start of the declaring SIAE's last hiring of the person: the suspension cannot start before it. */
    hiringStart?: IsoDate | null;
  },
  clock: Clock,
): Approval {
  if (!(SUSPENSION_REASONS as readonly string[]).includes(s.reason))
    throw new DomainRuleError("approval.suspension.reason", s.reason, "motif de suspension non proposé");
  if (s.reason === "CONTRAT_PASSERELLE" && (s.kind === undefined || !CONTRAT_PASSERELLE_KINDS.includes(s.kind)))
    throw new DomainRuleError(
      "approval.suspension.contratPasserelle",
      s.kind ?? null,
      "motif « contrat passerelle » réservé aux EI et ACI (loi 2020-1577, art. 5)",
    );
  parseIsoDate(s.startAt, "approval.suspension.startAt");
  parseIsoDate(s.endAt, "approval.suspension.endAt");
  if (compareDates(s.startAt, s.endAt) > 0)
    throw new DomainRuleError("approval.suspension.period", s, "la fin de suspension précède son début");
  if (!isWithin(s.startAt, a.startAt, a.endAt))
    throw new DomainRuleError("approval.suspension.outside", s.startAt, "la suspension doit commencer pendant la validité du PASS");
  const maxEnd = addDays(addMonths(s.startAt, SUSPENSION_MAX_MONTHS), -1);
  if (compareDates(s.endAt, maxEnd) > 0)
    throw new DomainRuleError("approval.suspension.maxDuration", s, "une suspension dure au plus 36 mois");
  const today = clock.today();
  if (compareDates(s.startAt, addDays(today, -SUSPENSION_MAX_RETROACTIVITY_DAYS)) < 0)
    throw new DomainRuleError("approval.suspension.retroactivity", s.startAt, "rétroactivité limitée à 365 jours");
  // Rule: a suspension starts at the earliest on the start of the last hiring — les-emplois itou/approvals/models.py Suspension.next_min_start_at
  if (s.hiringStart != null && compareDates(s.startAt, s.hiringStart) < 0)
    throw new DomainRuleError(
      "approval.suspension.beforeHiring",
      s.startAt,
      "la suspension ne peut pas commencer avant l'embauche en cours",
    );
  // Rule: a suspension is backdatable but cannot start in the future — les-emplois itou/www/approvals_views/forms.py (SuspensionForm)
  if (compareDates(s.startAt, today) > 0)
    throw new DomainRuleError("approval.suspension.future", s.startAt, "une suspension ne peut pas commencer après aujourd'hui");
  for (const other of a.suspensions) {
    if (compareDates(s.startAt, other.endAt) <= 0 && compareDates(other.startAt, s.endAt) <= 0)
      throw new DomainRuleError("approval.suspension.overlap", s, "chevauche une autre suspension");
  }
  return {
    ...a,
    endAt: addDays(a.endAt, suspensionExtensionDays(s.startAt, s.endAt)),
    suspensions: [...a.suspensions, { startAt: s.startAt, endAt: s.endAt, reason: s.reason as SuspensionReason }],
  };
}

/**
 * Days of prolongation already granted on the PASS, ALL motives together: the caps of R.5132-1-8 are
 * limits on the length of the whole parcours (60 months RQTH / particular difficulties, 84 months from
 * 50 years), whatever motive earlier prolongations had — les-emplois itou/approvals/models.py
 * ProlongationManager.get_cumulative_duration_for, Prolongation.get_max_end_at.
 */
export function cumulatedProlongationDays(a: Approval): number {
  return a.prolongations.reduce((acc, p) => acc + periodDays(p.startAt, p.endAt), 0);
}

export interface ProlongationRequest {
  reason: string;
  /** Requested length in days (start = current end + 1). */
  days: number;
  requestedAt: IsoDate;
  kind: SiaeKind;
  /** The authorised prescriber's approval, required for RQTH / SENIOR / PARTICULAR_DIFFICULTIES. */
  prescriberApproved: boolean;
}

/** Adds a prolongation: start = current end + 1, end = start + days − 1. Every rule of iae-reference §5 is checked. */
export function addProlongation(a: Approval, req: ProlongationRequest): Approval {
  if (!Object.hasOwn(PROLONGATION_RULES, req.reason))
    throw new DomainRuleError("approval.prolongation.reason", req.reason, "motif de prolongation inconnu");
  const reason = req.reason as ProlongationReason;
  const rule = PROLONGATION_RULES[reason];
  parseIsoDate(req.requestedAt, "approval.prolongation.requestedAt");
  if (!Number.isInteger(req.days) || req.days < 1)
    throw new DomainRuleError("approval.prolongation.days", req.days, "durée en jours entière ≥ 1 attendue");
  if (rule.closedFrom !== null && compareDates(req.requestedAt, rule.closedFrom) >= 0)
    throw new DomainRuleError("approval.prolongation.closed", { reason, requestedAt: req.requestedAt }, "motif fermé à cette date");
  if (rule.kinds !== null && !rule.kinds.includes(req.kind))
    throw new DomainRuleError("approval.prolongation.kind", { reason, kind: req.kind }, "motif réservé à d'autres types de SIAE");
  const windowStart = addMonths(a.endAt, -PROLONGATION_WINDOW_MONTHS_BEFORE);
  const windowEnd = addMonths(a.endAt, PROLONGATION_WINDOW_MONTHS_AFTER);
  if (!isWithin(req.requestedAt, windowStart, windowEnd))
    throw new DomainRuleError(
      "approval.prolongation.window",
      { requestedAt: req.requestedAt, windowStart, windowEnd },
      "demande hors de la fenêtre (12 mois avant à 6 mois après la fin)",
    );
  if (approvalStatus(a, req.requestedAt) === "SUSPENDED")
    throw new DomainRuleError("approval.prolongation.suspended", req.requestedAt, "pas de prolongation pendant une suspension");
  if (req.days > rule.maxDaysPerRequest)
    throw new DomainRuleError(
      "approval.prolongation.maxPerRequest",
      { reason, days: req.days, max: rule.maxDaysPerRequest },
      "durée maximale par demande dépassée",
    );
  if (rule.maxCumulativeDays !== null && cumulatedProlongationDays(a) + req.days > rule.maxCumulativeDays)
    throw new DomainRuleError(
      "approval.prolongation.maxCumulative",
      { reason, days: req.days, max: rule.maxCumulativeDays },
      "durée cumulée des prolongations du PASS dépassée pour ce motif (R.5132-1-8)",
    );
  if (rule.needsPrescriber && !req.prescriberApproved)
    throw new DomainRuleError("approval.prolongation.prescriber", reason, "l'avis favorable d'un prescripteur habilité est requis");
  const startAt = addDays(a.endAt, 1);
  const endAt = addDays(a.endAt, req.days);
  return { ...a, endAt, prolongations: [...a.prolongations, { startAt, endAt, reason, requestedAt: req.requestedAt }] };
}

// Rule: délai de carence — for 2 years after the PASS end a new PASS only via an authorised prescriber — iae-reference §5
export const WAITING_PERIOD_YEARS = 2;

export function isInWaitingPeriod(lastApprovalEnd: IsoDate, date: IsoDate): boolean {
  return compareDates(date, lastApprovalEnd) > 0 && compareDates(date, addYears(lastApprovalEnd, WAITING_PERIOD_YEARS)) <= 0;
}

export function canObtainNewApproval(input: {
  lastApprovalEnd: IsoDate | null;
  date: IsoDate;
  /** Application sent by an authorised prescriber, or a valid prescriber diagnosis exists. */
  viaAuthorisedPrescriber: boolean;
  /** The waiting period applies only to structures subject to IAE rules. */
  structureSubjectToIaeRules: boolean;
}): { allowed: boolean; reason: string } {
  parseIsoDate(input.date, "approval.waitingPeriod.date");
  if (input.lastApprovalEnd === null) return { allowed: true, reason: "aucun PASS antérieur" };
  if (compareDates(input.date, input.lastApprovalEnd) <= 0) return { allowed: false, reason: "un PASS IAE est encore en cours" };
  if (!isInWaitingPeriod(input.lastApprovalEnd, input.date)) return { allowed: true, reason: "délai de carence écoulé" };
  if (!input.structureSubjectToIaeRules) return { allowed: true, reason: "structure non soumise aux règles de l'IAE" };
  if (input.viaAuthorisedPrescriber) return { allowed: true, reason: "exception : prescripteur habilité" };
  return { allowed: false, reason: "délai de carence de 2 ans : passer par un prescripteur habilité" };
}

/**
 * Rule: a hiring during a suspension ends it the day before (removed when the hiring is on its first
 * day); the end date moves back by the days the suspension no longer adds (suspensionExtensionDays) —
 * iae-reference §5, les-emplois itou/approvals/models.py Approval.unsuspend.
 * Passerelle ends a suspension of ANY motive, including the legacy ones, where les-emplois only ends
 * those of Suspension.REASONS_ALLOWING_UNSUSPEND: R.5132-1-3 suspends the parcours only while the
 * person is not working in a SIAE, so a hiring ends the suspension whatever its motive.
 */
export function endSuspensionOnHiring(a: Approval, hiringDate: IsoDate): Approval {
  parseIsoDate(hiringDate, "approval.hiringDate");
  const s = a.suspensions.find((x) => isWithin(hiringDate, x.startAt, x.endAt));
  if (!s) return a;
  const others = a.suspensions.filter((x) => x !== s);
  const before = suspensionExtensionDays(s.startAt, s.endAt);
  if (compareDates(hiringDate, s.startAt) <= 0) return { ...a, endAt: addDays(a.endAt, -before), suspensions: others };
  const shortened = { ...s, endAt: addDays(hiringDate, -1) };
  const after = suspensionExtensionDays(shortened.startAt, shortened.endAt);
  return { ...a, endAt: addDays(a.endAt, after - before), suspensions: [...others, shortened] };
}
