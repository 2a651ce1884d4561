// Referentials the screens and partners need (départements, exit motifs with their category,
// funding lines, mesures): read-only, any logged-in user. Contracts: src/contracts/referentials.ts.
import {
  getCalendar,
  getInstance,
  listDepartements,
  listExitMotifs,
  listFundingLines,
  listMesures,
  type ExitMotif,
  type FundingLine,
} from "../../contracts/referentials.js";
import { monthToDeclare } from "../../domain/declarations/month.js";
import type { RouteModule } from "../context.js";
import { demoDateOf } from "../instanceClock.js";
import { route } from "../route.js";

const routes: RouteModule = async (app, ctx) => {
  const db = ctx.handle.db;

  route(app, getCalendar, { policy: "authenticated" }, async () => {
    const today = ctx.clock.today();
    const row = await db
      .selectFrom("financial_annex")
      .select((eb) => eb.fn.max("starts_on").as("latest"))
      .where("starts_on", "<=", today)
      .executeTakeFirst();
    const latest = row?.latest ? String(row.latest).slice(0, 4) : today.slice(0, 4);
    return {
      today,
      currentMonth: today.slice(0, 7),
      declarationMonth: monthToDeclare(today),
      latestYear: Number(latest),
      demoAsOf: demoDateOf(ctx.clock),
    };
  });

  // Public: the demo notice is shown on every page, the login page included.
  route(app, getInstance, { policy: "public" }, async () => ({ demoAsOf: demoDateOf(ctx.clock) }));

  route(app, listDepartements, { policy: "authenticated" }, async () => {
    const rows = await db.selectFrom("ref_departement").select(["code", "name", "region_code"]).orderBy("code").execute();
    return rows.map((r) => ({ code: r.code, name: r.name, regionCode: r.region_code }));
  });

  route(app, listExitMotifs, { policy: "authenticated" }, async () => {
    // Rule: motif → category through the referential table, never by code — design §4, iae-reference §6.
    const rows = await db
      .selectFrom("ref_exit_motif as m")
      .innerJoin("ref_exit_category as c", "c.code", "m.category_code")
      .select(["m.code", "m.label", "m.category_code", "c.label as category_label", "c.grp", "m.confidence"])
      .orderBy("m.code")
      .execute();
    return rows.map((r) => ({
      code: r.code,
      label: r.label,
      categoryCode: r.category_code,
      categoryLabel: r.category_label,
      group: r.grp as ExitMotif["group"],
      confidence: r.confidence as "H" | "M" | "L",
    }));
  });

  route(app, listFundingLines, { policy: "authenticated" }, async () => {
    const rows = await db.selectFrom("funding_line").select(["code", "label", "financer"]).orderBy("label").execute();
    return rows.map((r) => ({ code: r.code, label: r.label, financer: r.financer as FundingLine["financer"] }));
  });

  route(app, listMesures, { policy: "authenticated" }, async () => {
    const rows = await db.selectFrom("ref_mesure").selectAll().orderBy("code").execute();
    return rows.map((r) => ({
      code: r.code,
      kind: r.kind,
      label: r.label,
      countsForPosts: r.counts_for_posts,
      penitentiary: r.penitentiary,
    }));
  });
};
export default routes;
