// Follow-up after exit (contract: src/contracts/followUp.ts; read model: src/queries/followUp.ts; writes:
// src/operations/recordFollowUps.ts). Policy structure:declare: the structure's members see and enter the
// situations of their own exits only. The operation audits each row it writes (audit: false here).
import { getFollowUpWorkList, importFollowUps, recordFollowUp } from "../../contracts/followUp.js";
import {
  FollowUpInputError,
  importFollowUps as importOperation,
  recordFollowUp as recordOperation,
} from "../../operations/recordFollowUps.js";
import { followUpWorkList } from "../../queries/followUp.js";
import type { RouteModule } from "../context.js";
import { runOperation } from "../lists/runOperation.js";
import { sendProblem } from "../problem.js";
import { route } from "../route.js";

const routes: RouteModule = async (app, ctx) => {
  route(app, getFollowUpWorkList, { policy: "structure:declare" }, async ({ target, input, principal }) =>
    followUpWorkList(ctx.handle.db, principal!, target, ctx.clock.today(), input.month),
  );

  const refused = (reply: Parameters<typeof sendProblem>[0], error: FollowUpInputError) =>
    sendProblem(
      reply,
      422,
      "Suivi après sortie refusé",
      error.errors.length === 1
        ? `${error.errors[0]?.message} (ligne ${error.errors[0]?.line}, champ ${error.errors[0]?.field}).`
        : `${error.errors.length} erreurs : rien n'a été enregistré.`,
      { errors: error.errors },
    );

  route(app, recordFollowUp, { policy: "structure:declare", audit: false }, async ({ target, body, request, reply }) => {
    try {
      const outcome = await runOperation(ctx, request, reply, (db, deps) => recordOperation(db, deps, target.id, body));
      return outcome.ok ? outcome.value : outcome.reply;
    } catch (error) {
      if (error instanceof FollowUpInputError) return refused(reply, error);
      throw error;
    }
  });

  route(app, importFollowUps, { policy: "structure:declare", audit: false }, async ({ target, body, request, reply }) => {
    try {
      const outcome = await runOperation(ctx, request, reply, (db, deps) =>
        importOperation(db, deps, target.id, { name: body.fileName, text: body.text }),
      );
      return outcome.ok ? outcome.value : outcome.reply;
    } catch (error) {
      if (error instanceof FollowUpInputError) return refused(reply, error);
      throw error;
    }
  });
};
export default routes;
