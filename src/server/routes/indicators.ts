// Indicators of a scope over a period (design §5 JSON: same figures as `passerelle indicators`),
// monthly / yearly series for the charts, and the per-structure table of the dashboards (export
// CSV/XLSX). All computed by src/indicators (one definition for CLI, API, reports).
import type { FastifyReply } from "fastify";
import { z } from "zod";
import { computeIndicators, computeSeries, computeStructureTable, ScopeError } from "../../indicators/index.js";
import type { RouteModule } from "../context.js";
import { readDataGeneration } from "../cache/dataGeneration.js";
import { cacheKey, ResponseCache } from "../cache/responseCache.js";
import { sendExport } from "../lists/exportList.js";
import { listQuerySchema, pageSchema, parseSort } from "../lists/listQuery.js";
import { sendProblem } from "../problem.js";

const KIND = z.enum(["ACI", "AI", "EI", "ETTI", "EITI"]);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Date attendue au format AAAA-MM-JJ.");
const scopeParam = z
  .string()
  .regex(/^(nation|(region|departement|structure):[0-9A-Za-z]{1,16})$/, "Périmètre attendu : nation, region:<code>, departement:<code> ou structure:<id>.");

/** ?year=YYYY or ?from&to (and ?at): the period of the request. */
const periodQuery = z
  .object({
    scope: scopeParam,
    year: z.coerce.number().int().min(2000).max(2100).optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
    at: isoDate.optional(),
    kind: KIND.optional(),
  })
  .refine((q) => q.year !== undefined || (q.from !== undefined && q.to !== undefined), {
    message: "Indiquez l'année (year) ou la période (from et to).",
  });

function periodOf(q: { year?: number | undefined; from?: string | undefined; to?: string | undefined }): { from: string; to: string } {
  if (q.from && q.to) return { from: q.from, to: q.to };
  return { from: `${q.year}-01-01`, to: `${q.year}-12-31` };
}

const byKind = z.object({ ACI: z.number(), AI: z.number(), EI: z.number(), ETTI: z.number(), EITI: z.number() });
const figures = {
  period: z.object({ from: z.string(), to: z.string() }),
  at: z.string(),
  structures: z.object({
    total: z.number(),
    byKind,
    createdLast2Years: z.number(),
    createdInPeriod: z.object({ total: z.number(), byKind }),
  }),
  etp: z.object({
    conventionnes: z.number(),
    realises: z.number(),
    tauxRealisation: z.number().nullable(),
    tauxRealisationCapped: z.number().nullable(),
  }),
  people: z.object({ present: z.number(), entered: z.number(), rsaShare: z.number().nullable(), rsaEntered: z.number() }),
  exits: z.object({
    examined: z.number(),
    byCategory: z.object({ durable: z.number(), transition: z.number(), positive: z.number(), other: z.number() }),
    dynamicRate: z.number().nullable(),
    durableRate: z.number().nullable(),
    transitionRate: z.number().nullable(),
    positiveRate: z.number().nullable(),
  }),
  budget: z.object({
    total: z.number(),
    state: z.number(),
    departement: z.number(),
    modulated: z.number(),
    byFundingLine: z.record(z.string(), z.number()),
    fundingLines: z.array(z.object({ code: z.string(), label: z.string(), financer: z.string(), amount: z.number() })),
    perEtp: z.object({ total: z.number().nullable(), state: z.number().nullable() }),
  }),
};
const changeSchema = z.object({
  previous: z.number().nullable(),
  current: z.number().nullable(),
  difference: z.number().nullable(),
  relative: z.number().nullable(),
});
const IndicatorsResponse = z.object({
  scope: z.string(),
  scopeLabel: z.string(),
  kind: KIND.nullable(),
  ...figures,
  previous: z.object(figures).nullable(),
  change: z.record(z.string(), changeSchema).nullable(),
  definitions: z.record(z.string(), z.object({ label: z.string(), definition: z.string() })),
});

