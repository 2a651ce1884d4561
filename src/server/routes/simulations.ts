// Simulations of the aide au poste (no write): one AF from the barème (same as `passerelle simulate
// af`) and the what-if of next year's allocation of an existing AF.
import type { FastifyReply } from "fastify";
import { z } from "zod";
import { simulateAf, simulateNextYear } from "../../domain/aid/simulate.js";
import { DomainRuleError } from "../../domain/errors.js";
import { loadBaremeRows } from "../../operations/referenceData.js";
import type { RouteModule } from "../context.js";
import { sendProblem } from "../problem.js";
import { AnnexParams, annexNotFound, findAnnex } from "./annexes.js";

const KIND = z.enum(["ACI", "AI", "EI", "ETTI", "EITI"]);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Date attendue au format AAAA-MM-JJ.");
const decimal = z.string().regex(/^-?\d+([.,]\d{1,2})?$/, "Nombre attendu (2 décimales au plus).").transform((v) => v.replace(",", "."));
const territory = z.enum(["droit_commun", "penitentiaire", "mayotte"]).default("droit_commun");

const Simulation = z.object({
  kind: KIND,
  territory: z.string(),
  unitAmount: z.string(),
  months: z.number().int(),
  total: z.string(),
  modulationPercent: z.string(),
  modulatedAmount: z.string(),
  modulatedPaymentMonth: z.string(),
  monthly: z.array(z.object({ month: z.string(), amount: z.string(), regularisation: z.boolean() })),
});

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

  app.get(
    "/api/v1/simulations/af",
    {
      config: { policy: "authenticated" },
      schema: {
        tags: ["simulations"],
        summary: "Aide au poste d'une annexe financière (barème en vigueur au début sauf montant unitaire fourni)",
        querystring: z.object({
          kind: KIND,
          etp: decimal,
          from: isoDate,
          to: isoDate,
          unit: decimal.optional(),
          modulation: decimal.optional(),
          territory,
        }),
        response: { 200: Simulation },
      },
    },
    async (request, reply) => {
      const q = request.query;
      return simulated(reply, async () =>
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
      );
    },
  );

  app.get(
    "/api/v1/structures/:structureId/annexes/:annexId/next-year",
    {
      config: { policy: "structure:read" },
      schema: {
        tags: ["simulations"],
        summary: "Simulation de l'allocation de l'année suivante d'une annexe (ETP + variation, barème de l'année suivante)",
        params: AnnexParams,
        querystring: z.object({ etpChange: decimal.default("0"), modulation: decimal.optional() }),
        response: {
          200: z.object({ annexNumber: z.string(), lastYearEtp: z.number(), nextEtp: z.string(), lastYearTotal: z.string(), difference: z.string(), next: Simulation }),
        },
      },
    },
    async (request, reply) => {
      const { structureId, annexId } = request.params;
      const annex = await findAnnex(db, structureId, annexId);
      if (!annex) return annexNotFound(reply, annexId);
      const lastYearTotal = annex.total_amount;
      if (lastYearTotal === null) return sendProblem(reply, 422, "Simulation impossible", "L'annexe n'a pas de montant total.");
      return simulated(reply, async () => {
        const result = simulateNextYear(
          {
            kind: annex.kind,
            lastYear: { etp: annex.etp, from: annex.starts_on, to: annex.ends_on, total: lastYearTotal },
            etpChange: request.query.etpChange,
            territory: annex.mesure_penitentiary ? "penitentiaire" : "droit_commun",
            ...(request.query.modulation !== undefined ? { modulationPercent: request.query.modulation } : {}),
          },
          await loadBaremeRows(db),
        );
        return { annexNumber: annex.number, lastYearEtp: Number(annex.etp), ...result };
      });
    },
  );
};
export default routes;
