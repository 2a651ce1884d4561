import { DomainRuleError } from "../errors.js";
import { type Decimal, type DecimalInput, roundCents, toDecimal } from "../money/money.js";
import type { Territory } from "./bareme.js";

// Rule: modulated part 0–10 % of the socle, 5 % max in prisons — iae-reference §2.2
export function maxModulationPercent(territory: Territory): number {
  return territory === "penitentiaire" ? 5 : 10;
}

export function validateModulationPercent(percent: DecimalInput, territory: Territory): Decimal {
  const p = toDecimal(percent, "aid.modulation");
  const max = maxModulationPercent(territory);
  if (p.isNegative() || p.greaterThan(max))
    throw new DomainRuleError("aid.modulation", percent.toString(), `part modulée entre 0 et ${max} % attendue (${territory})`);
  return p;
}

/** Modulated amount = round₂(socle total × percent / 100), paid once after the annual review — iae-reference §2.2. */
export function modulatedAmount(socleTotal: DecimalInput, percent: DecimalInput, territory: Territory): Decimal {
  return roundCents(toDecimal(socleTotal, "aid.modulation.total").times(validateModulationPercent(percent, territory)).dividedBy(100));
}