const SeriesResponse = z.object({
  scope: z.string(),
  period: z.object({ from: z.string(), to: z.string() }),
  monthly: z.array(z.object({ month: z.string(), etpConventionnes: z.number(), etpRealises: z.number(), entered: z.number() })),
  yearly: z.array(
    z.object({
      year: z.number().int(),
      period: z.object({ from: z.string(), to: z.string() }),
      structuresByKind: byKind,
      structuresTotal: z.number(),
      exitsByCategory: z.object({ durable: z.number(), transition: z.number(), positive: z.number(), other: z.number() }),
      exitsExamined: z.number(),
      dynamicRate: z.number().nullable(),
      budgetByFundingLine: z.record(z.string(), z.number()),
      budgetTotal: z.number(),
      etpConventionnes: z.number(),
      etpRealises: z.number(),
      entered: z.number(),
    }),
  ),
});

const StructureRow = z.object({
  id: z.number().int(),
  name: z.string(),
  kind: KIND,
  departement: z.string(),
  etpConventionnes: z.number(),
  etpRealises: z.number(),
  tauxRealisation: z.number().nullable(),
  tauxRealisationCapped: z.number().nullable(),
  exitsExamined: z.number(),
  dynamicRate: z.number().nullable(),
  durableRate: z.number().nullable(),
  budgetTotal: z.number(),
  budgetState: z.number(),
});
type StructureRow = z.infer<typeof StructureRow>;
const TABLE_SORT = ["name", "kind", "etpConventionnes", "etpRealises", "tauxRealisation", "exitsExamined", "dynamicRate", "budgetTotal"] as const;
const TableQuery = listQuerySchema(TABLE_SORT, "name").extend({
  scope: scopeParam,
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  kind: KIND.optional(),
});

/** Sends an already serialized JSON body (Fastify sends a string with a JSON content type as is). */
function sendJson(reply: FastifyReply, json: string): FastifyReply {
  return reply.type("application/json; charset=utf-8").send(json);
}

/** The response body as Fastify's zod serializer would send it (schema-checked, unknown keys dropped). */
function serialize<S extends z.ZodType>(schema: S, value: z.input<S>): string {
  return JSON.stringify(schema.parse(value));
}

/** How many years of yearly points the series give (exits by category per year). */
export const SERIES_YEARS = 5;

