import { DomainRuleError } from "../errors.js";
import { Decimal, type DecimalInput, toDecimal } from "../money/money.js";

// Rule: ETP réalisés = hours worked / the AF's annual hours per ETP (hours read from the AF, never hard-coded) — iae-reference §3.1/§3.2
export function etpRealises(hours: DecimalInput, annualHoursPerEtp: DecimalInput): Decimal {
  const h = toDecimal(hours, "declarations.hours");
  if (h.isNegative()) throw new DomainRuleError("declarations.hours", hours.toString(), "nombre d'heures négatif");
  const ref = toDecimal(annualHoursPerEtp, "declarations.annualHours");
  if (!ref.greaterThan(0))
    throw new DomainRuleError("declarations.annualHours", annualHoursPerEtp.toString(), "durée annuelle par ETP > 0 attendue");
  return h.dividedBy(ref);
}

/** PA's "monthly ETP" of one monthly declaration = hours / annual hours × 12. */
export function monthlyEtp(hours: DecimalInput, annualHoursPerEtp: DecimalInput): Decimal {
  return etpRealises(hours, annualHoursPerEtp).times(12);
}

export interface RealisationRate {
  raw: Decimal;
  /** min(raw, 1) (DGEFP's capped version). */
  capped: Decimal;
}

// Rule: taux de réalisation = ETP réalisés / ETP conventionnés annualisés, also capped at 100 % — iae-reference §3.2
export function tauxRealisation(realises: DecimalInput, conventionnes: DecimalInput): RealisationRate {
  const r = toDecimal(realises, "declarations.tauxRealisation.realises");
  const c = toDecimal(conventionnes, "declarations.tauxRealisation.conventionnes");
  if (r.isNegative()) throw new DomainRuleError("declarations.tauxRealisation.realises", realises.toString(), "valeur négative");
  if (!c.greaterThan(0))
    throw new DomainRuleError(
      "declarations.tauxRealisation.conventionnes",
      conventionnes.toString(),
      "ETP conventionnés > 0 attendus pour calculer un taux",
    );
  const raw = r.dividedBy(c);
  return { raw, capped: Decimal.min(raw, 1) };
}

// Rule: people are counted only with ≥ 1 hour worked (DGEFP/ASP) — iae-reference §3.2
export function countsAsPresent(hours: DecimalInput): boolean {
  const h = toDecimal(hours, "declarations.hours");
  if (h.isNegative()) throw new DomainRuleError("declarations.hours", hours.toString(), "nombre d'heures négatif");
  return h.greaterThanOrEqualTo(1);
}
