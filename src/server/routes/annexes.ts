// Annexes financières of a structure: read one version (with every version of the same AF), create
// an AF (aide au poste computed from the barème, modulated part, funding lines) and create a new
// version of an AF (M+1, the current one becomes HISTORISE) — all through createFinancialAnnex.
import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { type CreateFinancialAnnexInput, createFinancialAnnex } from "../../operations/createFinancialAnnex.js";
import type { Db } from "../../db/schema.js";
import type { AppContext, RouteModule } from "../context.js";
import { runOperation } from "../lists/runOperation.js";
import { sendProblem } from "../problem.js";
import { annexPeriodError } from "../../domain/conventions/annexPeriod.js";

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Date attendue au format AAAA-MM-JJ.");
const decimal = z.string().regex(/^\d+([.,]\d{1,2})?$/, "Nombre positif attendu (2 décimales au plus).").transform((v) => v.replace(",", "."));
export const StructureParams = z.object({ structureId: z.coerce.number().int().positive() });
export const AnnexParams = StructureParams.extend({ annexId: z.coerce.number().int().positive() });

// AF period rule: src/domain/conventions/annexPeriod.ts (iae-reference §2.1).
const AnnexBody = z
  .object({
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
  })
  .superRefine((body, issues) => {
    const periodError = annexPeriodError(body.startsOn, body.endsOn);
    if (periodError) issues.addIssue({ code: "custom", path: ["endsOn"], message: periodError });
    if (Number(body.etp) <= 0) issues.addIssue({ code: "custom", path: ["etp"], message: "Nombre d'ETP conventionnés > 0 attendu." });
  });
type AnnexBodyValue = z.output<typeof AnnexBody>;

const Created = z.object({
  id: z.number().int(),
  number: z.string(),
  total: z.string(),
  unitAmount: z.string(),
  months: z.number().int(),
  historisedId: z.number().int().nullable(),
});

const Version = z.object({
  id: z.number().int(),
  number: z.string(),
  modification: z.number().int(),
  state: z.string(),
  startsOn: z.string(),
  endsOn: z.string(),
  etp: z.string(),
  unitAmount: z.string().nullable(),
  totalAmount: z.string().nullable(),
  modulationPercent: z.string().nullable(),
  modulatedAmount: z.string().nullable(),
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
  /** Every version of this AF (same number without M, same renewal), newest first. */
  versions: z.array(Version),
});

const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

/** One AF version of a structure with its structure's name and kind, or undefined (never another structure's AF). */
export function findAnnex(db: Db, structureId: number, annexId: number) {
  return db
    .selectFrom("financial_annex as a")
    .innerJoin("structure as s", "s.id", "a.structure_id")
    .innerJoin("ref_mesure as m", "m.code", "a.mesure_code")
    .selectAll("a")
    .select(["s.name as structure_name", "s.kind", "m.penitentiary as mesure_penitentiary"])
    .where("a.id", "=", annexId)
    .where("a.structure_id", "=", structureId)
    .executeTakeFirst();
}

export function annexNotFound(reply: FastifyReply, annexId: number): FastifyReply {
  return sendProblem(reply, 404, "Ressource introuvable", `Aucune annexe financière n° ${annexId} pour cette structure.`);
}

/** Runs createFinancialAnnex in a transaction and answers 201 with what was written (or the problem). */
async function createAndReply(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  body: AnnexBodyValue,
  extra: Partial<CreateFinancialAnnexInput> & { structureId: number },
): Promise<FastifyReply> {
  const outcome = await runOperation(ctx, request, reply, (db, deps) => createFinancialAnnex(db, deps, { ...body, ...extra }));
  if (!outcome.ok) return outcome.reply;
  return reply.status(201).send(outcome.value);
}

const routes: RouteModule = async (app, ctx) => {
  const db = ctx.handle.db;

  app.get(
    "/api/v1/structures/:structureId/annexes/:annexId",
    {
      config: { policy: "structure:read" },
      schema: {
        tags: ["annexes financières"],
        summary: "Une version d'annexe financière et toutes les versions de la même annexe",
        params: AnnexParams,
        response: { 200: AnnexDetail },
      },
    },
    async (request, reply) => {
      const { structureId, annexId } = request.params;
      const a = await findAnnex(db, structureId, annexId);
      if (!a) return annexNotFound(reply, annexId);
      const funding = await db
        .selectFrom("financial_annex_funding as f")
        .innerJoin("funding_line as l", "l.code", "f.funding_line_code")
        .select(["f.funding_line_code", "l.label", "f.amount"])
        .where("f.annex_id", "=", annexId)
        .orderBy("l.label")
        .execute();
      const versions = await db
        .selectFrom("financial_annex")
        .select(["id", "number", "modification", "state", "starts_on", "ends_on", "etp", "unit_amount", "total_amount", "modulation_percent", "modulated_amount"])
        .where("structure_id", "=", structureId)
        .where("number_prefix", "=", a.number_prefix)
        .where("renewal", "=", a.renewal)
        .orderBy("modification", "desc")
        .execute();
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
        versions: versions.map((v) => ({
          id: Number(v.id),
          number: v.number,
          modification: v.modification,
          state: v.state,
          startsOn: v.starts_on,
          endsOn: v.ends_on,
          etp: String(v.etp),
          unitAmount: str(v.unit_amount),
          totalAmount: str(v.total_amount),
          modulationPercent: str(v.modulation_percent),
          modulatedAmount: str(v.modulated_amount),
        })),
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
    async (request, reply) => createAndReply(ctx, request, reply, request.body, { structureId: request.params.structureId }),
  );

  app.post(
    "/api/v1/structures/:structureId/annexes/:annexId/versions",
    {
      config: { policy: "structure:write", audit: false },
      schema: {
        tags: ["annexes financières"],
        summary: "Modifie une annexe financière (avenant) : nouvelle version M+1, la version courante devient HISTORISE",
        params: AnnexParams,
        body: AnnexBody,
        response: { 201: Created },
      },
    },
    async (request, reply) => {
      const { structureId, annexId } = request.params;
      const base = await findAnnex(db, structureId, annexId);
      if (!base) return annexNotFound(reply, annexId);
      if (base.state === "HISTORISE") {
        return sendProblem(reply, 409, "Conflit", "Cette version est historisée : modifiez la version courante de l'annexe.");
      }
      // The new version stays attached to the convention of the version it replaces unless told otherwise.
      const conventionId = request.body.conventionId ?? (base.convention_id === null ? undefined : Number(base.convention_id));
      return createAndReply(ctx, request, reply, request.body, {
        structureId,
        numberPrefix: base.number_prefix,
        renewal: base.renewal,
        ...(conventionId !== undefined ? { conventionId } : {}),
      });
    },
  );
};
export default routes;