const routes: RouteModule = async (app, ctx) => {
  const db = ctx.handle.db;
  // Responses cached by (route, every query parameter the figures depend on, data generation): the
  // policy (scope check) has already run when a handler reads the cache, and a write committed by any
  // server changes the generation read at the next request.
  // Figures and series are cached already serialized (checked against the response schema once, as
  // Fastify's serializer would do): a hit costs no validation and no JSON.stringify.
  const figuresCache = new ResponseCache<string>();
  const seriesCache = new ResponseCache<string>();
  const tableCache = new ResponseCache<readonly StructureRow[]>();

  app.get(
    "/api/v1/indicators",
    {
      config: { policy: "territory:read" },
      schema: {
        tags: ["indicateurs"],
        summary: "Indicateurs d'un périmètre sur une période (mêmes chiffres que la commande `indicators`)",
        querystring: periodQuery,
        response: { 200: IndicatorsResponse },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const period = periodOf(q);
      try {
        const key = cacheKey("indicators", { scope: q.scope, ...period, at: q.at, kind: q.kind });
        const json = await figuresCache.get(key, await readDataGeneration(db), async () =>
          serialize(
            IndicatorsResponse,
            await computeIndicators(db, { scope: q.scope, ...period, ...(q.at ? { at: q.at } : {}), ...(q.kind ? { kind: q.kind } : {}) }),
          ),
        );
        return sendJson(reply, json);
      } catch (error) {
        if (error instanceof ScopeError) return sendProblem(reply, 400, "Requête invalide", error.message);
        throw error;
      }
    },
  );

  app.get(
    "/api/v1/indicators/series",
    {
      config: { policy: "territory:read" },
      schema: {
        tags: ["indicateurs"],
        summary: `Séries des graphiques : mensuelles sur la période, annuelles sur les ${SERIES_YEARS} dernières années`,
        querystring: periodQuery,
        response: { 200: SeriesResponse },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const period = periodOf(q);
      const kind = q.kind ? { kind: q.kind } : {};
      try {
        const key = cacheKey("series", { scope: q.scope, ...period, kind: q.kind });
        const json = await seriesCache.get(key, await readDataGeneration(db), async () => {
          const monthly = await computeSeries(db, { scope: q.scope, ...period, ...kind });
          const firstYear = Number(period.to.slice(0, 4)) - (SERIES_YEARS - 1);
          const yearly = await computeSeries(db, { scope: q.scope, from: `${firstYear}-01-01`, to: period.to, ...kind });
          return serialize(SeriesResponse, { scope: monthly.scope, period: monthly.period, monthly: monthly.monthly, yearly: yearly.yearly });
        });
        return sendJson(reply, json);
      } catch (error) {
        if (error instanceof ScopeError) return sendProblem(reply, 400, "Requête invalide", error.message);
        throw error;
      }
    },
  );

  app.get(
    "/api/v1/indicators/structures",
    {
      config: { policy: "territory:read" },
      schema: {
        tags: ["indicateurs"],
        summary: "Tableau des structures d'un périmètre : ETP, taux de réalisation, sorties dynamiques (export CSV/XLSX)",
        querystring: TableQuery,
        response: { 200: pageSchema(StructureRow) },
      },
    },
    async (request, reply) => {
      const q = request.query;
      if (q.year === undefined && (q.from === undefined || q.to === undefined)) {
        return sendProblem(reply, 400, "Requête invalide", "Indiquez l'année (year) ou la période (from et to).");
      }
      let rows: StructureRow[];
      try {
        const period = periodOf(q);
        const key = cacheKey("structures", { scope: q.scope, ...period, kind: q.kind });
        // A copy: the rows are sorted below, the cached array is shared.
        rows = [
          ...(await tableCache.get(key, await readDataGeneration(db), () =>
            computeStructureTable(db, { scope: q.scope, ...period, ...(q.kind ? { kind: q.kind } : {}) }),
          )),
        ];
      } catch (error) {
        if (error instanceof ScopeError) return sendProblem(reply, 400, "Requête invalide", error.message);
        throw error;
      }
      const sort = parseSort<(typeof TABLE_SORT)[number]>(q.sort);
      const dir = sort.direction === "asc" ? 1 : -1;
      rows.sort((a, b) => {
        const x = a[sort.key];
        const y = b[sort.key];
        if (x === y) return a.id - b.id;
        if (x === null) return 1;
        if (y === null) return -1;
        return (typeof x === "string" ? x.localeCompare(String(y), "fr") : (x as number) - (y as number)) * dir;
      });
      if (q.format !== "json") {
        return sendExport(reply, q.format, `structures-${q.scope.replace(":", "-")}-${q.year ?? `${q.from}_${q.to}`}`, rows, [
          { header: "Identifiant", value: (r) => r.id },
          { header: "Structure", value: (r) => r.name },
          { header: "Type", value: (r) => r.kind },
          { header: "Département", value: (r) => r.departement },
          { header: "ETP conventionnés", value: (r) => r.etpConventionnes, numFmt: "0.00" },
          { header: "ETP réalisés", value: (r) => r.etpRealises, numFmt: "0.00" },
          { header: "Taux de réalisation", value: (r) => r.tauxRealisation, numFmt: "0.0%" },
          { header: "Sorties examinées", value: (r) => r.exitsExamined },
          { header: "Taux de sorties dynamiques", value: (r) => r.dynamicRate, numFmt: "0.0%" },
          { header: "Taux de sorties en emploi durable", value: (r) => r.durableRate, numFmt: "0.0%" },
          { header: "Enveloppe totale (€)", value: (r) => r.budgetTotal, numFmt: "#,##0.00" },
          { header: "Part État (€)", value: (r) => r.budgetState, numFmt: "#,##0.00" },
        ]);
      }
      const start = (q.page - 1) * q.pageSize;
      return { items: rows.slice(start, start + q.pageSize), total: rows.length, page: q.page, pageSize: q.pageSize };
    },
  );
};
export default routes;
