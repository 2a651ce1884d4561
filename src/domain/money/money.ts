import { Decimal } from "decimal.js";
import { DomainRuleError } from "../errors.js";

export { Decimal };

/** Money and ETP are always Decimal; strings like "109402.64" at the edges. */
export type DecimalInput = Decimal | string | number;

const DECIMAL_RE = /^-?\d+(\.\d+)?$/;

/** Parses a decimal string ("109402.64", "7.95", also "7,95") — never a float round trip. */
export function parseDecimal(value: string, rule = "money.decimal"): Decimal {
  const s = value.trim().replace(",", ".");
  if (!DECIMAL_RE.test(s)) throw new DomainRuleError(rule, value, "nombre décimal attendu (ex. 109402.64)");
  return new Decimal(s);
}

/** Converts input to a finite Decimal (numbers must be finite). */
export function toDecimal(value: DecimalInput, rule = "money.decimal"): Decimal {
  if (value instanceof Decimal) {
    if (!value.isFinite()) throw new DomainRuleError(rule, value.toString(), "nombre fini attendu");
    return value;
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new DomainRuleError(rule, value, "nombre fini attendu");
    return new Decimal(String(value));
  }
  return parseDecimal(value, rule);
}

// Rule: money rounded half-up to the cent — iae-reference §2.1
export function roundCents(value: DecimalInput): Decimal {
  return toDecimal(value).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
}

/** Formats as a decimal string with exactly 2 decimals ("109402.64"). */
export function formatMoney(value: DecimalInput): string {
  return roundCents(value).toFixed(2);
}

export function parseMoney(value: string, rule = "money.amount"): Decimal {
  return parseDecimal(value, rule);
}

/** Formats for French display: "109 402,64 €". */
export function formatEurosFr(value: DecimalInput): string {
  const [int, dec] = formatMoney(value).split(".");
  const sign = int?.startsWith("-") ? "-" : "";
  const digits = (int ?? "0").replace("-", "");
  return `${sign}${digits.replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f")},${dec} €`;
}

export function sumDecimals(values: readonly DecimalInput[]): Decimal {
  return values.reduce<Decimal>((acc, v) => acc.plus(toDecimal(v)), new Decimal(0));
}

/**
 * Splits an amount in cents pro rata of non-negative weights so that the parts sum to the amount exactly: each
 * part is rounded down to the cent and the cents left go, one each, to the largest remainders (ties: first weight).
 * With weights that are themselves amounts in cents not exceeding `amount`'s source, no part exceeds its weight
 * when `amount` ≤ the sum of the weights. All weights zero: everything goes to the first part. A negative amount
 * is split as its opposite.
 */
export function allocateCents(amount: DecimalInput, weights: readonly DecimalInput[]): Decimal[] {
  const rounded = roundCents(amount);
  if (rounded.isNegative()) return allocateCents(rounded.negated(), weights).map((p) => p.negated());
  const total = rounded.times(100);
  const w = weights.map((x) => toDecimal(x));
  if (w.length === 0) return [];
  const sum = sumDecimals(w);
  if (sum.isZero()) return w.map((_, i) => (i === 0 ? total.dividedBy(100) : new Decimal(0)));
  const exact = w.map((x) => total.times(x).dividedBy(sum));
  const parts = exact.map((e) => e.toDecimalPlaces(0, Decimal.ROUND_FLOOR));
  let left = total.minus(sumDecimals(parts)).toNumber();
  const order = exact.map((e, i) => ({ i, r: e.minus(parts[i] ?? 0) })).sort((a, b) => b.r.comparedTo(a.r) || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    parts[i] = (parts[i] ?? new Decimal(0)).plus(1);
    left--;
  }
  return parts.map((p) => p.dividedBy(100));
}
