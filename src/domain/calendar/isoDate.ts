import { DomainRuleError, ensure } from "../errors.js";

/** A calendar date as an ISO string `YYYY-MM-DD` (no time, no zone). */
export type IsoDate = string;
/** A month key `YYYY-MM`. */
export type MonthKey = string;

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_RE = /^(\d{4})-(\d{2})$/;
const DAY_MS = 86_400_000;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  const lengths = [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  const n = lengths[month - 1];
  if (n === undefined) throw new DomainRuleError("calendar.month", month, "mois hors de 1..12");
  return n;
}

/** Validates and returns an ISO date (`YYYY-MM-DD`, real calendar day, years 1900–2199). */
export function parseIsoDate(value: string, rule = "calendar.isoDate"): IsoDate {
  const m = ISO_RE.exec(value);
  if (!m) throw new DomainRuleError(rule, value, "date attendue au format AAAA-MM-JJ");
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  ensure(y >= 1900 && y <= 2199, rule, value, "année hors de 1900..2199");
  ensure(mo >= 1 && mo <= 12, rule, value, "mois hors de 01..12");
  ensure(d >= 1 && d <= daysInMonth(y, mo), rule, value, "jour inexistant dans ce mois");
  return value;
}

/** Parses a French/ASP date `dd/mm/yyyy` into an ISO date. */
export function parseFrenchDate(value: string, rule = "calendar.frenchDate"): IsoDate {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(value.trim());
  if (!m) throw new DomainRuleError(rule, value, "date attendue au format JJ/MM/AAAA");
  return parseIsoDate(`${m[3]}-${m[2]}-${m[1]}`, rule);
}

export function formatFrenchDate(date: IsoDate): string {
  const [y, m, d] = parts(date);
  return `${pad2(d)}/${pad2(m)}/${y}`;
}

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}

/** [year, month, day] of a valid ISO date. */
export function parts(date: IsoDate): [number, number, number] {
  parseIsoDate(date);
  return [Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10))];
}

function toEpochDay(date: IsoDate): number {
  const [y, m, d] = parts(date);
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

function fromEpochDay(day: number): IsoDate {
  // Pure conversion of a day number (no clock read): the only Date use in the domain.
  const dt = new Date(day * DAY_MS);
  return `${String(dt.getUTCFullYear()).padStart(4, "0")}-${pad2(dt.getUTCMonth() + 1)}-${pad2(dt.getUTCDate())}`;
}

function ensureInteger(n: number, rule: string): void {
  if (!Number.isInteger(n)) throw new DomainRuleError(rule, n, "nombre entier attendu");
}

export function addDays(date: IsoDate, days: number): IsoDate {
  ensureInteger(days, "calendar.addDays");
  return parseIsoDate(fromEpochDay(toEpochDay(date) + days), "calendar.addDays");
}

/** Adds months; the day is clamped to the end of the target month (31/01 + 1 month = 28 or 29/02). */
export function addMonths(date: IsoDate, months: number): IsoDate {
  ensureInteger(months, "calendar.addMonths");
  const [y, m, d] = parts(date);
  const index = y * 12 + (m - 1) + months;
  const ny = Math.floor(index / 12);
  const nm = (index % 12) + 1;
  return parseIsoDate(`${ny}-${pad2(nm)}-${pad2(Math.min(d, daysInMonth(ny, nm)))}`, "calendar.addMonths");
}

export function addYears(date: IsoDate, years: number): IsoDate {
  ensureInteger(years, "calendar.addYears");
  return addMonths(date, years * 12);
}

/** Number of days from `from` to `to` (to − from; negative when `to` is before). */
export function diffDays(from: IsoDate, to: IsoDate): number {
  return toEpochDay(to) - toEpochDay(from);
}

export function compareDates(a: IsoDate, b: IsoDate): number {
  parseIsoDate(a);
  parseIsoDate(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

export function minDate(a: IsoDate, b: IsoDate): IsoDate {
  return compareDates(a, b) <= 0 ? a : b;
}

export function maxDate(a: IsoDate, b: IsoDate): IsoDate {
  return compareDates(a, b) >= 0 ? a : b;
}

/** True when from ≤ date ≤ to (inclusive both ends; `to` null = open). */
export function isWithin(date: IsoDate, from: IsoDate, to: IsoDate | null): boolean {
  return compareDates(from, date) <= 0 && (to === null || compareDates(date, to) <= 0);
}

export function startOfMonth(date: IsoDate): IsoDate {
  return `${date.slice(0, 7)}-01`;
}

export function endOfMonth(date: IsoDate): IsoDate {
  const [y, m] = parts(date);
  return `${date.slice(0, 7)}-${pad2(daysInMonth(y, m))}`;
}

export function monthKey(date: IsoDate): MonthKey {
  parseIsoDate(date);
  return date.slice(0, 7);
}

export function parseMonthKey(value: string, rule = "calendar.monthKey"): MonthKey {
  const m = MONTH_RE.exec(value);
  if (!m) throw new DomainRuleError(rule, value, "mois attendu au format AAAA-MM");
  parseIsoDate(`${value}-01`, rule);
  return value;
}

export function addMonthsToKey(key: MonthKey, months: number): MonthKey {
  return monthKey(addMonths(`${parseMonthKey(key)}-01`, months));
}

export function ensureOrderedPeriod(from: IsoDate, to: IsoDate, rule: string): void {
  parseIsoDate(from, rule);
  parseIsoDate(to, rule);
  if (from > to) throw new DomainRuleError(rule, { from, to }, "la date de fin précède la date de début");
}

// Rule: months covered by a period = (Δyears × 12) + Δmonths + 1 (days ignored) — iae-reference §2.1 (PA duree_annexe)
export function monthsCovered(from: IsoDate, to: IsoDate): number {
  ensureOrderedPeriod(from, to, "calendar.monthsCovered");
  const [fy, fm] = parts(from);
  const [ty, tm] = parts(to);
  return (ty - fy) * 12 + (tm - fm) + 1;
}

/** The month keys from the month of `from` to the month of `to`, inclusive. */
export function monthKeysBetween(from: IsoDate, to: IsoDate): MonthKey[] {
  const n = monthsCovered(from, to);
  const first = monthKey(from);
  return Array.from({ length: n }, (_, i) => addMonthsToKey(first, i));
}

/** Number of months of [aFrom, aTo] (by month key) that fall inside [bFrom, bTo]; 0 if disjoint. */
export function monthsOverlap(aFrom: IsoDate, aTo: IsoDate, bFrom: IsoDate, bTo: IsoDate): number {
  ensureOrderedPeriod(aFrom, aTo, "calendar.monthsOverlap");
  ensureOrderedPeriod(bFrom, bTo, "calendar.monthsOverlap");
  const from = maxDate(startOfMonth(aFrom), startOfMonth(bFrom));
  const to = minDate(aTo, bTo);
  if (monthKey(from) > monthKey(to)) return 0;
  return monthsCovered(from, to);
}
