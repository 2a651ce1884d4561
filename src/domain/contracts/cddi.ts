import { addDays, addMonths, compareDates, ensureOrderedPeriod, type IsoDate } from "../calendar/isoDate.js";
import { DomainRuleError } from "../errors.js";
import type { SiaeKind } from "../structures/kinds.js";

// Rule: CDDI minimum 4 months (shorter allowed under a court sentence adjustment) — iae-reference §1.4
export const CDDI_MIN_MONTHS = 4;
// Rule: CDDI renewable up to 24 months in total — iae-reference §1.4
export const CDDI_MAX_MONTHS = 24;
// Rule: "particular difficulties" derogation: successive decisions of at most one year, 60 months in total, in
// ACI and AI only — code du travail R.5132-1-8 2° c) (décret 2021-1128), L.5132-15-1. Not open to EI.
export const CDDI_DEROGATION_MAX_MONTHS = 60;
export const PARTICULAR_DIFFICULTIES_KINDS: readonly SiaeKind[] = ["ACI", "AI"];
// Rule: 50 years and more / RQTH: the contract may be prolonged beyond 24 months with no total cap
// (L.5132-5 EI, L.5132-11-1 AI, L.5132-15-1 ACI: "au-delà de la durée maximale prévue"), each renewal
// beyond 24 months lasting at most 12 months [M: the article text read through summaries]
export const CDDI_RENEWAL_BEYOND_24_MAX_MONTHS = 12;
// Rule: Covid derogation (loi 2020-734): up to 36 months, until 30/11/2021 — iae-reference §1.4
export const CDDI_COVID_MAX_MONTHS = 36;
export const CDDI_COVID_UNTIL = "2021-11-30";
// Rule: weekly working time of a CDDI ≥ 20 h for every kind (L.5132-5 EI, L.5132-11-1 AI, L.5132-15-1 ACI;
// lower allowed for a very fragile public); at most the legal weekly duration, 35 h, in ACI where the hours may
// vary over the contract "sans dépasser la durée légale hebdomadaire" (L.5132-15-1); elsewhere the absolute
// weekly maximum of 48 h (L.3121-20) — iae-reference §1.4 [M: article texts read through summaries]
export const CDDI_MIN_WEEKLY_HOURS = 20;
export const CDDI_MAX_WEEKLY_HOURS = 35;
export const CDDI_MAX_WEEKLY_HOURS_BY_KIND: Readonly<Record<SiaeKind, number>> = { ACI: 35, AI: 48, EI: 48, ETTI: 48, EITI: 48 };

export type CddiDerogation =
  | { kind: "NONE" }
  /** To complete a training action in progress: up to the training end. */
  | { kind: "TRAINING"; trainingEnd: IsoDate }
  | { kind: "SENIOR_50" }
  | { kind: "RQTH" }
  | { kind: "PARTICULAR_DIFFICULTIES" }
  | { kind: "COVID" };

export interface CddiInput {
  kind: SiaeKind;
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

/** Last day allowed for the recruitment (initial + renewals) given the derogation; null = no total cap (50+ / RQTH). */
export function cddiMaxEnd(
  recruitmentStart: IsoDate,
  derogation: Exclude<CddiDerogation, { kind: "SENIOR_50" } | { kind: "RQTH" }>,
): IsoDate;
export function cddiMaxEnd(recruitmentStart: IsoDate, derogation: CddiDerogation): IsoDate | null;
export function cddiMaxEnd(recruitmentStart: IsoDate, derogation: CddiDerogation): IsoDate | null {
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
      return null;
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
    if (compareDates(input.end, minEnd) < 0)
      throw new DomainRuleError("cddi.minDuration", { start: input.start, end: input.end }, "un CDDI dure au moins 4 mois");
  }
  const maxWeekly = CDDI_MAX_WEEKLY_HOURS_BY_KIND[input.kind];
  if (!Number.isFinite(input.weeklyHours) || input.weeklyHours <= 0 || input.weeklyHours > maxWeekly)
    throw new DomainRuleError(
      "cddi.weeklyHours",
      input.weeklyHours,
      `durée hebdomadaire entre 20 et ${maxWeekly} heures attendue (${input.kind})`,
    );
  if (input.fragilePublic !== true && input.weeklyHours < CDDI_MIN_WEEKLY_HOURS)
    throw new DomainRuleError("cddi.weeklyHours", input.weeklyHours, "durée hebdomadaire d'au moins 20 heures (sauf public très fragile)");
  const d = input.derogation.kind;
  if (d === "PARTICULAR_DIFFICULTIES" && !PARTICULAR_DIFFICULTIES_KINDS.includes(input.kind))
    throw new DomainRuleError(
      "cddi.derogation.kind",
      { kind: input.kind, derogation: d },
      "dérogation « difficultés particulières » réservée aux ACI et AI (R.5132-1-8)",
    );
  const maxEnd = cddiMaxEnd(input.recruitmentStart, input.derogation);
  if (maxEnd !== null && compareDates(input.end, maxEnd) > 0)
    throw new DomainRuleError("cddi.maxDuration", { end: input.end, maxEnd, derogation: d }, "durée totale du parcours en CDDI dépassée");
  // Beyond the 24 months, each renewal granted under a derogation lasts at most 12 months.
  const mark24 = addDays(addMonths(input.recruitmentStart, CDDI_MAX_MONTHS), -1);
  if ((d === "SENIOR_50" || d === "RQTH" || d === "PARTICULAR_DIFFICULTIES") && compareDates(input.end, mark24) > 0) {
    const maxRenewalEnd = addDays(addMonths(input.start, CDDI_RENEWAL_BEYOND_24_MAX_MONTHS), -1);
    if (compareDates(input.end, maxRenewalEnd) > 0)
      throw new DomainRuleError(
        "cddi.derogation.renewal",
        { start: input.start, end: input.end, derogation: d },
        "au-delà de 24 mois, chaque renouvellement dure au plus 12 mois",
      );
  }
}
