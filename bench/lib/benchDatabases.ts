// Databases dedicated to the benchmarks: a PostgreSQL database created and dropped by the run
// (never the `test` database), and throw-away PGlite folders in the system temp directory.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";

/** Server used by the benchmarks (maintenance database `postgres`); BENCH_POSTGRES_URL overrides it. */
export const POSTGRES_ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

const NAME_RE = /^passerelle_bench[a-z0-9_]*$/;

/** Bench databases this run created or looked up for reuse: the only ones its cleanup drops (a scoped run
 * leaves the others, which another run may be reusing). */
export const usedBenchDatabases = new Set<string>();

export function urlFor(name: string, adminUrl = POSTGRES_ADMIN_URL): string {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>, adminUrl = POSTGRES_ADMIN_URL): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Whether the PostgreSQL server answers; the reason otherwise. */
export async function postgresAvailable(): Promise<{ ok: true; version: string } | { ok: false; reason: string }> {
  try {
    const version = await admin(
      async (c) => (await c.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v ?? "?",
    );
    return { ok: true, version };
  } catch (error) {
    return { ok: false, reason: `PostgreSQL injoignable (${(error as Error).message})` };
  }
}

/** Drops (if present) and creates an empty database named passerelle_bench*; returns its URL. */
export async function recreateBenchDatabase(name = "passerelle_bench"): Promise<string> {
  if (!NAME_RE.test(name)) throw new Error(`refusing to recreate ${name}: bench databases are named passerelle_bench*`);
  usedBenchDatabases.add(name);
  await admin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${name}`);
  });
  return urlFor(name);
}

/** The comment of a bench database (null when absent): marks what it holds, for reuse across runs. */
export async function databaseComment(name: string): Promise<string | null> {
  usedBenchDatabases.add(name);
  return admin(async (c) => {
    const r = await c.query<{ comment: string | null }>(
      "SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1",
      [name],
    );
    return r.rows[0]?.comment ?? null;
  });
}

export async function dropBenchDatabase(name = "passerelle_bench"): Promise<void> {
  if (!NAME_RE.test(name)) throw new Error(`refusing to drop ${name}`);
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** A fresh temp folder (PASSERELLE_DATA_DIR of an embedded run); remove() deletes it. */
export function tempDataDir(label: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), `passerelle-bench-${label}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
