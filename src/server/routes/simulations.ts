// Simulations of the aide au poste (no write): one AF from the barème (same as `passerelle simulate
// af`) and the what-if of next year's allocation of an existing AF.
import type { FastifyReply } from "fastify";
import { simulateAnnex, simulateNextYear as simulateNextYearContract } from "../../contracts/annexes.js";
import { simulateAf, simulateNextYear } from "../../domain/aid/simulate.js";
import { baremeTerritory } from "../../domain/aid/territory.js";
import { DomainRuleError } from "../../domain/errors.js";
import { loadBaremeRows } from "../../operations/referenceData.js";
import { findAnnex } from "../../queries/annexes.js";
import type { RouteModule } from "../context.js";
import { sendProblem } from "../problem.js";
import { route } from "../route.js";
import { annexNotFound } from "./annexes.js";

/** A domain rule broken by the inputs (empty period, ETP ≤ 0, modulation out of range…) is a 422 with its French message. */
async function simulated<T>(reply: FastifyReply, compute: () => Promise<T>): Promise<T | FastifyReply> {
  try {
    return await compute();
  } catch (error) {
    if (error instanceof DomainRuleError) return sendProblem(reply, 422, "Simulation impossible", error.message);
    throw error;
  }
}

const routes: RouteModule = async (app, ctx) => {
  const db = ctx.handle.db;

  route(app, simulateAnnex, { policy: "authenticated" }, async ({ input: q, reply }) =>
    simulated(reply, async () =>
      simulateAf(
        {
          kind: q.kind,
          etp: q.etp,
          from: q.from,
          to: q.to,
          ...(q.unit !== undefined ? { unit: q.unit } : {}),
          ...(q.modulation !== undefined ? { modulationPercent: q.modulation } : {}),
          territory: q.territory,
        },
        await loadBaremeRows(db),
      ),
    ),
  );

  route(app, simulateNextYearContract, { policy: "structure:read" }, async ({ target, input, principal, reply }) => {
    const annex = await findAnnex(db, principal!, target);
    if (!annex) return annexNotFound(reply, target.annexId);
    const lastYearTotal = annex.total_amount;
    if (lastYearTotal === null) return sendProblem(reply, 422, "Simulation impossible", "L'annexe n'a pas de montant total.");
    return simulated(reply, async () => {
      const result = simulateNextYear(
        {
          kind: annex.kind,
          lastYear: { etp: annex.etp, from: annex.starts_on, to: annex.ends_on, total: lastYearTotal },
          etpChange: input.etpChange,
          territory: baremeTerritory({ departementCode: annex.structure_departement_code, penitentiary: annex.mesure_penitentiary }),
          ...(input.modulation !== undefined ? { modulationPercent: input.modulation } : {}),
        },
        await loadBaremeRows(db),
      );
      return { annexNumber: annex.number, lastYearEtp: Number(annex.etp), ...result };
    });
  });
};
export default routes;
