// Data sets of the benchmarks, built with the project's own commands (never re-implemented here):
//  - national FluxIAE delivery: `passerelle generate --scale <national|factor> --out DIR --seed N` (cached),
//    imported with `passerelle import DIR` into a dedicated PostgreSQL database (passerelle_bench);
//  - département delivery (`generate --scale departement`) imported into a fresh PGlite folder;
//  - demo département: `passerelle demo` into a fresh PGlite folder (PASSERELLE_DATA_DIR).
// Each builder returns the measured child run (time, peak RSS) so that the import scenario reports it,
// and is memoised so that later scenarios reuse the data.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { sql } from "kysely";
import { openDatabase } from "../src/db/connection.js";
import { type BenchContext, REPO_ROOT } from "./lib/context.js";
import { dropBenchDatabase, postgresAvailable, recreateBenchDatabase, tempDataDir } from "./lib/benchDatabases.js";
import { type MeasuredRun, tail } from "./lib/processes.js";

export type Built<T> = ({ ok: true } & T) | { ok: false; reason: string };

export interface ImportedDatabase {
  /** DATABASE_URL (PostgreSQL) or PASSERELLE_DATA_DIR (PGlite) of the imported data. */
  env: NodeJS.ProcessEnv;
  engine: "postgresql" | "pglite";
  url?: string;
  dataDir?: string;
  deliveryBytes: number;
  monthlyRows: number;
  run: MeasuredRun;
}

const memo = new Map<string, Promise<unknown>>();
function once<T>(key: string, build: () => Promise<T>): Promise<T> {
  const hit = memo.get(key) as Promise<T> | undefined;
  if (hit) return hit;
  const p = build();
  memo.set(key, p);
  return p;
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const st = statSync(p);
    total += st.isDirectory() ? folderBytes(p) : st.size;
  }
  return total;
}

/** A generated delivery folder for the scale (cached in the cache folder across runs). */
export function generatedDelivery(ctx: BenchContext, scale: string): Promise<Built<{ dir: string; bytes: number }>> {
  return once(`gen:${scale}`, async () => {
    const missing = await ctx.missingCommand("generate");
    if (missing) return { ok: false, reason: missing };
    const dir = path.join(ctx.options.cacheDir, `delivery-${scale}-seed${ctx.options.seed}`);
    const done = path.join(dir, ".complete");
    if (!existsSync(done)) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      ctx.log(`génération des données (échelle ${scale}) dans ${dir}…`);
      const run = await ctx.cli(["generate", "--scale", scale, "--out", dir, "--seed", String(ctx.options.seed)]);
      if (run.code !== 0) return { ok: false, reason: `generate --scale ${scale} a échoué (code ${run.code}) : ${tail(run.stderr)}` };
      const { writeFileSync } = await import("node:fs");
      writeFileSync(done, new Date().toISOString());
      ctx.log(`génération terminée en ${(run.wallMs / 1000).toFixed(1)} s`);
    }
    return { ok: true, dir, bytes: folderBytes(dir) };
  });
}

async function countMonthlyRows(options: { url?: string; pgliteDir?: string }): Promise<number> {
  const handle = await openDatabase(options.url ? { url: options.url, poolSize: 1 } : { pgliteDir: options.pgliteDir as string, lock: true });
  try {
    const r = await sql<{ n: number }>`SELECT count(*)::bigint AS n FROM monthly_declaration`.execute(handle.db);
    return Number(r.rows[0]?.n ?? 0);
  } finally {
    await handle.close();
  }
}

async function importInto(ctx: BenchContext, delivery: string, env: NodeJS.ProcessEnv): Promise<Built<{ run: MeasuredRun }>> {
  const missing = await ctx.missingCommand("import");
  if (missing) return { ok: false, reason: missing };
  // Schema first, so that the measured import does not include the migrations.
  const mig = await ctx.cli(["migrate"], env);
  if (mig.code !== 0) return { ok: false, reason: `migrate a échoué : ${tail(mig.stderr)}` };
  ctx.log(`import de ${delivery}…`);
  const run = await ctx.cli(["import", delivery, "--json"], env);
  if (run.code !== 0) return { ok: false, reason: `import a échoué (code ${run.code}) : ${tail(run.stderr || run.stdout)}` };
  return { ok: true, run };
}

/** The national (or scaled) delivery imported into PostgreSQL database `name`. */
export function postgresImport(ctx: BenchContext, scale: string, name: string): Promise<Built<ImportedDatabase>> {
  return once(`pg:${name}:${scale}`, async () => {
    const pgOk = await postgresAvailable();
    if (!pgOk.ok) return { ok: false, reason: pgOk.reason };
    const delivery = await generatedDelivery(ctx, scale);
    if (!delivery.ok) return delivery;
    const url = await recreateBenchDatabase(name);
    const env = { DATABASE_URL: url };
    const imported = await importInto(ctx, delivery.dir, env);
    if (!imported.ok) return imported;
    const monthlyRows = await countMonthlyRows({ url });
    return { ok: true, env, engine: "postgresql", url, deliveryBytes: delivery.bytes, monthlyRows, run: imported.run };
  });
}

/** The département delivery imported into a fresh PGlite folder. */
export function pgliteImport(ctx: BenchContext): Promise<Built<ImportedDatabase>> {
  return once("pglite:departement", async () => {
    const delivery = await generatedDelivery(ctx, "departement");
    if (!delivery.ok) return delivery;
    const data = tempDataDir("import");
    cleanups.push(data.remove);
    const env = { PASSERELLE_DATA_DIR: data.dir, DATABASE_URL: "" };
    const imported = await importInto(ctx, delivery.dir, env);
    if (!imported.ok) return imported;
    const monthlyRows = await countMonthlyRows({ pgliteDir: path.join(data.dir, "pglite") });
    return { ok: true, env, engine: "pglite", dataDir: data.dir, deliveryBytes: delivery.bytes, monthlyRows, run: imported.run };
  });
}

/** The demo département loaded by `passerelle demo` into a fresh PGlite folder. */
export function pgliteDemo(ctx: BenchContext): Promise<Built<{ dataDir: string; env: NodeJS.ProcessEnv; run: MeasuredRun }>> {
  return once("pglite:demo", async () => {
    const missing = await ctx.missingCommand("demo");
    if (missing) return { ok: false, reason: missing };
    const data = tempDataDir("demo");
    cleanups.push(data.remove);
    const env = { PASSERELLE_DATA_DIR: data.dir, DATABASE_URL: "" };
    ctx.log("chargement de la démo (PGlite)…");
    const run = await ctx.cli(["demo"], env);
    if (run.code !== 0) return { ok: false, reason: `demo a échoué (code ${run.code}) : ${tail(run.stderr || run.stdout)}` };
    return { ok: true, dataDir: data.dir, env, run };
  });
}

const cleanups: (() => void | Promise<void>)[] = [];
/** Removes the temp PGlite folders and, unless kept, the PostgreSQL bench databases. */
export async function cleanupDatasets(keepDatabase: boolean, names: readonly string[]): Promise<void> {
  for (const c of cleanups.splice(0)) await c();
  if (!keepDatabase) for (const n of names) await dropBenchDatabase(n).catch(() => {});
}

export { REPO_ROOT };
