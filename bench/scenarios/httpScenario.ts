// Scenario 3 — HTTP under load: autocannon on loopback against a running server (child process), 50
// connections × 30 s per endpoint: the national dashboard (GET /api/v1/indicators) and the salarié page
// (GET /api/v1/persons/:id, rotating over salariés with hours) on PostgreSQL with the national data, then
// the same on PGlite with the demo data. Baseline in the same run: GET /api/health under the same load.
import path from "node:path";
import autocannon from "autocannon";
import { sql } from "kysely";
import { type DatabaseHandle, openDatabase } from "../../src/db/connection.js";
import { pgliteDemo, postgresData } from "../datasets.js";
import type { BenchContext } from "../lib/context.js";
import { type Engine, notMeasured } from "../lib/results.js";
import {
  BENCH_PASSWORD,
  BENCH_SIAE_EMAIL,
  ensureBenchAccount,
  ensureSiaeBenchAccount,
  login,
  openApiPaths,
  type RunningServer,
  type Session,
  startServer,
} from "../lib/server.js";
import { NATIONAL_DB } from "./importScenario.js";
import { pickSubjects } from "./indicatorsScenario.js";

const S = "3. HTTP en charge";
/** p99 targets: 50 ms on PostgreSQL, 100 ms on PGlite (one embedded connection serves every request). */
const P99_MS: Record<"postgresql" | "pglite", number> = { postgresql: 50, pglite: 100 };
const targetOf = (engine: Engine) => `p99 ≤ ${engine === "pglite" ? P99_MS.pglite : P99_MS.postgresql} ms, 0 erreur`;
const TARGET = targetOf("postgresql");

export interface LoadResult {
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  non2xx: number;
}

/** autocannon against one endpoint; `paths` are cycled through (one per request). */
export async function loadTest(
  url: string,
  paths: readonly string[],
  session: Session | null,
  seconds: number,
  connections: number,
): Promise<LoadResult> {
  let i = 0;
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    headers: session ? { cookie: session.cookie } : {},
    requests: [
      {
        method: "GET",
        setupRequest: (req) => {
          req.path = paths[i++ % paths.length] as string;
          return req;
        },
      },
    ],
  });
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

interface Target {
  handle: DatabaseHandle;
  env: NodeJS.ProcessEnv;
  engine: Engine;
  label: string;
}

async function prepare(handle: DatabaseHandle): Promise<{ year: number; personIds: number[] } | null> {
  await ensureBenchAccount(handle);
  const subjects = await pickSubjects(handle.db);
  if (!subjects) return null;
  // Salarié pages are for SIAE staff (State agents have no access to them): an SIAE account member of their structures.
  const ids = await sql<{ id: number; structure_id: number }>`
    SELECT DISTINCT ON (p.person_id) p.person_id AS id, a.structure_id FROM rollup_person_year p JOIN financial_annex a ON a.id = p.annex_id
    WHERE p.year = ${subjects.year} ORDER BY p.person_id LIMIT 1000`.execute(handle.db);
  await ensureSiaeBenchAccount(handle, [...new Set(ids.rows.map((r) => r.structure_id))]);
  return { year: subjects.year, personIds: ids.rows.map((r) => r.id) };
}

