// Which month a structure declares, and until when.
import { addMonthsToKey, endOfMonth, type IsoDate, type MonthKey, monthKey } from "../calendar/isoDate.js";

/**
 * The month whose hours are due on `today`: the month before today's. The hours of a month are known once
 * it is over, so they are entered during the next one; the software SIAE use for the ASP opens its
 * monthly follow-up "sur le mois précédent le mois en cours" (Ming, aide.ming-iae.org asp:suivismensuelsai).
 */
export function monthToDeclare(today: IsoDate): MonthKey {
  return addMonthsToKey(monthKey(today), -1);
}

/**
 * Deadline shown for a month's declaration: the last day of the following month. [L] No public text read
 * gives the ASP's date for the états mensuels; this is the end of the month in which they are entered
 * (above), so that a month never stays "due" beyond the next one without the screen saying it is late.
 */
export function declarationDeadline(month: MonthKey): IsoDate {
  return endOfMonth(`${addMonthsToKey(month, 1)}-01`);
}
