// In-year steering (contracts: src/contracts/steering.ts; read model: src/queries/envelope.ts). Policy
// territory:read: a département for its DDETS (and conseil départemental), its région's DREETS and the DGEFP;
// a structure also for its own members. The read model adds the caller's visibility in SQL.
// Redeployment (what-if and acceptance): policy structure:write — the State agents of the département only.
import {
  acceptRedeployment as acceptRedeploymentContract,
  getDepartementEnvelope,
  getRedeployment,
  getStructureEnvelope,
  previewRedeployment,
} from "../../contracts/steering.js";
import { DomainRuleError } from "../../domain/errors.js";
import { acceptRedeployment } from "../../operations/acceptRedeployment.js";
import { redeploymentBase, redeploymentView } from "../../queries/redeployment.js";
import { runOperation } from "../lists/runOperation.js";
import { sendProblem } from "../problem.js";
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
  route(app, getRedeployment, { policy: "structure:write" }, async ({ target, input, principal, reply }) => {
    const at = observationDate(input.year, input.at, ctx.clock.today());
    try {
      return redeploymentView(await redeploymentBase(db, target.code, input.year, at, principal));
    } catch (error) {
      if (error instanceof DomainRuleError) return sendProblem(reply, 422, "Règle de gestion non respectée", error.message);
      throw error;
    }
  });
  route(app, previewRedeployment, { policy: "structure:write" }, async ({ target, body, principal, reply }) => {
    if (!body.at.startsWith(`${body.year}-`))
      return sendProblem(reply, 400, "Saisie invalide", "La date d'observation (at) doit être dans l'année (year).");
    try {
      return redeploymentView(await redeploymentBase(db, target.code, body.year, body.at, principal), body.moves);
    } catch (error) {
      if (error instanceof DomainRuleError) return sendProblem(reply, 422, "Règle de gestion non respectée", error.message);
      throw error;
    }
  });
  route(
    app,
    acceptRedeploymentContract,
    { policy: "structure:write", audit: false },
    async ({ target, body, principal, request, reply }) => {
      const outcome = await runOperation(ctx, request, reply, (tx, deps) =>
        acceptRedeployment(tx, deps, principal!, { departement: target.code, ...body }),
      );
      if (!outcome.ok) return outcome.reply;
      return reply.status(201).send(outcome.value);
    },
  );
};
export default routes;