async function runTarget(
  ctx: BenchContext,
  t: Target,
  subjects: { year: number; personIds: number[] },
  dashboardScope: string,
): Promise<void> {
  const { loadSeconds: seconds, connections } = ctx.options;
  let server: RunningServer | undefined;
  try {
    server = await startServer({ env: ctx.childEnv(t.env) });
    const session = await login(server.url);
    const siaeSession = await login(server.url, BENCH_SIAE_EMAIL, BENCH_PASSWORD);
    const paths = await openApiPaths(server.url);
    const health = await loadTest(server.url, ["/api/health"], null, seconds, connections);
    const endpoints: { label: string; route: string; paths: string[]; session: Session }[] = [
      {
        label: `Tableau de bord (${dashboardScope}, ${subjects.year}), compte national`,
        route: "/api/v1/indicators",
        paths: [`/api/v1/indicators?scope=${dashboardScope}&year=${subjects.year}`],
        session,
      },
      {
        label: "Page salarié (1 000 salariés en rotation), compte SIAE",
        route: "/api/v1/persons/{personId}",
        paths: subjects.personIds.map((id) => `/api/v1/persons/${id}`),
        session: siaeSession,
      },
    ];
    for (const e of endpoints) {
      const label = `${e.label} — ${connections} connexions × ${seconds} s (${t.label})`;
      if (!paths[e.route]) {
        ctx.add(notMeasured(S, label, t.engine, "ms", `route ${e.route} absente de l'API (pas encore livrée)`, targetOf(t.engine)));
        continue;
      }
      if (e.paths.length === 0) {
        ctx.add(notMeasured(S, label, t.engine, "ms", "aucun salarié avec des heures dans les données", targetOf(t.engine)));
        continue;
      }
      // One request first: a 4xx/5xx here is a setup problem, reported as such rather than as load errors.
      const probe = await fetch(`${server.url}${e.paths[0]}`, {
        headers: { cookie: e.session.cookie },
        signal: AbortSignal.timeout(60_000),
      }).catch((error: Error) => error);
      if (probe instanceof Error) {
        ctx.add(notMeasured(S, label, t.engine, "ms", `${e.paths[0]} ne répond pas en 60 s (${probe.message})`, targetOf(t.engine)));
        continue;
      }
      if (!probe.ok) {
        ctx.add(
          notMeasured(
            S,
            label,
            t.engine,
            "ms",
            `${e.paths[0]} répond ${probe.status} : ${(await probe.text()).slice(0, 160)}`,
            targetOf(t.engine),
          ),
        );
        continue;
      }
      const r = await loadTest(server.url, e.paths, e.session, seconds, connections);
      if (r.requests === 0) {
        ctx.add({
          ...notMeasured(
            S,
            label,
            t.engine,
            "ms",
            `aucune requête aboutie en ${seconds} s (${r.errors} erreurs ou délais dépassés)`,
            targetOf(t.engine),
          ),
          target: { text: targetOf(t.engine), met: false },
        });
        continue;
      }
      ctx.add({
        scenario: S,
        label: `${label}, ${r.requests.toLocaleString("fr-FR")} requêtes, ${r.errors} erreurs, ${r.non2xx} non-2xx`,
        engine: t.engine,
        value: r.p50,
        p99: r.p99,
        unit: "ms",
        samples: r.requests,
        baseline: { label: `p50 de /api/health sous la même charge (p99 ${health.p99} ms)`, value: Math.max(health.p50, 0.01) },
        ratioKind: "relative",
        target: {
          text: targetOf(t.engine),
          met: r.p99 <= (t.engine === "pglite" ? P99_MS.pglite : P99_MS.postgresql) && r.errors === 0 && r.non2xx === 0,
        },
      });
    }
  } catch (error) {
    ctx.add(notMeasured(S, `Charge HTTP (${t.label})`, t.engine, "ms", (error as Error).message, targetOf(t.engine)));
  } finally {
    await server?.stop();
  }
}

export async function httpScenario(ctx: BenchContext): Promise<void> {
  const national = await postgresData(ctx, NATIONAL_DB);
  if (!national.ok) ctx.add(notMeasured(S, "Tableau de bord et page salarié (national)", "postgresql", "ms", national.reason, TARGET));
  else {
    const handle = await openDatabase({ url: national.url as string, poolSize: 1 });
    let subjects: Awaited<ReturnType<typeof prepare>> = null;
    try {
      subjects = await prepare(handle);
    } finally {
      await handle.close();
    }
    if (!subjects) ctx.add(notMeasured(S, "Charge HTTP (national)", "postgresql", "ms", "aucune déclaration mensuelle"));
    else
      await runTarget(
        ctx,
        { handle, env: national.env, engine: "postgresql", label: `PostgreSQL, ${national.description}` },
        subjects,
        "nation",
      );
  }

  const demo = await pgliteDemo(ctx);
  if (!demo.ok) {
    ctx.add(notMeasured(S, "Tableau de bord et page salarié (démo)", "pglite", "ms", demo.reason, targetOf("pglite")));
    return;
  }
  const handle = await openDatabase({ pgliteDir: path.join(demo.dataDir, "pglite"), lock: true });
  let subjects: Awaited<ReturnType<typeof prepare>> = null;
  let dep: string | null = null;
  try {
    subjects = await prepare(handle);
    dep = (await pickSubjects(handle.db))?.departement ?? null;
  } finally {
    await handle.close();
  }
  if (!subjects || !dep) ctx.add(notMeasured(S, "Charge HTTP (démo)", "pglite", "ms", "la démo ne contient aucune déclaration mensuelle"));
  else await runTarget(ctx, { handle, env: demo.env, engine: "pglite", label: "PGlite, démo" }, subjects, `departement:${dep}`);
}
