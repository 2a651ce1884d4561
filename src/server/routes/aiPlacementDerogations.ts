// The DDETS of the département (or a platform admin) records the préfet's derogation to the AI
// company-placement cap (L5132-9 2°): policy structure:instruct.
// Contract: src/contracts/aiPlacementDerogations.ts; operation: recordAiPlacementDerogation.
import { recordAiPlacementDerogation as contract } from "../../contracts/aiPlacementDerogations.js";
import { recordAiPlacementDerogation } from "../../operations/recordAiPlacementDerogation.js";
import type { RouteModule } from "../context.js";
import { runOperation } from "../lists/runOperation.js";
import { route } from "../route.js";

const routes: RouteModule = async (app, ctx) => {
  route(app, contract, { policy: "structure:instruct", audit: false }, async ({ target, body, request, reply }) => {
    const outcome = await runOperation(ctx, request, reply, (db, deps) =>
      recordAiPlacementDerogation(db, deps, { structureId: target.id, ...body }),
    );
    if (!outcome.ok) return outcome.reply;
    return reply.status(201).send(outcome.value);
  });
};
export default routes;
