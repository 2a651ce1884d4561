// Data sets of the benchmarks, built with the project's own commands (never re-implemented here):
//  - national FluxIAE delivery: `passerelle generate --scale <national|factor> --out DIR --seed N` (cached),
//    imported with `passerelle import DIR` into a dedicated PostgreSQL database (passerelle_bench);
//  - département delivery (`generate --scale departement`) imported into a fresh PGlite folder;
//  - demo département: `passerelle demo` into a fresh PGlite folder (PASSERELLE_DATA_DIR).
// Each builder returns the measured child run (time, peak RSS) so that the import scenario reports it,
// and is memoised so that later scenarios reuse the data.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { sql } from "kysely";
import { openDatabase } from "../src/db/connection.js";
import { migrate } from "../src/db/migrate.js";
import { seedReference } from "../src/db/seedReference.js";
import { createPersonalDataCipher, loadSecret } from "../src/security/personalData.js";
import { type BenchContext, REPO_ROOT } from "./lib/context.js";
import {
  databaseComment,
  dropBenchDatabase,
  postgresAvailable,
  recreateBenchDatabase,
  tempDataDir,
  urlFor,
  usedBenchDatabases,
} from "./lib/benchDatabases.js";
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
export function generatedDelivery(ctx: BenchContext, scale: string, years = 2): Promise<Built<{ dir: string; bytes: number }>> {
  return once(`gen:${scale}:${years}`, async () => {
    const missing = await ctx.missingCommand("generate");
    if (missing) return { ok: false, reason: missing };
    const dir = path.join(ctx.options.cacheDir, `delivery-${scale}${years === 2 ? "" : `-${years}y`}-seed${ctx.options.seed}`);
    const done = path.join(dir, ".complete");
    if (!existsSync(done)) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      ctx.log(`génération des données (échelle ${scale}, ${years} ans) dans ${dir}…`);
      const run = await ctx.cli(["generate", "--scale", scale, "--out", dir, "--seed", String(ctx.options.seed), "--years", String(years)]);
      if (run.code !== 0) return { ok: false, reason: `generate --scale ${scale} a échoué (code ${run.code}) : ${tail(run.stderr)}` };
      writeFileSync(done, new Date().toISOString());
      ctx.log(`génération terminée en ${(run.wallMs / 1000).toFixed(1)} s`);
    }
    return { ok: true, dir, bytes: folderBytes(dir) };
  });
}

