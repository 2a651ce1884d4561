// Scenario 5 — Embedded footprint: `npm start` on PGlite (PASSERELLE_DATA_DIR = a copy of the demo data),
// cold start time (spawn → first 200 on /api/health) and steady RSS of the process tree (after a few
// requests and 5 s idle); also the very first start on an empty folder (initdb + migrations + referentials).
// Baseline in the same run: `node --import tsx -e 0` (Node + TypeScript loader doing nothing).
import { cpSync } from "node:fs";
import path from "node:path";
import { pgliteDemo } from "../datasets.js";
import { tempDataDir } from "../lib/benchDatabases.js";
import { type BenchContext, REPO_ROOT } from "../lib/context.js";
import { runMeasured } from "../lib/processes.js";
import { notMeasured } from "../lib/results.js";
import { ensureBenchAccount, login, startServer } from "../lib/server.js";
import { median } from "../lib/stats.js";
import { openDatabase } from "../../src/db/connection.js";

const S = "5. Empreinte embarquée";

async function bareNode(runs: number): Promise<{ ms: number; rssMb: number | null }> {
  const ms: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await runMeasured(process.execPath, ["--import", "tsx", "-e", "0"], { cwd: REPO_ROOT });
    ms.push(r.wallMs);
    if (r.peakRssMb !== null) rss.push(r.peakRssMb);
  }
  return { ms: median(ms), rssMb: rss.length > 0 ? median(rss) : null };
}

export async function footprintScenario(ctx: BenchContext): Promise<void> {
  const runs = Math.max(1, Math.min(ctx.options.runs, 5));
  const bare = await bareNode(runs);

  // First start on an empty folder (once per run: it is a one-time cost).
  const empty = tempDataDir("first-start");
  try {
    const server = await startServer({ env: ctx.childEnv({ PASSERELLE_DATA_DIR: empty.dir }), viaNpm: true });
    await server.stop();
    ctx.add({
      scenario: S,
      label: "Premier démarrage `npm start` sur un dossier vide (initdb, migrations, référentiels)",
      engine: "pglite",
      value: server.readyMs,
      unit: "ms",
      samples: 1,
      baseline: { label: "node --import tsx -e 0", value: bare.ms },
      ratioKind: "relative",
    });
  } catch (error) {
    ctx.add(notMeasured(S, "Premier démarrage sur un dossier vide", "pglite", "ms", (error as Error).message));
  } finally {
    empty.remove();
  }

  const demo = await pgliteDemo(ctx);
  if (!demo.ok) {
    ctx.add(notMeasured(S, "Démarrage à froid `npm start` sur la démo", "pglite", "ms", demo.reason));
    return;
  }
  const starts: number[] = [];
  const steady: number[] = [];
  const peaks: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const copy = tempDataDir("footprint");
      try {
        cpSync(demo.dataDir, copy.dir, { recursive: true });
        const h = await openDatabase({ pgliteDir: path.join(copy.dir, "pglite"), lock: true });
        try {
          await ensureBenchAccount(h);
        } finally {
          await h.close();
        }
        const server = await startServer({ env: ctx.childEnv({ PASSERELLE_DATA_DIR: copy.dir }), viaNpm: true });
        try {
          starts.push(server.readyMs);
          // A little real use, then idle: the steady resident memory.
          const session = await login(server.url);
          for (const p of ["/api/v1/auth/me", "/api/v1/structures", "/api/health"]) await (await fetch(`${server.url}${p}`, { headers: { cookie: session.cookie } })).text();
          await new Promise((r) => setTimeout(r, 5000));
          server.sampler.sample();
          steady.push(server.sampler.currentKb / 1024);
        } finally {
          await server.stop();
          const peak = server.sampler.stop();
          if (peak !== null) peaks.push(peak / 1024);
        }
      } finally {
        copy.remove();
      }
    }
  } catch (error) {
    ctx.add(notMeasured(S, "Démarrage à froid `npm start` sur la démo", "pglite", "ms", (error as Error).message));
    return;
  }
  ctx.add({
    scenario: S,
    label: "Démarrage à froid `npm start` sur la démo (lancement → /api/health 200)",
    engine: "pglite",
    value: median(starts),
    unit: "ms",
    samples: starts.length,
    baseline: { label: "node --import tsx -e 0", value: bare.ms },
    ratioKind: "relative",
  });
  if (steady.length > 0)
    ctx.add({
      scenario: S,
      label: `RSS stable (arbre de processus npm → node) après quelques requêtes et 5 s d'inactivité${peaks.length > 0 ? ` ; pic ${median(peaks).toFixed(0)} Mo` : ""}`,
      engine: "pglite",
      value: median(steady),
      unit: "Mo",
      samples: steady.length,
      ...(bare.rssMb === null ? {} : { baseline: { label: "RSS de node --import tsx -e 0", value: bare.rssMb }, ratioKind: "relative" as const }),
    });
}
