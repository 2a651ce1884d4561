// Monthly declaration screen: the grid (read model src/queries/declarations.ts) and its validation
// through declareMonthlyHours. Contracts: src/contracts/declarations.ts.
import { Decimal } from "decimal.js";
import { declareMonth, getDeclarationGrid } from "../../contracts/declarations.js";
import { monthlyEtp } from "../../domain/declarations/etp.js";
import { declareMonthlyHours } from "../../operations/declareMonthlyHours.js";
import { declarationGrid } from "../../queries/declarations.js";
import type { RouteModule } from "../context.js";
import { runOperation } from "../lists/runOperation.js";
import { sendProblem } from "../problem.js";
import { route } from "../route.js";

const routes: RouteModule = async (app, ctx) => {
  const db = ctx.handle.db;

  route(app, getDeclarationGrid, { policy: "structure:declare" }, async ({ target, input, principal }) =>
    declarationGrid(db, principal!, target, input.month),
  );

  route(app, declareMonth, { policy: "structure:declare", audit: false }, async ({ target, body, request, reply }) => {
    const structureId = target.id;
    const annex = await db
      .selectFrom("financial_annex")
      .select(["structure_id", "annual_hours"])
      .where("id", "=", body.annexId)
      .executeTakeFirst();
    if (!annex || Number(annex.structure_id) !== structureId) {
      return sendProblem(reply, 404, "Ressource introuvable", `L'annexe financière n° ${body.annexId} n'appartient pas à cette structure.`);
    }
    const outcome = await runOperation(ctx, request, reply, (db, deps) =>
      declareMonthlyHours(db, deps, {
        annexId: body.annexId,
        month: body.month,
        state: body.state,
        lines: body.lines.map((l) => ({
          contractId: l.contractId,
          hours: new Decimal(l.hours).toFixed(2),
          companyHours: l.companyHours === undefined || l.companyHours === null ? null : new Decimal(l.companyHours).toFixed(2),
        })),
      }),
    );
    if (!outcome.ok) return outcome.reply;
    const recorded = await db
      .selectFrom("monthly_declaration")
      .select("hours")
      .where("annex_id", "=", body.annexId)
      .where("month", "=", `${body.month}-01`)
      .execute();
    const declaredHours = recorded.reduce((sum, x) => sum.plus(x.hours), new Decimal(0));
    return {
      upserted: outcome.value.upserted,
      month: body.month,
      annexId: body.annexId,
      state: body.state,
      declaredHours: declaredHours.toNumber(),
      // Same rule and rounding as the grid (GET): hours ÷ (annual hours of the AF ÷ 12).
      declaredEtp: monthlyEtp(declaredHours, annex.annual_hours).toDecimalPlaces(2).toNumber(),
    };
  });
};
export default routes;
