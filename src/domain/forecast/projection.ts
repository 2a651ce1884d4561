// Year-end forecast of ETP réalisés from the months declared so far and the structure's own monthly
// profile of earlier years (seasonality). Pure: the caller passes the months; nothing after `atMonth` of the
// forecast year is ever read (the function drops it), so a forecast cannot see the future.
import type { MonthKey } from "../calendar/isoDate.js";
import { DomainRuleError } from "../errors.js";
import { Decimal, type DecimalInput, toDecimal } from "../money/money.js";

/** Monthly ETP réalisés of one structure: Σ hours of the month ÷ annual hours of the AF (annual-equivalent, iae-reference §3.2). */
export type MonthlyEtp = Readonly<Record<MonthKey, DecimalInput>>;

export interface StructureSeries {
  structureId: number;
  /** ETP conventionnés of the forecast year (annualised, iae-reference §2.1/§3.2). */
  conventionnes: DecimalInput;
  /** Monthly ETP of the forecast year and of earlier years (any months; later ones are ignored). */
  monthly: MonthlyEtp;
  /** Months (1–12) of the forecast year covered by the structure's AFs; default all twelve. */
  activeMonths?: readonly number[];
}

export type ForecastAlert = "under" | "over" | null;

/** The figures of a forecast, for one structure or summed over an area. */
export interface ForecastFigures {
  conventionnes: Decimal;
  realisedToDate: Decimal;
  projected: Decimal;
  low: Decimal;
  high: Decimal;
  /** projected ÷ conventionnés; null when nothing is conventioned. */
  projectedRate: Decimal | null;
}

export interface StructureForecast extends ForecastFigures {
  structureId: number;
  alert: ForecastAlert;
  /** Earlier years whose profile was used (empty: flat profile over the AF months). */
  profileYears: number[];
  /** "profile" (earlier years), "flat" (AF months elapsed ÷ AF months of the year), "notStarted" (no AF month yet: the plan). */
  method: "profile" | "flat" | "notStarted";
}

// Rule: alert thresholds of the in-year steering — projected taux de réalisation under 90 % or over 105 % [M: DDETS practice named by the steering need; not a regulatory threshold]
export const ALERT_UNDER = new Decimal("0.90");
export const ALERT_OVER = new Decimal("1.05");
/** How many earlier years make the profile. */
export const PROFILE_YEARS = 3;

const key = (year: number, month: number): MonthKey => `${year}-${String(month).padStart(2, "0")}`;

function value(monthly: MonthlyEtp, year: number, month: number): Decimal {
  const v = monthly[key(year, month)];
  return v === undefined ? new Decimal(0) : toDecimal(v, "forecast.monthlyEtp");
}

function cumulative(monthly: MonthlyEtp, year: number, through: number): Decimal {
  let sum = new Decimal(0);
  for (let m = 1; m <= through; m++) sum = sum.plus(value(monthly, year, m));
  return sum;
}

/**
 * A past year is part of the profile when the structure worked all year long: hours declared in January and in
 * December (a year begun or ended in between would bend the profile) and a positive share by `atMonth`.
 */
export function usableProfileYears(monthly: MonthlyEtp, year: number, atMonth: number): number[] {
  const years: number[] = [];
  for (let y = year - PROFILE_YEARS; y < year; y++) {
    if (!value(monthly, y, 1).greaterThan(0) || !value(monthly, y, 12).greaterThan(0)) continue;
    if (!cumulative(monthly, y, atMonth).greaterThan(0)) continue;
    years.push(y);
  }
  return years;
}

export function alertFor(rate: Decimal | null): ForecastAlert {
  if (rate === null) return null;
  if (rate.lessThan(ALERT_UNDER)) return "under";
  if (rate.greaterThan(ALERT_OVER)) return "over";
  return null;
}

