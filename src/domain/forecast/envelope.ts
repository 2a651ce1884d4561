// The envelope of a set of structures (a département) at a date of the year: ETP conventionnés, réalisés to
// date, projected year-end (forecast), aide au poste paid to date and projected, unused amount, alerts.
import { type IsoDate, type MonthKey, monthKey, monthsOverlap } from "../calendar/isoDate.js";
import { afTotal } from "../conventions/amounts.js";
import { allocateCents, Decimal, type DecimalInput, roundCents, toDecimal } from "../money/money.js";
import { dueForOccupation, paymentsToDate } from "./payments.js";
import { type AreaForecast, type MonthlyEtp, projectArea, type StructureSeries } from "./projection.js";

export interface EnvelopeAnnex {
  annexId: number;
  structureId: number;
  etp: DecimalInput;
  /** Unit amount (€/ETP/year); when null, derived from the total (total ÷ annualised ETP). */
  unitAmount: DecimalInput | null;
  totalAmount: DecimalInput | null;
  from: IsoDate;
  to: IsoDate;
  /** ETP réalisés on this AF by month, up to the observation date (later months are ignored). */
  monthly: MonthlyEtp;
  /** The AF's amounts by funding line (financial_annex_funding); none: its amounts are "non ventilé". */
  funding?: readonly { code: string; amount: DecimalInput }[];
}

/** Code of the amounts of AFs that carry no funding line (or only zero amounts). */
export const UNALLOCATED_FUNDING_LINE = "NON_VENTILE";

export interface EnvelopeFundingLine {
  code: string;
  conventionne: Decimal;
  paidToDate: Decimal;
  projectedYearEnd: Decimal;
  projectedUnused: Decimal;
}

export interface EnvelopeStructure {
  structureId: number;
  conventionnes: string;
  realisedToDate: string;
  projectedYearEnd: string;
  interval: [string, string];
  projectedRate: number | null;
  alert: "under" | "over" | null;
  conventionedAmount: string;
  paidToDate: string;
  projectedAmount: string;
  profileYears: number[];
  /** The structure's amounts by funding line (sorted by code): its AFs' splits, the same parts as the envelope's. */
  fundingLines: EnvelopeFundingLine[];
}

export interface Envelope {
  year: number;
  at: IsoDate;
  forecast: AreaForecast;
  conventionedAmount: Decimal;
  paidToDate: Decimal;
  projectedAmount: Decimal;
  projectedUnused: Decimal;
  structures: EnvelopeStructure[];
  /** The same amounts by funding line (sorted by code); each sums, to the cent, to the envelope's. */
  fundingLines: EnvelopeFundingLine[];
}

/**
 * Adds an AF's amounts of the year to its funding lines: the conventioned amount and the paid to date pro rata of
 * the AF's line amounts, the projected amount pro rata of the line's conventioned amount (so that no line is
 * projected above what it conventions), each split to the cent with the parts summing to the AF's amount. The same
 * parts go to every map given (the département's and the structure's): the structures' lines sum exactly to the
 * département's.
 */
function addToFundingLines(
  targets: readonly Map<string, EnvelopeFundingLine>[],
  a: EnvelopeAnnex,
  conv: Decimal,
  paid: Decimal,
  projected: Decimal,
): void {
  const funding = (a.funding ?? []).filter((f) => toDecimal(f.amount, "forecast.fundingAmount").greaterThan(0));
  const codes = funding.length > 0 ? funding.map((f) => f.code) : [UNALLOCATED_FUNDING_LINE];
  const weights = funding.length > 0 ? funding.map((f) => f.amount) : [1];
  const convParts = allocateCents(conv, weights);
  const paidParts = allocateCents(paid, weights);
  const projectedParts = allocateCents(projected, convParts);
  for (const lines of targets)
    codes.forEach((code, i) => {
      let l = lines.get(code);
      if (!l) {
        l = {
          code,
          conventionne: new Decimal(0),
          paidToDate: new Decimal(0),
          projectedYearEnd: new Decimal(0),
          projectedUnused: new Decimal(0),
        };
        lines.set(code, l);
      }
      const c = convParts[i] ?? new Decimal(0);
      const p = projectedParts[i] ?? new Decimal(0);
      l.conventionne = l.conventionne.plus(c);
      l.paidToDate = l.paidToDate.plus(paidParts[i] ?? 0);
      l.projectedYearEnd = l.projectedYearEnd.plus(p);
      l.projectedUnused = l.projectedUnused.plus(c.minus(p));
    });
}

const byCode = (lines: Map<string, EnvelopeFundingLine>) =>
  [...lines.values()].sort((x, y) => (x.code < y.code ? -1 : x.code > y.code ? 1 : 0));

const yearFrom = (year: number) => `${year}-01-01`;
const yearTo = (year: number) => `${year}-12-31`;

function unitOf(a: EnvelopeAnnex): Decimal | null {
  if (a.unitAmount !== null) return toDecimal(a.unitAmount, "forecast.unitAmount");
  if (a.totalAmount === null) return null;
  const months = monthsOverlap(a.from, a.to, a.from, a.to);
  const annual = toDecimal(a.etp).times(months).dividedBy(12);
  return annual.greaterThan(0) ? toDecimal(a.totalAmount).dividedBy(annual) : null;
}

function totalOf(a: EnvelopeAnnex, unit: Decimal | null): Decimal {
  if (a.totalAmount !== null) return toDecimal(a.totalAmount, "forecast.totalAmount");
  return unit === null ? new Decimal(0) : afTotal(a.etp, unit, monthsOverlap(a.from, a.to, a.from, a.to));
}

