// Annexes financières of a structure: read one version (with every version of the same AF), create
// an AF (aide au poste computed from the barème, modulated part, funding lines) and create a new
// version of an AF (M+1, the current one becomes HISTORISE) — all through createFinancialAnnex.
// Contracts: src/contracts/annexes.ts; read model: src/queries/annexes.ts.
import type { FastifyReply, FastifyRequest } from "fastify";
import { type AnnexBody, createAnnex, createAnnexVersion, getAnnex } from "../../contracts/annexes.js";
import { type CreateFinancialAnnexInput, createFinancialAnnex } from "../../operations/createFinancialAnnex.js";
import { annexPage, findAnnex } from "../../queries/annexes.js";
import type { AppContext, RouteModule } from "../context.js";
import { runOperation } from "../lists/runOperation.js";
import { sendProblem } from "../problem.js";
import { route } from "../route.js";
import type { z } from "zod";

export function annexNotFound(reply: FastifyReply, annexId: number): FastifyReply {
  return sendProblem(reply, 404, "Ressource introuvable", `Aucune annexe financière n° ${annexId} pour cette structure.`);
}

/** Runs createFinancialAnnex in a transaction and answers 201 with what was written (or the problem). */
async function createAndReply(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  body: z.output<typeof AnnexBody>,
  extra: Partial<CreateFinancialAnnexInput> & { structureId: number },
): Promise<FastifyReply> {
  const outcome = await runOperation(ctx, request, reply, (db, deps) => createFinancialAnnex(db, deps, { ...body, ...extra }));
  if (!outcome.ok) return outcome.reply;
  return reply.status(201).send(outcome.value);
}

const routes: RouteModule = async (app, ctx) => {
  const db = ctx.handle.db;

  route(app, getAnnex, { policy: "structure:read" }, async ({ target, principal, reply }) => {
    const page = await annexPage(db, principal!, target);
    return page ?? annexNotFound(reply, target.annexId);
  });

  route(app, createAnnex, { policy: "structure:write", audit: false }, async ({ target, body, request, reply }) =>
    createAndReply(ctx, request, reply, body, { structureId: target.id }),
  );

  route(app, createAnnexVersion, { policy: "structure:write", audit: false }, async ({ target, body, principal, request, reply }) => {
    const base = await findAnnex(db, principal!, target);
    if (!base) return annexNotFound(reply, target.annexId);
    if (base.state === "HISTORISE") {
      return sendProblem(reply, 409, "Conflit", "Cette version est historisée : modifiez la version courante de l'annexe.");
    }
    // The new version stays attached to the convention of the version it replaces unless told otherwise.
    const conventionId = body.conventionId ?? (base.convention_id === null ? undefined : Number(base.convention_id));
    return createAndReply(ctx, request, reply, body, {
      structureId: target.structureId,
      numberPrefix: base.number_prefix,
      renewal: base.renewal,
      ...(conventionId !== undefined ? { conventionId } : {}),
    });
  });
};
export default routes;