async function countMonthlyRows(options: { url?: string; pgliteDir?: string }): Promise<number> {
  const handle = await openDatabase(
    options.url ? { url: options.url, poolSize: 1 } : { pgliteDir: options.pgliteDir as string, lock: true },
  );
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
export function postgresImport(ctx: BenchContext, scale: string, name: string, years = 2): Promise<Built<ImportedDatabase>> {
  return once(`pg:${name}:${scale}:${years}`, async () => {
    const pgOk = await postgresAvailable();
    if (!pgOk.ok) return { ok: false, reason: pgOk.reason };
    const delivery = await generatedDelivery(ctx, scale, years);
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

export interface PostgresData {
  url: string;
  env: NodeJS.ProcessEnv;
  /** What the data are, for the labels ("échelle national", or the demo fallback). */
  description: string;
  /** True when these are the national (generated) data the issue asks for. */
  national: boolean;
}

/**
 * The PostgreSQL data of scenarios 2–4: the imported national delivery; while the generator or the importer is
 * missing, the demo département loaded into PostgreSQL (loadDemo), clearly labelled as such.
 */
export function postgresData(ctx: BenchContext, name: string): Promise<Built<PostgresData>> {
  return once(`pgdata:${name}`, async () => {
    const given = ctx.options.databaseUrl;
    if (given) {
      const description = ctx.options.databaseDescription ?? "base PostgreSQL fournie (--database-url)";
      ctx.note(`PostgreSQL : base existante utilisée telle quelle (--database-url) : ${description}.`);
      return { ok: true, url: given, env: { DATABASE_URL: given }, description, national: false };
    }
    const imported = await postgresImport(ctx, ctx.options.scale, name);
    if (imported.ok)
      return {
        ok: true,
        url: imported.url as string,
        env: imported.env,
        description: `données nationales générées (échelle ${ctx.options.scale})`,
        national: true,
      };
    if (!existsSync(path.join(REPO_ROOT, "src/demo/loadDemo.ts"))) return imported;
    ctx.note(
      `PostgreSQL : données nationales indisponibles (${imported.reason}) ; mesures faites sur la démo (Pas-de-Calais) chargée dans PostgreSQL.`,
    );
    const stamp = `passerelle-bench demo ${demoSourcesStamp()}`;
    const url = urlFor(name);
    // A bench database left by --keep-database with the same demo is reused (loading the demo takes minutes).
    if ((await databaseComment(name)) === stamp) {
      ctx.log(`base ${name} réutilisée (démo déjà chargée)`);
      return { ok: true, url, env: { DATABASE_URL: url }, description: "démo Pas-de-Calais (générateur national absent)", national: false };
    }
    await recreateBenchDatabase(name);
    const handle = await openDatabase({ url, poolSize: 1 });
    try {
      await migrate(handle);
      await seedReference(handle);
      const { loadDemo } = await import("../src/demo/loadDemo.js");
      ctx.log("chargement de la démo dans PostgreSQL…");
      await loadDemo(handle, {
        pii: createPersonalDataCipher(Buffer.from(ctx.secretKey, "hex")),
        log: (m) => ctx.log(`démo (PostgreSQL) : ${m.trim()}`),
      });
      await sql`${sql.raw(`COMMENT ON DATABASE ${name} IS '${stamp}'`)}`.execute(handle.db);
    } catch (error) {
      return { ok: false, reason: `${imported.reason} ; démo dans PostgreSQL en échec : ${(error as Error).message}` };
    } finally {
      await handle.close();
    }
    return { ok: true, url, env: { DATABASE_URL: url }, description: "démo Pas-de-Calais (générateur national absent)", national: false };
  });
}

/** Newest modification time of the demo sources: a changed demo invalidates the cached demo database. */
function demoSourcesStamp(): string {
  const dir = path.join(REPO_ROOT, "src/demo");
  let newest = 0;
  for (const name of readdirSync(dir)) newest = Math.max(newest, statSync(path.join(dir, name)).mtimeMs);
  return String(Math.floor(newest));
}

/**
 * The demo département (`passerelle demo`, or the loader src/demo/loadDemo.ts in-process while the command is
 * missing) loaded ONCE into a cached PGlite folder (it takes minutes), then copied into a fresh temp folder for
 * each use. The folder keeps its own secret.key (the demo's personal data are encrypted with it).
 */
export function pgliteDemo(ctx: BenchContext): Promise<Built<{ dataDir: string; env: NodeJS.ProcessEnv }>> {
  return once("pglite:demo", async () => {
    let cached = path.join(ctx.options.cacheDir, `demo-${demoSourcesStamp()}`);
    // BENCH_REUSE_DEMO=1: any complete cached demo folder (loading it again takes minutes on a busy machine).
    if (process.env.BENCH_REUSE_DEMO === "1" && !existsSync(path.join(cached, ".complete"))) {
      const previous = readdirSync(ctx.options.cacheDir).filter(
        (n) => n.startsWith("demo-") && existsSync(path.join(ctx.options.cacheDir, n, ".complete")),
      );
      const last = previous.sort().at(-1);
      if (last) {
        cached = path.join(ctx.options.cacheDir, last);
        ctx.note(
          `PGlite : démo reprise du cache (${last}, chargée par une version antérieure des sources de src/demo) — BENCH_REUSE_DEMO=1.`,
        );
      }
    }
    const done = path.join(cached, ".complete");
    if (!existsSync(done)) {
      rmSync(cached, { recursive: true, force: true });
      mkdirSync(cached, { recursive: true });
      const env = { PASSERELLE_DATA_DIR: cached, DATABASE_URL: "", PASSERELLE_SECRET_KEY: "" };
      ctx.log(`chargement de la démo (PGlite) dans ${cached} — une seule fois, gardée en cache…`);
      if ((await ctx.missingCommand("demo")) === null) {
        const run = await ctx.cli(["demo"], env);
        if (run.code !== 0) return { ok: false, reason: `demo a échoué (code ${run.code}) : ${tail(run.stderr || run.stdout)}` };
      } else {
        if (!existsSync(path.join(REPO_ROOT, "src/demo/loadDemo.ts")))
          return { ok: false, reason: "commande « passerelle demo » et src/demo/loadDemo.ts absents" };
        const { loadDemo } = await import("../src/demo/loadDemo.js");
        const handle = await openDatabase({ pgliteDir: path.join(cached, "pglite"), lock: true });
        try {
          await migrate(handle);
          await seedReference(handle);
          await loadDemo(handle, { pii: createPersonalDataCipher(loadSecret(cached, {})), log: (m) => ctx.log(`démo : ${m.trim()}`) });
        } catch (error) {
          return { ok: false, reason: `chargement de la démo (loadDemo) en échec : ${(error as Error).message}` };
        } finally {
          await handle.close();
        }
      }
      writeFileSync(done, new Date().toISOString());
    }
    const data = tempDataDir("demo");
    cleanups.push(data.remove);
    cpSync(cached, data.dir, { recursive: true });
    rmSync(path.join(data.dir, ".complete"), { force: true });
    // PASSERELLE_SECRET_KEY emptied: the copy's own secret.key is the demo's key.
    return { ok: true, dataDir: data.dir, env: { PASSERELLE_DATA_DIR: data.dir, DATABASE_URL: "", PASSERELLE_SECRET_KEY: "" } };
  });
}

const cleanups: (() => void | Promise<void>)[] = [];
/** Removes the temp PGlite folders and, unless kept, the PostgreSQL bench databases. */
export async function cleanupDatasets(keepDatabase: boolean, names: readonly string[]): Promise<void> {
  for (const c of cleanups.splice(0)) await c();
  if (!keepDatabase) for (const n of names) if (usedBenchDatabases.has(n)) await dropBenchDatabase(n).catch(() => {});
}

export { REPO_ROOT };
