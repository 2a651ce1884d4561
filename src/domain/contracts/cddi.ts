import { addDays, addMonths, compareDates, ensureOrderedPeriod, type IsoDate } from "../calendar/isoDate.js";
import { DomainRuleError } from "../errors.js";

// Rule: CDDI minimum 4 months (shorter allowed under a court sentence adjustment) — iae-reference §1.4
export const CDDI_MIN_MONTHS = 4;
// Rule: CDDI renewable up to 24 months in total — iae-reference §1.4
export const CDDI_MAX_MONTHS = 24;
// Rule: derogation ≥ 50 years / RQTH / particular difficulties: up to 60 months — iae-reference §1.4
export const CDDI_DEROGATION_MAX_MONTHS = 60;
// Rule: Covid derogation (loi 2020-734): up to 36 months, until 30/11/2021 — iae-reference §1.4
export const CDDI_COVID_MAX_MONTHS = 36;
export const CDDI_COVID_UNTIL = "2021-11-30";
// Rule: weekly working time ≥ 20 h (lower allowed for very fragile public), ≤ 35 h — iae-reference §1.4
export const CDDI_MIN_WEEKLY_HOURS = 20;
export const CDDI_MAX_WEEKLY_HOURS = 35;

export type CddiDerogation =
  | { kind: "NONE" }
  /** To complete a training action in progress: up to the training end. */
  | { kind: "TRAINING"; trainingEnd: IsoDate }
  | { kind: "SENIOR_50" }
  | { kind: "RQTH" }
  | { kind: "PARTICULAR_DIFFICULTIES" }
  | { kind: "COVID" };

export interface CddiInput {
  start: IsoDate;
  end: IsoDate;
  weeklyHours: number;
  /** Start of the recruitment (initial contract) when this is a renewal; = start for an initial contract. */
  recruitmentStart: IsoDate;
  derogation: CddiDerogation;
  /** Person under a court sentence adjustment: minimum duration does not apply. */
  courtSentenceAdjustment?: boolean;
  /** Very fragile public: weekly minimum does not apply. */
  fragilePublic?: boolean;
}

/** Last day allowed for the recruitment (initial + renewals) given the derogation. */
export function cddiMaxEnd(recruitmentStart: IsoDate, derogation: CddiDerogation): IsoDate {
  const months = (n: number): IsoDate => addDays(addMonths(recruitmentStart, n), -1);
  switch (derogation.kind) {
    case "NONE":
      return months(CDDI_MAX_MONTHS);
    case "TRAINING": {
      const base = months(CDDI_MAX_MONTHS);
      return compareDates(derogation.trainingEnd, base) > 0 ? derogation.trainingEnd : base;
    }
    case "SENIOR_50":
    case "RQTH":
    case "PARTICULAR_DIFFICULTIES":
      return months(CDDI_DEROGATION_MAX_MONTHS);
    case "COVID": {
      const covid = months(CDDI_COVID_MAX_MONTHS);
      const base = months(CDDI_MAX_MONTHS);
      // the 36-month extension only covers periods up to 30/11/2021
      const capped = compareDates(covid, CDDI_COVID_UNTIL) > 0 ? CDDI_COVID_UNTIL : covid;
      return compareDates(capped, base) > 0 ? capped : base;
    }
  }
}

/** Validates one CDDI (initial or renewal). Throws DomainRuleError naming the rule broken. */
export function validateCddi(input: CddiInput): void {
  ensureOrderedPeriod(input.start, input.end, "cddi.period");
  ensureOrderedPeriod(input.recruitmentStart, input.start, "cddi.recruitmentStart");
  if (input.courtSentenceAdjustment !== true && input.start === input.recruitmentStart) {
    const minEnd = addDays(addMonths(input.start, CDDI_MIN_MONTHS), -1);
    if (compareDates(input.end, minEnd) < 0) throw new DomainRuleError("cddi.minDuration", { start: input.start, end: input.end }, "un CDDI dure au moins 4 mois");
  }
  if (!Number.isFinite(input.weeklyHours) || input.weeklyHours <= 0 || input.weeklyHours > CDDI_MAX_WEEKLY_HOURS)
    throw new DomainRuleError("cddi.weeklyHours", input.weeklyHours, "durée hebdomadaire entre 20 et 35 heures attendue");
  if (input.fragilePublic !== true && input.weeklyHours < CDDI_MIN_WEEKLY_HOURS)
    throw new DomainRuleError("cddi.weeklyHours", input.weeklyHours, "durée hebdomadaire d'au moins 20 heures (sauf public très fragile)");
  const maxEnd = cddiMaxEnd(input.recruitmentStart, input.derogation);
  if (compareDates(input.end, maxEnd) > 0) throw new DomainRuleError("cddi.maxDuration", { end: input.end, maxEnd, derogation: input.derogation.kind }, "durée totale du parcours en CDDI dépassée");
}
