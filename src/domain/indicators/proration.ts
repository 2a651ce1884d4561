import { Decimal } from "../money/money.js";

// Exact prorated sums: Σ amount × inside / months is kept as numerators per denominator (months) and
// divided once over the least common multiple, so that "rounded to the cent at the end" rounds the exact
// value (a sum of several /12, /6, /18… terms computed term by term at 20 digits can land on the wrong
// side of a half cent). Wide precision: numerators × lcm can exceed 20 digits.
const Wide = Decimal.clone({ precision: 80 });

/** Numerators by denominator: months → Σ amount × months inside the period. */
export type ProratedAmount = Map<number, Decimal>;

export function addProrated(acc: ProratedAmount, amount: Decimal | string, inside: number, months: number): void {
  if (!Number.isInteger(months) || months < 1 || !Number.isInteger(inside) || inside < 0)
    throw new RangeError(`proration invalide : ${inside}/${months}`);
  if (inside === 0) return;
  const num = new Wide(amount.toString()).times(inside);
  const prev = acc.get(months);
  acc.set(months, prev === undefined ? new Decimal(num.toString()) : new Decimal(new Wide(prev.toString()).plus(num).toString()));
}

/** Adds the numerators of b into a. */
export function mergeProrated(a: ProratedAmount, b: ProratedAmount): void {
  for (const [m, n] of b) {
    const prev = a.get(m);
    a.set(m, prev === undefined ? n : new Decimal(new Wide(prev.toString()).plus(n.toString()).toString()));
  }
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** The exact value rounded half-up to the cent. */
export function proratedCents(acc: ProratedAmount): Decimal {
  let lcm = 1;
  for (const m of acc.keys()) lcm = (lcm / gcd(lcm, m)) * m;
  let num = new Wide(0);
  for (const [m, n] of acc) num = num.plus(new Wide(n.toString()).times(lcm / m));
  return new Decimal(num.dividedBy(lcm).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2));
}
