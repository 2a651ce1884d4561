import { addDays, addMonths, diffDays, endOfMonth, ensureOrderedPeriod, monthsCovered, startOfMonth } from "../calendar/isoDate.js";
import type { Period } from "./records.js";

// Rule: the previous period of a whole-month period (a year, a quarter, a month…) is the same number of whole months just before;
// any other range is shifted back by its number of days — used for "évolution par rapport à la période précédente".
export function previousPeriod(p: Period): Period {
  ensureOrderedPeriod(p.from, p.to, "indicators.period");
  if (p.from === startOfMonth(p.from) && p.to === endOfMonth(p.to)) {
    const months = monthsCovered(p.from, p.to);
    const from = addMonths(p.from, -months);
    return { from, to: addDays(p.from, -1) };
  }
  const days = diffDays(p.from, p.to) + 1;
  return { from: addDays(p.from, -days), to: addDays(p.from, -1) };
}

/** Relative change (0.05 = +5 %), null when the previous value is 0 or unknown. */
export function relativeChange(current: number | null, previous: number | null): number | null {
  if (current === null || previous === null || previous === 0) return null;
  return (current - previous) / previous;
}