/** Keeps the months of a monthly series up to and including `through` (the forecast never reads later months). */
export function monthsThrough(monthly: MonthlyEtp, through: MonthKey): Record<MonthKey, DecimalInput> {
  const out: Record<MonthKey, DecimalInput> = {};
  for (const [m, v] of Object.entries(monthly)) if (m <= through) out[m] = v;
  return out;
}

/**
 * Envelope of `year` observed at `at` (a date of that year). Every AF given counts (the caller passes the counting
 * AFs, iae-reference §2.1/§3.2); AFs of earlier years only feed the structures' monthly profiles.
 */
export function computeEnvelope(annexes: readonly EnvelopeAnnex[], year: number, at: IsoDate): Envelope {
  const through = monthKey(at);
  const atMonth = Number(through.slice(5, 7));
  const from = yearFrom(year);
  const to = yearTo(year);
  const byStructure = new Map<
    number,
    { conv: Decimal; monthly: Record<MonthKey, Decimal>; annexes: EnvelopeAnnex[]; active: Set<number> }
  >();
  for (const a of annexes) {
    let s = byStructure.get(a.structureId);
    if (!s) {
      s = { conv: new Decimal(0), monthly: {}, annexes: [], active: new Set() };
      byStructure.set(a.structureId, s);
    }
    const inside = monthsOverlap(a.from, a.to, from, to);
    if (inside > 0) {
      s.conv = s.conv.plus(toDecimal(a.etp).times(inside).dividedBy(12));
      s.annexes.push(a);
      for (let m = 1; m <= 12; m++) {
        const first = `${year}-${String(m).padStart(2, "0")}-01`;
        if (monthsOverlap(a.from, a.to, first, first) > 0) s.active.add(m);
      }
    }
    for (const [m, v] of Object.entries(monthsThrough(a.monthly, through)))
      s.monthly[m] = (s.monthly[m] ?? new Decimal(0)).plus(toDecimal(v, "forecast.monthlyEtp"));
  }
  // Only structures conventioned in the year are in its envelope.
  const ids = [...byStructure.keys()].filter((id) => (byStructure.get(id)?.annexes.length ?? 0) > 0).sort((a, b) => a - b);
  const series: StructureSeries[] = ids.map((id) => {
    const s = byStructure.get(id);
    return {
      structureId: id,
      conventionnes: s?.conv ?? 0,
      monthly: s?.monthly ?? {},
      activeMonths: [...(s?.active ?? [])].sort((a, b) => a - b),
    };
  });
  const forecast = projectArea(series, year, atMonth);
  let conventionedAmount = new Decimal(0);
  let paidToDate = new Decimal(0);
  let projectedAmount = new Decimal(0);
  const fundingLines = new Map<string, EnvelopeFundingLine>();
  const structures: EnvelopeStructure[] = forecast.structures.map((f) => {
    const s = byStructure.get(f.structureId);
    let conv = new Decimal(0);
    let paid = new Decimal(0);
    let projected = new Decimal(0);
    const own = new Map<string, EnvelopeFundingLine>();
    for (const a of s?.annexes ?? []) {
      const unit = unitOf(a);
      const total = totalOf(a, unit);
      const months = monthsOverlap(a.from, a.to, a.from, a.to);
      const inside = monthsOverlap(a.from, a.to, from, to);
      const convInYear = roundCents(total.times(inside).dividedBy(months));
      conv = conv.plus(convInYear);
      if (unit === null) {
        addToFundingLines([fundingLines, own], a, convInYear, new Decimal(0), new Decimal(0));
        continue;
      }
      const lines = paymentsToDate(
        { etp: a.etp, unitAmount: unit, from: a.from, to: a.to, monthly: monthsThrough(a.monthly, through) },
        through,
      ).lines.filter((l) => l.month >= `${year}-01`);
      // This AF's share of the structure's projected ETP: its share of the structure's ETP conventionnés in the year.
      const share = f.conventionnes.greaterThan(0)
        ? toDecimal(a.etp).times(inside).dividedBy(12).dividedBy(f.conventionnes)
        : new Decimal(0);
      const paidAf = lines.reduce((acc, l) => acc.plus(l.instalment).plus(l.regularisation), new Decimal(0));
      paid = paid.plus(paidAf);
      const projectedAf = dueForOccupation(f.projected.times(share), unit, convInYear);
      projected = projected.plus(projectedAf);
      addToFundingLines([fundingLines, own], a, convInYear, paidAf, projectedAf);
    }
    conventionedAmount = conventionedAmount.plus(conv);
    paidToDate = paidToDate.plus(paid);
    projectedAmount = projectedAmount.plus(projected);
    return {
      structureId: f.structureId,
      conventionnes: f.conventionnes.toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed(4),
      realisedToDate: f.realisedToDate.toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed(4),
      projectedYearEnd: f.projected.toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed(4),
      interval: [f.low.toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed(4), f.high.toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed(4)],
      projectedRate: f.projectedRate === null ? null : Number(f.projectedRate.toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed(4)),
      alert: f.alert,
      conventionedAmount: conv.toFixed(2),
      paidToDate: paid.toFixed(2),
      projectedAmount: projected.toFixed(2),
      profileYears: f.profileYears,
      fundingLines: byCode(own),
    };
  });
  return {
    year,
    at,
    forecast,
    conventionedAmount,
    paidToDate,
    projectedAmount,
    projectedUnused: Decimal.max(0, conventionedAmount.minus(projectedAmount)),
    structures,
    fundingLines: byCode(fundingLines),
  };
}
