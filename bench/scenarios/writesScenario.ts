// Scenario 4 — Writes: monthly declarations entered through the API, one request per salarié (1,000 salariés),
// sequentially, on the running server: median and p99 latency. The rollups are kept up to date by the
// database triggers in the same transaction (src/db/rollups.ts), so their cost is inside the figure; the run
// ends with findRollupDrift() to check it. The salariés are those declared in the latest month of the data:
// their hours are re-entered (+1 h), an upsert on (annex, contract, month) as when a structure corrects its
// declaration. Baseline in the same run: sequential GET /api/health on the same server.
import path from "node:path";
import { sql } from "kysely";
import { type DatabaseHandle, openDatabase } from "../../src/db/connection.js";
import { findRollupDrift } from "../../src/db/rollups.js";
import { pgliteDemo, postgresData } from "../datasets.js";
import type { BenchContext } from "../lib/context.js";
import { type Engine, notMeasured } from "../lib/results.js";
import { BENCH_SIAE_EMAIL, BENCH_PASSWORD, ensureSiaeBenchAccount, login, openApiPaths, startServer } from "../lib/server.js";
import { elapsedMs, median, percentile } from "../lib/stats.js";
import { NATIONAL_DB } from "./importScenario.js";

const S = "4. Écritures";
const TARGET_NOTE = "médiane et p99 (pas de cible chiffrée dans le ticket)";

interface Line {
  annexId: number;
  structureId: number;
  contractId: number;
  month: string;
  hours: string;
}

async function pickLines(handle: DatabaseHandle, n: number): Promise<Line[]> {
  const r = await sql<{ annex_id: number; structure_id: number; contract_id: number; month: string; hours: string }>`
    WITH last AS (SELECT max(month) AS m FROM monthly_declaration)
    SELECT DISTINCT ON (d.person_id) d.annex_id, d.structure_id, d.contract_id, to_char(d.month, 'YYYY-MM') AS month, d.hours::text AS hours
    FROM monthly_declaration d JOIN financial_annex a ON a.id = d.annex_id, last
    WHERE d.month = last.m AND a.state IN ('VALIDE', 'PROVISOIRE') AND d.hours < 700
    ORDER BY d.person_id LIMIT ${n}`.execute(handle.db);
  return r.rows.map((x) => ({
    annexId: x.annex_id,
    structureId: x.structure_id,
    contractId: x.contract_id,
    month: x.month,
    hours: x.hours,
  }));
}

/** The declaration route of the API (POST or PUT whose body has `lines`), from the OpenAPI document. */
function findDeclarationRoute(paths: Record<string, Record<string, unknown>>): { method: "POST" | "PUT"; route: string } | null {
  for (const [route, ops] of Object.entries(paths)) {
    if (!/declaration|hours|heures/i.test(route)) continue;
    for (const method of ["post", "put"] as const)
      if (ops[method] && JSON.stringify(ops[method]).includes('"lines"')) return { method: method.toUpperCase() as "POST" | "PUT", route };
  }
  return null;
}

async function runWrites(
  ctx: BenchContext,
  engine: Engine,
  label: string,
  open: () => Promise<DatabaseHandle>,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const n = ctx.options.writers;
  const fullLabel = `Déclaration mensuelle par l'API, ${n} salariés un par un (${label})`;
  let handle = await open();
  let lines: Line[];
  try {
    lines = await pickLines(handle, n);
    await ensureSiaeBenchAccount(handle, [...new Set(lines.map((l) => l.structureId))]);
  } finally {
    await handle.close();
  }
  if (lines.length === 0) {
    ctx.add(notMeasured(S, fullLabel, engine, "ms", "aucune déclaration mensuelle dans les données"));
    return;
  }
  const server = await startServer({ env: ctx.childEnv(env) }).catch((e: Error) => e);
  if (server instanceof Error) {
    ctx.add(notMeasured(S, fullLabel, engine, "ms", server.message));
    return;
  }
  try {
    const route = findDeclarationRoute(await openApiPaths(server.url));
    if (!route) {
      ctx.add(
        notMeasured(S, fullLabel, engine, "ms", "aucune route d'API de déclaration mensuelle (corps avec « lines ») : pas encore livrée"),
      );
      return;
    }
    const session = await login(server.url, BENCH_SIAE_EMAIL, BENCH_PASSWORD);
    const times: number[] = [];
    for (const l of lines) {
      const url = `${server.url}${route.route.replace("{annexId}", String(l.annexId)).replace("{structureId}", String(l.structureId)).replace("{month}", l.month)}`;
      const body = { annexId: l.annexId, month: l.month, lines: [{ contractId: l.contractId, hours: Number(l.hours) + 1 }] };
      const start = process.hrtime.bigint();
      const res = await fetch(url, {
        method: route.method,
        headers: { cookie: session.cookie, "x-csrf-token": session.csrfToken, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      const ms = elapsedMs(start);
      if (!res.ok) {
        ctx.add(notMeasured(S, fullLabel, engine, "ms", `${route.method} ${route.route} a répondu ${res.status} : ${text.slice(0, 200)}`));
        return;
      }
      times.push(ms);
    }
    const health: number[] = [];
    for (let i = 0; i < Math.min(200, times.length); i++) {
      const start = process.hrtime.bigint();
      await (await fetch(`${server.url}/api/health`)).text();
      health.push(elapsedMs(start));
    }
    ctx.add({
      scenario: S,
      label: `${fullLabel} — ${route.method} ${route.route}`,
      engine,
      value: median(times),
      p99: percentile(times, 99),
      unit: "ms",
      samples: times.length,
      baseline: { label: "GET /api/health séquentiel, même serveur", value: median(health) },
      ratioKind: "relative",
      target: { text: TARGET_NOTE, met: null },
    });
  } finally {
    await server.stop();
  }
  handle = await open();
  try {
    const drift = await findRollupDrift(handle.db);
    if (drift.length > 0)
      ctx.note(`${label} : ${drift.length} lignes d'agrégats divergentes après les écritures (ex. ${drift[0]?.table} ${drift[0]?.key})`);
    else ctx.note(`${label} : agrégats exacts après les écritures (findRollupDrift vide)`);
  } finally {
    await handle.close();
  }
}

export async function writesScenario(ctx: BenchContext): Promise<void> {
  const national = await postgresData(ctx, NATIONAL_DB);
  if (!national.ok) ctx.add(notMeasured(S, "Déclarations mensuelles par l'API (national)", "postgresql", "ms", national.reason));
  else
    await runWrites(
      ctx,
      "postgresql",
      `PostgreSQL, ${national.description}`,
      () => openDatabase({ url: national.url as string, poolSize: 1 }),
      national.env,
    );

  const demo = await pgliteDemo(ctx);
  if (!demo.ok) ctx.add(notMeasured(S, "Déclarations mensuelles par l'API (démo)", "pglite", "ms", demo.reason));
  else
    await runWrites(
      ctx,
      "pglite",
      "PGlite, démo",
      () => openDatabase({ pgliteDir: path.join(demo.dataDir, "pglite"), lock: true }),
      demo.env,
    );
}
