// Indicators of a scope over a period (design §5 JSON: same figures as `passerelle indicators`),
// monthly / yearly series for the charts, and the per-structure table of the dashboards (export
// CSV/XLSX). All computed by src/indicators (one definition for CLI, API, reports); contracts in
// src/contracts/indicators.ts (target: the scope).
import type { FastifyReply } from "fastify";
import type { z } from "zod";
import {
  getIndicators,
  getIndicatorSeries,
  Indicators,
  IndicatorSeries,
  listStructurePerformance,
  periodOf,
  SERIES_YEARS,
  type STRUCTURE_TABLE_SORT,
  type StructurePerformance,
} from "../../contracts/indicators.js";
import { formatScope } from "../../contracts/target.js";
import { computeIndicators, computeSeries, computeStructureTable, ScopeError } from "../../indicators/index.js";
import { readDataGeneration } from "../cache/dataGeneration.js";
import { cacheKey, ResponseCache } from "../cache/responseCache.js";
import type { RouteModule } from "../context.js";
import { sendExport } from "../lists/exportList.js";
import { parseSort } from "../lists/listQuery.js";
import { sendProblem } from "../problem.js";
import { route } from "../route.js";

/** Sends an already serialized JSON body (Fastify sends a string with a JSON content type as is). */
function sendJson(reply: FastifyReply, json: string): FastifyReply {
  return reply.type("application/json; charset=utf-8").send(json);
}

/** The response body as Fastify's zod serializer would send it (schema-checked, unknown keys dropped). */
function serialize<S extends z.ZodType>(schema: S, value: z.input<S>): string {
  return JSON.stringify(schema.parse(value));
}

const routes: RouteModule = async (app, ctx) => {
  const db = ctx.handle.db;
  // Responses cached by (route, target, every other parameter the figures depend on, data generation):
  // the policy has authorised the target before a handler reads the cache, and a write committed by any
  // server changes the generation read at the next request.
  // Figures and series are cached already serialized (checked against the response schema once, as
  // Fastify's serializer would do): a hit costs no validation and no JSON.stringify.
  const figuresCache = new ResponseCache<string>();
  const seriesCache = new ResponseCache<string>();
  const tableCache = new ResponseCache<readonly StructurePerformance[]>();
  const invalid = (reply: FastifyReply, error: unknown) => {
    if (error instanceof ScopeError) return sendProblem(reply, 400, "Requête invalide", error.message);
    throw error;
  };

  route(app, getIndicators, { policy: "territory:read" }, async ({ target: scope, input: q, principal, reply }) => {
    const period = periodOf(q);
    const kind = q.kind ? { kind: q.kind } : {};
    // The follow-up figures of a structure are given whole to its own members only (small-count rule elsewhere).
    const followUpAudience =
      scope.type === "structure" && principal?.role === "siae" && principal.structureIds.includes(scope.id) ? "structure" : "outside";
    try {
      const key = cacheKey("indicators", { scope: formatScope(scope), ...period, at: q.at, kind: q.kind, followUpAudience });
      const json = await figuresCache.get(key, await readDataGeneration(db), async () =>
        serialize(Indicators, await computeIndicators(db, { scope, ...period, ...(q.at ? { at: q.at } : {}), ...kind, followUpAudience })),
      );
      return sendJson(reply, json);
    } catch (error) {
      return invalid(reply, error);
    }
  });

  route(app, getIndicatorSeries, { policy: "territory:read" }, async ({ target: scope, input: q, reply }) => {
    const period = periodOf(q);
    const kind = q.kind ? { kind: q.kind } : {};
    try {
      const key = cacheKey("series", { scope: formatScope(scope), ...period, kind: q.kind });
      const json = await seriesCache.get(key, await readDataGeneration(db), async () => {
        const monthly = await computeSeries(db, { scope, ...period, ...kind });
        const firstYear = Number(period.to.slice(0, 4)) - (SERIES_YEARS - 1);
        const yearly = await computeSeries(db, { scope, from: `${firstYear}-01-01`, to: period.to, ...kind });
        return serialize(IndicatorSeries, {
          scope: monthly.scope,
          period: monthly.period,
          monthly: monthly.monthly,
          yearly: yearly.yearly,
        });
      });
      return sendJson(reply, json);
    } catch (error) {
      return invalid(reply, error);
    }
  });

  route(app, listStructurePerformance, { policy: "territory:read" }, async ({ target: scope, input: q, reply }) => {
    const period = periodOf(q);
    let rows: StructurePerformance[];
    try {
      const key = cacheKey("structures", { scope: formatScope(scope), ...period, kind: q.kind });
      // A copy: the rows are sorted below, the cached array is shared.
      rows = [
        ...(await tableCache.get(key, await readDataGeneration(db), () =>
          computeStructureTable(db, { scope, ...period, ...(q.kind ? { kind: q.kind } : {}) }),
        )),
      ];
    } catch (error) {
      return invalid(reply, error);
    }
    const sort = parseSort<(typeof STRUCTURE_TABLE_SORT)[number]>(q.sort);
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
      return sendExport(reply, q.format, `structures-${formatScope(scope).replace(":", "-")}-${q.year ?? `${q.from}_${q.to}`}`, rows, [
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
  });
};
export default routes;
