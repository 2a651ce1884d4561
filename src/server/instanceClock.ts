// The one place that decides which day is "today" for the whole application: on a demo database, the
// demo's "as of" date (table demo_state, written by the demo load); on a real instance, the real date
// (Europe/Paris). Read once when the application starts; every default that depends on today (month to
// declare, PASS remaining days, "present this month", default year of the dashboards, forecasts) reads
// ctx.clock.today(), and the web gets that day from the API (GET /api/v1/referentials/calendar), never
// from the browser. The instant (sessions, audit, logs) stays the real one.
import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";
import { parseIsoDate } from "../domain/calendar/isoDate.js";
import { type ServerClock, systemClock } from "./context.js";

/** The application's clock, and the demo's "as of" date on a demo database (null on a real instance). */
export interface InstanceClock extends ServerClock {
  demoAsOf: string | null;
}

/** The demo date of a context's clock (null for a plain clock: tests, real instance). */
export function demoDateOf(clock: ServerClock): string | null {
  return (clock as Partial<InstanceClock>).demoAsOf ?? null;
}

/** The demo's "as of" date when the database holds a complete demo load, else null. */
export async function demoAsOf(db: Kysely<Database>): Promise<string | null> {
  const row = await db
    .selectFrom("demo_state")
    .select((eb) => eb.fn.max("as_of").as("as_of"))
    .where("state", "=", "complete")
    .executeTakeFirst();
  return row?.as_of ? String(row.as_of).slice(0, 10) : null;
}

/**
 * The application's clock: `real` (the system clock, or a test's injected clock) on a real instance;
 * frozen on the demo's as_of on a demo database.
 */
export async function instanceClock(db: Kysely<Database>, real: ServerClock = systemClock): Promise<InstanceClock> {
  const asOf = await demoAsOf(db);
  if (asOf === null) return { now: () => real.now(), today: () => real.today(), demoAsOf: null };
  const day = parseIsoDate(asOf, "demo_state.as_of");
  return { now: () => real.now(), today: () => day, demoAsOf: day };
}
