// Scenario 5 — Embedded footprint: `npm start` on PGlite (PASSERELLE_DATA_DIR = a copy of the demo data),
// cold start time (spawn → first 200 on /api/health) and steady RSS of the process tree (after a few
// requests and 5 s idle); also the very first start on an empty folder (initdb + migrations + referentials,
// PASSERELLE_NO_DEMO=1), and what a new user gets from `npm install && npm start`: the first start WITH the
// demo load — time to the first HTTP answer (the progress page / health 503 "starting") and to ready.
// Baseline in the same run: `node -e 0` (Node doing nothing: `npm start` runs the compiled server).
import { spawn } from "node:child_process";
import { cpSync } from "node:fs";
import path from "node:path";
import { pgliteDemo } from "../datasets.js";
import { tempDataDir } from "../lib/benchDatabases.js";
import { type BenchContext, REPO_ROOT } from "../lib/context.js";
import { killTree, runMeasured } from "../lib/processes.js";
import { notMeasured } from "../lib/results.js";
import { ensureBenchAccount, freePort, login, startServer } from "../lib/server.js";
import { elapsedMs, median } from "../lib/stats.js";
import { openDatabase } from "../../src/db/connection.js";

const S = "5. Empreinte embarquée";

async function bareNode(runs: number): Promise<{ ms: number; rssMb: number | null }> {
  const ms: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await runMeasured(process.execPath, ["-e", "0"], { cwd: REPO_ROOT });
    ms.push(r.wallMs);
    if (r.peakRssMb !== null) rss.push(r.peakRssMb);
  }
  return { ms: median(ms), rssMb: rss.length > 0 ? median(rss) : null };
}

/** `npm start` on an empty folder with the demo: ms to the first HTTP answer, to /api/health 200, demo load (s, from the log). */
async function firstStartWithDemo(
  ctx: BenchContext,
  dir: string,
  timeoutMs = 900_000,
): Promise<{ firstAnswerMs: number; readyMs: number; demoS: number | null }> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOG_LEVEL: "warn",
    ...ctx.childEnv({ PASSERELLE_DATA_DIR: dir }),
    PORT: String(port),
    HOST: "127.0.0.1",
  };
  delete env.PASSERELLE_NO_DEMO;
  const start = process.hrtime.bigint();
  const child = spawn("npm", ["start", "--silent"], { cwd: REPO_ROOT, env, stdio: ["ignore", "ignore", "pipe"], detached: true });
  if (child.pid === undefined) throw new Error("npm start n'a pas pu être lancé");
  let stderr = "";
  child.stderr?.on("data", (b: Buffer) => {
    stderr = (stderr + b.toString("utf8")).slice(-20_000);
  });
  let firstAnswerMs: number | null = null;
  try {
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`npm start s'est arrêté (code ${child.exitCode}) : ${stderr.trim().split("\n").slice(-3).join(" | ")}`);
      if (elapsedMs(start) > timeoutMs)
        throw new Error(`pas prêt après ${timeoutMs / 1000} s : ${stderr.trim().split("\n").slice(-2).join(" | ")}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/health`);
        await res.arrayBuffer();
        firstAnswerMs ??= elapsedMs(start);
        if (res.ok) break;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, firstAnswerMs === null ? 25 : 250));
    }
    const readyMs = elapsedMs(start);
    const demo = /Démo chargée en ([\d.]+) s/.exec(stderr);
    return { firstAnswerMs: firstAnswerMs ?? readyMs, readyMs, demoS: demo ? Number(demo[1]) : null };
  } finally {
    const exited = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once("exit", () => resolve())));
    killTree(child, "SIGTERM");
    const timer = setTimeout(() => killTree(child, "SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

export async function footprintScenario(ctx: BenchContext): Promise<void> {
  const runs = Math.max(1, Math.min(ctx.options.runs, 5));
  const bare = await bareNode(runs);

  // First start on an empty folder (once per run: it is a one-time cost).
  const empty = tempDataDir("first-start");
  try {
    const server = await startServer({ env: ctx.childEnv({ PASSERELLE_DATA_DIR: empty.dir, PASSERELLE_NO_DEMO: "1" }), viaNpm: true });
    await server.stop();
    ctx.add({
      scenario: S,
      label: "Premier démarrage `npm start` sur un dossier vide (initdb, migrations, référentiels)",
      engine: "pglite",
      value: server.readyMs,
      unit: "ms",
      samples: 1,
      baseline: { label: "node -e 0", value: bare.ms },
      ratioKind: "relative",
    });
  } catch (error) {
    ctx.add(notMeasured(S, "Premier démarrage sur un dossier vide", "pglite", "ms", (error as Error).message));
  } finally {
    empty.remove();
  }

  // What a new user waits for: `npm start` on an empty folder, demo included (once per run).
  const fresh = tempDataDir("first-start-demo");
  try {
    const r = await firstStartWithDemo(ctx, fresh.dir);
    ctx.add({
      scenario: S,
      label: "Premier `npm start` avec la démo : première réponse HTTP (page d'avancement, /api/health 503 « starting »)",
      engine: "pglite",
      value: r.firstAnswerMs,
      unit: "ms",
      samples: 1,
      baseline: { label: "node -e 0", value: bare.ms },
      ratioKind: "relative",
    });
    ctx.add({
      scenario: S,
      label: `Premier \`npm start\` avec la démo : prêt (/api/health 200)${r.demoS === null ? "" : ` ; dont chargement de la démo ${r.demoS.toFixed(1)} s`}`,
      engine: "pglite",
      value: r.readyMs,
      unit: "ms",
      samples: 1,
      target: { text: "chargement de la démo ≤ 60 s", met: r.demoS === null ? null : r.demoS <= 60 },
    });
  } catch (error) {
    ctx.add(notMeasured(S, "Premier `npm start` avec la démo", "pglite", "ms", (error as Error).message));
  } finally {
    fresh.remove();
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
        // The copy's own secret.key (PASSERELLE_SECRET_KEY emptied, as demo.env says): the demo's personal data are
        // encrypted with it, and the server refuses any other key for this database.
        const server = await startServer({ env: ctx.childEnv({ ...demo.env, PASSERELLE_DATA_DIR: copy.dir }), viaNpm: true });
        try {
          starts.push(server.readyMs);
          // A little real use, then idle: the steady resident memory.
          const session = await login(server.url);
          for (const p of ["/api/v1/auth/me", "/api/v1/structures", "/api/health"])
            await (await fetch(`${server.url}${p}`, { headers: { cookie: session.cookie } })).text();
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
    baseline: { label: "node -e 0", value: bare.ms },
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
      ...(bare.rssMb === null ? {} : { baseline: { label: "RSS de node -e 0", value: bare.rssMb }, ratioKind: "relative" as const }),
    });
}
