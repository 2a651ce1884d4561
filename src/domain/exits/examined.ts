import { compareDates, diffDays, type IsoDate, isWithin } from "../calendar/isoDate.js";
import { DomainRuleError } from "../errors.js";
import { Decimal, type DecimalInput, toDecimal } from "../money/money.js";
import { type SiaeKind, parseSiaeKind } from "../structures/kinds.js";
import { type ExitGroup, type ExitReferential, exitGroupOfMotif } from "./referential.js";

// Rule: PA duration in months = days × 0.0328767, exit counted for ACI/EI when > 2.65 (≈ 3 months, ≥ 81 days) — iae-reference §6.3
export const PA_MONTHS_PER_DAY = new Decimal("0.0328767");
export const ACI_EI_MIN_MONTHS = new Decimal("2.65");
// Rule: AI/ETTI exits counted with ≥ 150 hours worked — iae-reference §6.3
export const AI_ETTI_MIN_HOURS = new Decimal(150);
// Rule: ≥ 1 hour worked for ACI/EI/EITI — iae-reference §6.3
export const MIN_HOURS = new Decimal(1);

export interface ExitCandidate {
  kind: SiaeKind;
  /** Hiring date of the initial contract of the recruitment. */
  recruitmentStart: IsoDate;
  /** Definitive exit date (max of the chain). */
  exitDate: IsoDate;
  /** Hours worked (ACI/EI/EITI: in the calendar year of the exit, pilotage-airflow stg_sorties_aci_ei; AI/ETTI: on the last AF). */
  hoursWorked: DecimalInput;
  motifCode: string;
}

/** PA's recruitment duration in months: days between first hiring and exit × 0.0328767. */
export function recruitmentDurationMonths(start: IsoDate, exit: IsoDate): Decimal {
  const days = diffDays(start, exit);
  if (days < 0) throw new DomainRuleError("exits.duration", { start, exit }, "date de sortie antérieure à l'embauche");
  return PA_MONTHS_PER_DAY.times(days);
}

// Rule: exits examined — ACI/EI ≥ 1 h and duration > 2.65 months; AI/ETTI ≥ 150 h; EITI ≥ 1 h — iae-reference §6.3, design §4
export function meetsExaminedThreshold(c: ExitCandidate): boolean {
  const kind = parseSiaeKind(c.kind);
  const hours = toDecimal(c.hoursWorked, "exits.hours");
  if (hours.isNegative()) throw new DomainRuleError("exits.hours", c.hoursWorked.toString(), "heures négatives");
  switch (kind) {
    case "ACI":
    case "EI":
      return (
        hours.greaterThanOrEqualTo(MIN_HOURS) && recruitmentDurationMonths(c.recruitmentStart, c.exitDate).greaterThan(ACI_EI_MIN_MONTHS)
      );
    case "AI":
    case "ETTI":
      return hours.greaterThanOrEqualTo(AI_ETTI_MIN_HOURS);
    case "EITI":
      return hours.greaterThanOrEqualTo(MIN_HOURS);
  }
}

export type ExaminedGroup = Exclude<ExitGroup, "retrait">;

/** The group of an exit if it is examined; null if below threshold or a retrait (removed from numerator and denominator). */
export function examinedExitGroup(c: ExitCandidate, referential: ExitReferential): ExaminedGroup | null {
  const group = exitGroupOfMotif(referential, c.motifCode);
  if (!meetsExaminedThreshold(c)) return null;
  // Rule: retraits removed from numerator and denominator — iae-reference §6.1/§6.3
  if (group === "retrait") return null;
  return group;
}

export interface ExitCounts {
  examined: number;
  durable: number;
  transition: number;
  positive: number;
  other: number;
}

export interface ExitRates {
  /** (durable + transition + positive) / examined; null when no exit examined. */
  dynamic: number | null;
  durable: number | null;
  transition: number | null;
  positive: number | null;
}

/** Counts the examined exits whose exit date falls in [from, to]. */
export function countExaminedExits(
  candidates: readonly ExitCandidate[],
  referential: ExitReferential,
  from: IsoDate,
  to: IsoDate,
): ExitCounts {
  if (compareDates(from, to) > 0) throw new DomainRuleError("exits.period", { from, to }, "période invalide");
  const counts: ExitCounts = { examined: 0, durable: 0, transition: 0, positive: 0, other: 0 };
  for (const c of candidates) {
    if (!isWithin(c.exitDate, from, to)) continue;
    const group = examinedExitGroup(c, referential);
    if (group === null) continue;
    counts.examined++;
    counts[group]++;
  }
  return counts;
}

// Rule: taux de sorties dynamiques = (durable + transition + positives) / examined; sub-rates over the same denominator — iae-reference §6.3
export function exitRates(counts: ExitCounts): ExitRates {
  const n = counts.examined;
  if (n === 0) return { dynamic: null, durable: null, transition: null, positive: null };
  return {
    dynamic: (counts.durable + counts.transition + counts.positive) / n,
    durable: counts.durable / n,
    transition: counts.transition / n,
    positive: counts.positive / n,
  };
}

// Rule: national objectives ≥ 60 % sorties dynamiques, ≥ 25 % emploi durable (circulaire DGEFP 2008-21) — iae-reference §6.1
export const NATIONAL_TARGETS = { dynamic: 0.6, durable: 0.25 } as const;

export interface TargetComparison {
  dynamic: { rate: number | null; target: number; reached: boolean | null };
  durable: { rate: number | null; target: number; reached: boolean | null };
}

export function compareWithTargets(rates: ExitRates): TargetComparison {
  const cmp = (rate: number | null, target: number) => ({ rate, target, reached: rate === null ? null : rate >= target });
  return { dynamic: cmp(rates.dynamic, NATIONAL_TARGETS.dynamic), durable: cmp(rates.durable, NATIONAL_TARGETS.durable) };
}
