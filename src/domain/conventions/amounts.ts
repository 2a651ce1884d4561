import { ensureOrderedPeriod, type IsoDate, monthsCovered, monthsOverlap } from "../calendar/isoDate.js";
import { DomainRuleError } from "../errors.js";
import { Decimal, type DecimalInput, roundCents, toDecimal } from "../money/money.js";

function nonNegative(value: DecimalInput, rule: string): Decimal {
  const d = toDecimal(value, rule);
  if (d.isNegative()) throw new DomainRuleError(rule, value.toString(), "valeur négative interdite");
  return d;
}

function monthsArg(months: number, rule: string): number {
  if (!Number.isInteger(months) || months < 1) throw new DomainRuleError(rule, months, "nombre de mois entier ≥ 1 attendu");
  return months;
}

// Rule: AF total rounding — iae-reference §2.1: 12 months → round₂(ETP × unit); fewer/more → round₂(ETP × unit / 12) × months (half-up, decimal)
export function afTotal(etp: DecimalInput, unitAmount: DecimalInput, months: number): Decimal {
  const e = nonNegative(etp, "af.total.etp");
  const u = nonNegative(unitAmount, "af.total.unitAmount");
  const m = monthsArg(months, "af.total.months");
  if (m === 12) return roundCents(e.times(u));
  return roundCents(e.times(u).dividedBy(12)).times(m);
}

/** Monthly amount of the socle: round₂(ETP × unit / 12) — iae-reference §2.1/§2.2. */
export function afMonthlyAmount(etp: DecimalInput, unitAmount: DecimalInput): Decimal {
  return roundCents(nonNegative(etp, "af.monthly.etp").times(nonNegative(unitAmount, "af.monthly.unitAmount")).dividedBy(12));
}

/** AF total over its period (months covered per PA). */
export function afTotalForPeriod(etp: DecimalInput, unitAmount: DecimalInput, from: IsoDate, to: IsoDate): Decimal {
  return afTotal(etp, unitAmount, monthsCovered(from, to));
}

// Rule: ETP conventionnés annualisés = ETP (monthly average) × months / 12 — iae-reference §2.1/§3.2
export function annualisedEtp(etp: DecimalInput, months: number): Decimal {
  return nonNegative(etp, "af.etp").times(monthsArg(months, "af.etp.months")).dividedBy(12);
}

/** Annualised ETP of an AF restricted to the months of [periodFrom, periodTo]. */
export function annualisedEtpInPeriod(etp: DecimalInput, afFrom: IsoDate, afTo: IsoDate, periodFrom: IsoDate, periodTo: IsoDate): Decimal {
  const inside = monthsOverlap(afFrom, afTo, periodFrom, periodTo);
  return nonNegative(etp, "af.etp").times(inside).dividedBy(12);
}

export interface CofinancingSplit {
  total: Decimal;
  cofinanced: Decimal;
  state: Decimal;
  /** Share of the total paid by the co-financer (CD), 0..1. */
  cofinancedShare: Decimal;
  etpState: Decimal;
  etpCofinanced: Decimal;
}

// Rule: State vs CD split: ETP CD = ETP × af_mt_cofinance / af_montant_total_annuel, rest State — iae-reference §2.4/§10
export function splitCofinancing(total: DecimalInput, cofinanced: DecimalInput | null, annualEtp: DecimalInput): CofinancingSplit {
  const t = nonNegative(total, "af.cofinancing.total");
  const c = cofinanced === null ? new Decimal(0) : nonNegative(cofinanced, "af.cofinancing.amount");
  const e = nonNegative(annualEtp, "af.cofinancing.etp");
  if (c.greaterThan(t))
    throw new DomainRuleError(
      "af.cofinancing.exceedsTotal",
      { total: t.toFixed(2), cofinanced: c.toFixed(2) },
      "le montant cofinancé dépasse le total de l'annexe",
    );
  const share = t.isZero() ? new Decimal(0) : c.dividedBy(t);
  return {
    total: t,
    cofinanced: c,
    state: t.minus(c),
    cofinancedShare: share,
    etpCofinanced: e.times(share),
    etpState: e.minus(e.times(share)),
  };
}

/** Checks the AF period and returns its months covered. */
export function afMonths(from: IsoDate, to: IsoDate): number {
  ensureOrderedPeriod(from, to, "af.period");
  return monthsCovered(from, to);
}
