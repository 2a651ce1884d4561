import { type IsoDate, parseIsoDate } from "./isoDate.js";

/** The injected clock: rules never read the system time themselves. */
export interface Clock {
  today(): IsoDate;
}

/** A clock frozen on one day (tests, simulations, "as of" computations). */
export function fixedClock(date: IsoDate): Clock {
  const d = parseIsoDate(date, "calendar.clock");
  return { today: () => d };
}
