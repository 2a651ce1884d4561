import { monthsCovered, monthsOverlap } from "../calendar/isoDate.js";
import { Decimal, parseDecimal } from "../money/money.js";
import { countingAfs, etpConventionnes } from "./formulas.js";
import { addProrated, type ProratedAmount, proratedCents } from "./proration.js";
import type { AfRecord, Period } from "./records.js";

const cents = (d: Decimal) => d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);

function prorated(afs: readonly AfRecord[], period: Period, amountOf: (af: AfRecord) => [string, string][]): Map<string, Decimal> {
  const sums = new Map<string, ProratedAmount>();
  for (const af of countingAfs(afs)) {
    const inside = monthsOverlap(af.startDate, af.endDate, period.from, period.to);
    if (inside === 0) continue;
    const months = monthsCovered(af.startDate, af.endDate);
    for (const [key, amount] of amountOf(af)) {
      const acc = sums.get(key) ?? new Map();
      addProrated(acc, parseDecimal(amount, "indicators.af.amount"), inside, months);
      sums.set(key, acc);
    }
  }
  return new Map([...sums].map(([k, v]) => [k, proratedCents(v)]));
}

// Rule: budget by funding line = Σ counting AF amount of the line × months inside the period / AF months, rounded to the cent at the end — iae-reference §2.4/§10
export function budgetByFundingLine(afs: readonly AfRecord[], period: Period): Map<string, Decimal> {
  return prorated(afs, period, (af) => Object.entries(af.funding ?? {}));
}

// Rule: part modulée = Σ counting AF modulated amount prorated like the total (paid on top of the AF total) — iae-reference §2.2/§10
export function modulatedPart(afs: readonly AfRecord[], period: Period): Decimal {
  return prorated(afs, period, (af) => (af.modulatedAmount ? [["m", af.modulatedAmount]] : [])).get("m") ?? new Decimal(0);
}

// Rule: amount per ETP = amount of the period ÷ ETP conventionnés of the period (null without ETP) — iae-reference §2.1/§10
export function amountPerEtp(amount: Decimal, afs: readonly AfRecord[], period: Period): Decimal | null {
  const etp = etpConventionnes(afs, period);
  return etp.isZero() ? null : cents(amount.dividedBy(etp));
}