/**
 * Forecast of one structure at the end of month `atMonth` (1–12) of `year`:
 * - realised to date R = Σ monthly ETP of months 1..atMonth;
 * - share s_y = Σ months 1..atMonth of year y ÷ Σ 12 months of y, for each usable earlier year y (seasonality);
 *   projected = R ÷ mean(s_y); without a usable year, the flat profile s = AF months elapsed ÷ AF months of the
 *   year (atMonth ÷ 12 for an AF of the whole year);
 * - an AF that has not started by atMonth has nothing to project from: the projection is its plan (ETP
 *   conventionnés), the interval [0, plan], no alert;
 * - interval = the lowest and highest of: the projection of each usable year's profile alone, the flat profile,
 *   and the recent pace (R + mean of the last 3 months declared × months left); it collapses to R in December.
 */
export function projectStructure(series: StructureSeries, year: number, atMonth: number): StructureForecast {
  if (!Number.isInteger(atMonth) || atMonth < 1 || atMonth > 12)
    throw new DomainRuleError("forecast.atMonth", atMonth, "mois de 1 à 12 attendu");
  const conventionnes = toDecimal(series.conventionnes, "forecast.conventionnes");
  const realised = cumulative(series.monthly, year, atMonth);
  const active = series.activeMonths ?? [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const elapsed = active.filter((m) => m <= atMonth).length;
  if (elapsed === 0 && active.length > 0)
    return {
      structureId: series.structureId,
      conventionnes,
      realisedToDate: realised,
      projected: Decimal.max(conventionnes, realised),
      low: realised,
      high: Decimal.max(conventionnes, realised),
      projectedRate: conventionnes.greaterThan(0) ? Decimal.max(conventionnes, realised).dividedBy(conventionnes) : null,
      alert: null,
      profileYears: [],
      method: "notStarted",
    };
  const years = usableProfileYears(series.monthly, year, atMonth);
  const shares = years.map((y) => cumulative(series.monthly, y, atMonth).dividedBy(cumulative(series.monthly, y, 12)));
  const flat = active.length === 0 ? new Decimal(atMonth).dividedBy(12) : new Decimal(elapsed).dividedBy(active.length);
  const meanShare = shares.length === 0 ? flat : shares.reduce((a, b) => a.plus(b), new Decimal(0)).dividedBy(shares.length);
  const projected = realised.dividedBy(meanShare);
  const lastMonths = Math.min(3, atMonth);
  let recent = new Decimal(0);
  for (let m = atMonth - lastMonths + 1; m <= atMonth; m++) recent = recent.plus(value(series.monthly, year, m));
  const monthsLeft = active.length === 0 ? 12 - atMonth : active.length - elapsed;
  const pace = realised.plus(recent.dividedBy(lastMonths).times(monthsLeft));
  const candidates = [projected, realised.dividedBy(flat), pace, ...shares.map((s) => realised.dividedBy(s))];
  const low = Decimal.min(...candidates);
  const high = Decimal.max(...candidates);
  const projectedRate = conventionnes.greaterThan(0) ? projected.dividedBy(conventionnes) : null;
  return {
    structureId: series.structureId,
    conventionnes,
    realisedToDate: realised,
    projected,
    low,
    high,
    projectedRate,
    alert: alertFor(projectedRate),
    profileYears: years,
    method: years.length > 0 ? "profile" : "flat",
  };
}

export interface AreaForecast extends ForecastFigures {
  structures: StructureForecast[];
}

/** A département (or any set of structures): sums of the structures' forecasts; the interval sums the bounds. */
export function projectArea(series: readonly StructureSeries[], year: number, atMonth: number): AreaForecast {
  const structures = series.map((s) => projectStructure(s, year, atMonth));
  const sum = (f: (s: StructureForecast) => Decimal) => structures.reduce((a, s) => a.plus(f(s)), new Decimal(0));
  const conventionnes = sum((s) => s.conventionnes);
  const projected = sum((s) => s.projected);
  return {
    conventionnes,
    realisedToDate: sum((s) => s.realisedToDate),
    projected,
    low: sum((s) => s.low),
    high: sum((s) => s.high),
    projectedRate: conventionnes.greaterThan(0) ? projected.dividedBy(conventionnes) : null,
    structures,
  };
}
