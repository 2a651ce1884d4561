// The SIAE's home page: what to do this month (contract: src/contracts/siaeMonth.ts; read model:
// src/queries/siaeMonth.ts). The fiches salarié counts are those of the fiches salarié page: the same
// pre-send check (exportFichesSalarie, dry run: nothing written, nothing sent). Policy structure:declare
// (members of the structure, admins), as the pages the items link to.
import { tmpdir } from "node:os";
import { getSiaeMonth } from "../../contracts/siaeMonth.js";
import { exportFichesSalarie } from "../../interchange/fiche-salarie/exportFichesSalarie.js";
import { siaeMonth } from "../../queries/siaeMonth.js";
import { actorOf } from "../auth/plugin.js";
import type { RouteModule } from "../context.js";
import { route } from "../route.js";

const routes: RouteModule = async (app, ctx) => {
  route(app, getSiaeMonth, { policy: "structure:declare" }, async ({ target, principal, request }) => {
    const month = await siaeMonth(ctx.handle.db, principal!, target, ctx.clock.today());
    const fiches = await exportFichesSalarie(ctx.handle, {
      structureId: target.id,
      outDir: tmpdir(),
      pii: ctx.pii,
      actor: actorOf(request),
      dryRun: true,
      now: ctx.clock.now(),
    });
    return {
      ...month,
      fiches: {
        toSend: fiches.sent,
        toCorrect: fiches.invalid.length,
        awaitingReturn: fiches.awaitingReturn,
        rejected: month.fiches.rejected,
      },
    };
  });
};
export default routes;
