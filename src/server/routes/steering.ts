// In-year steering (contracts: src/contracts/steering.ts; read model: src/queries/envelope.ts). Policy
// territory:read: a département for its DDETS (and conseil départemental), its région's DREETS and the DGEFP;
// a structure also for its own members. The read model adds the caller's visibility in SQL.
import { getDepartementEnvelope, getStructureEnvelope } from "../../contracts/steering.js";
import { describeScope } from "../../indicators/scope.js";
import { envelopeAt } from "../../queries/envelope.js";
import type { RouteModule } from "../context.js";
import { route } from "../route.js";

/** The observation date: the one asked, else today when it is in the year, else the year's last day. */
export function observationDate(year: number, at: string | undefined, today: string): string {
  if (at !== undefined) return at;
  if (today.startsWith(`${year}-`)) return today;
  return today < `${year}-01-01` ? `${year}-01-31` : `${year}-12-31`;
}

const routes: RouteModule = async (app, ctx) => {
  const db = ctx.handle.db;
  route(app, getDepartementEnvelope, { policy: "territory:read" }, async ({ target, input, principal }) => {
    const at = observationDate(input.year, input.at, ctx.clock.today());
    return envelopeAt(db, target, await describeScope(db, target), input.year, at, principal);
  });
  route(app, getStructureEnvelope, { policy: "territory:read" }, async ({ target, input, principal }) => {
    const at = observationDate(input.year, input.at, ctx.clock.today());
    return envelopeAt(db, target, await describeScope(db, target), input.year, at, principal);
  });
};
export default routes;
