// Annexes financières of a structure: read one version, create an AF (aide au poste computed from
// the barème, modulated part, funding lines) and create a new version of an AF (M+1, the current one
// becomes HISTORISE) — all through createFinancialAnnex.
import { z } from "zod";
import { createFinancialAnnex } from "../../operations/createFinancialAnnex.js";
import type { RouteModule } from "../context.js";
import { runOperation } from "../lists/runOperation.js";
import { sendProblem } from "../problem.js";

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Date attendue au format AAAA-MM-JJ.");
const decimal = z.string().regex(/^\d+([.,]\d{1,2})?$/, "Nombre positif attendu (2 décimales au plus).").transform((v) => v.replace(",", "."));
const StructureParams = z.object({ structureId: z.coerce.number().int().positive() });
const AnnexParams = StructureParams.extend({ annexId: z.coerce.number().int().positive() });

const AnnexBody = z.object({
  conventionId: z.number().int().positive().optional(),
  state: z.enum(["BROUILLON", "SAISI", "VALIDE", "PROVISOIRE"]).default("VALIDE"),
  startsOn: isoDate,
  endsOn: isoDate,
  etp: decimal,
  unitAmount: decimal.optional(),
  annualHours: decimal.optional(),
  penitentiary: z.boolean().default(false),
  modulationPercent: decimal.optional(),
  funding: z.array(z.object({ code: z.string(), amount: decimal })).optional(),
});

const Created = z.object({
  id: z.number().int(),
  number: z.string(),
  total: z.string(),
  unitAmount: z.string(),
  months: z.number().int(),
  historisedId: z.number().int().nullable(),
});

const AnnexDetail = z.object({
  id: z.number().int(),
  structureId: z.number().int(),
  structureName: z.string(),
  kind: z.string(),
  number: z.string(),
  numberPrefix: z.string(),
  renewal: z.number().int(),
  modification: z.number().int(),
  state: z.string(),
  mesure: z.string(),
  penitentiary: z.boolean(),
  conventionId: z.number().int().nullable(),
  startsOn: z.string(),
  endsOn: z.string(),
  etp: z.string(),
  annualHours: z.string(),
  unitAmount: z.string().nullable(),
  totalAmount: z.string().nullable(),
  modulationPercent: z.string().nullable(),
  modulatedAmount: z.string().nullable(),
  funding: z.array(z.object({ code: z.string(), label: z.string(), amount: z.string() })),
});

const routes: RouteModule = async (app, ctx) => {
  const db = ctx.handle.db;

  app.get(
    "/api/v1/structures/:structureId/annexes/:annexId",
    {
      config: { policy: "structure:read" },
      schema: {
        tags: ["annexes financières"],
        summary: "Une version d'annexe financière",
        params: AnnexParams,
        response: { 200: AnnexDetail },
      },
    },
    async (request, reply) => {
      const { structureId, annexId } = request.params;
      const a = await db
        .selectFrom("financial_annex as a")
        .innerJoin("structure as s", "s.id", "a.structure_id")
        .innerJoin("ref_mesure as m", "m.code", "a.mesure_code")
        .selectAll("a")
        .select(["s.name as structure_name", "s.kind", "m.penitentiary as mesure_penitentiary"])
        .where("a.id", "=", annexId)
        .where("a.structure_id", "=", structureId)
        .executeTakeFirst();
      if (!a) return sendProblem(reply, 404, "Ressource introuvable", `Aucune annexe financière n° ${annexId} pour cette structure.`);
      const funding = await db
        .selectFrom("financial_annex_funding as f")
        .innerJoin("funding_line as l", "l.code", "f.funding_line_code")
        .select(["f.funding_line_code", "l.label", "f.amount"])
        .where("f.annex_id", "=", annexId)
        .orderBy("l.label")
        .execute();
      const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
      return {
        id: Number(a.id),
        structureId: Number(a.structure_id),
        structureName: a.structure_name,
        kind: a.kind,
        number: a.number,
        numberPrefix: a.number_prefix,
        renewal: a.renewal,
        modification: a.modification,
        state: a.state,
        mesure: a.mesure_code,
        penitentiary: a.mesure_penitentiary,
        conventionId: a.convention_id === null ? null : Number(a.convention_id),
        startsOn: a.starts_on,
        endsOn: a.ends_on,
        etp: String(a.etp),
        annualHours: String(a.annual_hours),
        unitAmount: str(a.unit_amount),
        totalAmount: str(a.total_amount),
        modulationPercent: str(a.modulation_percent),
        modulatedAmount: str(a.modulated_amount),
        funding: funding.map((f) => ({ code: f.funding_line_code, label: f.label, amount: String(f.amount) })),
      };
    },
  );

  app.post(
    "/api/v1/structures/:structureId/annexes",
    {
      config: { policy: "structure:write", audit: false },
      schema: {
        tags: ["annexes financières"],
        summary: "Crée une annexe financière (aide au poste calculée depuis le barème, part modulée, financements)",
        params: StructureParams,
        body: AnnexBody,
        response: { 201: Created },
      },
    },
    async (request, reply) => {
      const outcome = await runOperation(ctx, request, reply, (db, deps) =>
        createFinancialAnnex(db, deps, { ...request.body, structureId: request.params.structureId }),
      );
      if (!outcome.ok) return outcome.reply;
      return reply.status(201).send(outcome.value);
    },
  );

  app.post(
    "/api/v1/structures/:structureId/annexes/:annexId/versions",
    {
      config: { policy: "structure:write", audit: false },
      schema: {
        tags: ["annexes financières"],
        summary: "Modifie une annexe financière : nouvelle version M+1, la version courante devient HISTORISE",
        params: AnnexParams,
        body: AnnexBody,
        response: { 201: Created },
      },
    },
    async (request, reply) => {
      const { structureId, annexId } = request.params;
      const base = await db
        .selectFrom("financial_annex")
        .select(["number_prefix", "renewal", "state"])
        .where("id", "=", annexId)
        .where("structure_id", "=", structureId)
        .executeTakeFirst();
      if (!base) return sendProblem(reply, 404, "Ressource introuvable", `Aucune annexe financière n° ${annexId} pour cette structure.`);
      if (base.state === "HISTORISE") {
        return sendProblem(reply, 409, "Conflit", "Cette version est historisée : modifiez la version courante de l'annexe.");
      }
      const outcome = await runOperation(ctx, request, reply, (db, deps) =>
        createFinancialAnnex(db, deps, { ...request.body, structureId, numberPrefix: base.number_prefix, renewal: base.renewal }),
      );
      if (!outcome.ok) return outcome.reply;
      return reply.status(201).send(outcome.value);
    },
  );
};
export default routes;
