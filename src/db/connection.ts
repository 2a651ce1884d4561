// Database connection: one SQL dialect (PostgreSQL 15's feature set), two engines.
//  - embedded: PGlite persisted in <PASSERELLE_DATA_DIR>/pglite (default ./data/pglite), guarded by a lock file;
//  - server:   PostgreSQL when DATABASE_URL is set.
// Both are reached through Kysely's PostgresDialect over a pg.Pool (design §1), with pinned type parsers
// so that both engines return the same JS types: int8 -> number, numeric -> string (exact), date -> 'YYYY-MM-DD'.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { createPgConfig } from "@electric-sql/pglite/node-postgres";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { type BulkLoader, pgliteBulkLoader, postgresBulkLoader } from "./bulkLoad.js";
import { dataDirFromEnv } from "./dataDir.js";
import { acquireDataDirLock, type DataDirLock } from "./dataDirLock.js";
import { PgliteWorker } from "./pgliteWorker.js";
import { preparingPool } from "./preparedStatements.js";
import type { Database } from "./schema.js";

export type Engine = "pglite" | "postgresql";

const INT8_OID = 20;
const NUMERIC_OID = 1700;
const DATE_OID = 1082;

let parsersPinned = false;
/** Pin the pg type parsers once per process (they are global to the pg module). */
export function pinTypeParsers(): void {
  if (parsersPinned) return;
  pg.types.setTypeParser(INT8_OID, (value: string) => {
    const n = Number(value);
    if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${value} exceeds Number.MAX_SAFE_INTEGER`);
    return n;
  });
  pg.types.setTypeParser(NUMERIC_OID, (value: string) => value);
  pg.types.setTypeParser(DATE_OID, (value: string) => value);
  parsersPinned = true;
}

/** Settings given to both engines' planners (design §1: random_page_cost for the dashboard indexes). */
export const PLANNER_SETTINGS = ["random_page_cost = 1.1"];

export interface DatabaseHandle {
  readonly engine: Engine;
  readonly db: Kysely<Database>;
  /** Runs fn on one physical connection inside one transaction, with bulk COPY available. */
  withTransaction<T>(fn: (tx: TransactionContext) => Promise<T>): Promise<T>;
  /** Where the embedded data lives (pglite only). */
  readonly dataDir?: string;
  /** Engine-specific tools of the embedded database (pglite only), such as dumps. */
  readonly pglite?: EmbeddedTools;
  /** Connections of the pool: open, idle, and requests waiting for one (/metrics). */
  poolStats(): { total: number; idle: number; waiting: number };
  close(): Promise<void>;
}

export interface EmbeddedTools {
  /** A tarball of the whole data directory (PGlite's dumpDataDir). */
  dumpDataDir(compression?: "none" | "gzip" | "auto"): Promise<Blob>;
}

export interface TransactionContext {
  readonly db: Kysely<Database>;
  readonly bulk: BulkLoader;
  /** Run a multi-statement SQL script (migrations) on the transaction's connection. */
  execScript(script: string): Promise<void>;
}

export interface OpenOptions {
  /** postgres://… — use a PostgreSQL server. */
  url?: string;
  /** Folder of the embedded database files; ignored when url is set. "memory://" for in-memory. */
  pgliteDir?: string;
  /** Lock folder owner file; defaults to `<pgliteDir>.lock`. Not used for memory://. */
  lock?: boolean;
  /** Start PGlite from a dump (tests use a migrated template). */
  loadDataDir?: Blob;
  /** Max connections for PostgreSQL. */
  poolSize?: number;
  /**
   * Where PGlite runs: "worker" (default) in a worker thread so that a long query never blocks the
   * event loop (HTTP server); "main" on the calling thread. PASSERELLE_PGLITE_THREAD=main also selects it.
   */
  pgliteThread?: "worker" | "main";
}

/** Resolve the configuration from the environment (design §5). */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): OpenOptions {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL };
  return { pgliteDir: path.join(dataDirFromEnv(env), "pglite"), lock: true };
}

export { dataDirFromEnv } from "./dataDir.js";

export async function openDatabase(options: OpenOptions): Promise<DatabaseHandle> {
  pinTypeParsers();
  if (options.url) return openPostgres(options.url, options.poolSize ?? 10);
  return openPglite(options);
}

function singleConnectionKysely(client: pg.PoolClient): Kysely<Database> {
  // A "pool" that always hands out the same client: used to run Kysely and COPY on one transaction.
  const pool = {
    connect: async () => ({
      query: (...args: Parameters<pg.PoolClient["query"]>) => client.query(...args),
      release: () => {},
    }),
    end: async () => {},
  };
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: pool as unknown as pg.Pool }) });
}

interface EngineTools {
  bulk(client: pg.PoolClient): BulkLoader;
  execScript(client: pg.PoolClient, script: string): Promise<void>;
}

async function runInTransaction<T>(pool: pg.Pool, tools: EngineTools, fn: (tx: TransactionContext) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  const db = singleConnectionKysely(client);
  try {
    await client.query("BEGIN");
    const result = await fn({
      db,
      bulk: tools.bulk(client),
      execScript: (script) => tools.execScript(client, script),
    });
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

async function openPostgres(url: string, poolSize: number): Promise<DatabaseHandle> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client killed by the server (restart, DROP DATABASE … WITH (FORCE), admin action) must not
  // crash the process: the pool drops it and opens a new one on the next query.
  pool.on("error", (error) => {
    process.stderr.write(`PostgreSQL : connexion inactive fermée par le serveur (${error.message})\n`);
  });
  pool.on("connect", (client) => {
    client.query(`SET random_page_cost = 1.1`).catch(() => {});
  });
  // Fail fast with a clear message when the server is unreachable.
  const probe = await pool.connect().catch((error: Error) => {
    throw new Error(`Impossible de se connecter à PostgreSQL (${redactUrl(url)}) : ${error.message}`);
  });
  probe.release();
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) });
  return {
    engine: "postgresql",
    db,
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    withTransaction: (fn) =>
      runInTransaction(
        pool,
        {
          bulk: (client) => postgresBulkLoader(client),
          // Simple-query protocol (no parameters) accepts several statements.
          execScript: async (client, script) => {
            await client.query(script);
          },
        },
        fn,
      ),
    close: async () => {
      await db.destroy();
    },
  };
}

async function openPglite(options: OpenOptions): Promise<DatabaseHandle> {
  const dir = options.pgliteDir ?? "memory://";
  const inMemory = dir.startsWith("memory://");
  let lock: DataDirLock | undefined;
  if (!inMemory) {
    mkdirSync(path.dirname(dir), { recursive: true });
    if (options.lock !== false) lock = acquireDataDirLock(dir);
  }
  const thread = options.pgliteThread ?? (process.env.PASSERELLE_PGLITE_THREAD === "main" ? "main" : "worker");
  let engine: PGlite | PgliteWorker;
  try {
    if (thread === "worker") {
      engine = await PgliteWorker.start({
        ...(inMemory ? {} : { dataDir: dir }),
        postgresqlconf: PLANNER_SETTINGS,
        ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
      });
    } else {
      // Options object form: the (dir, options) form ignores loadDataDir for in-memory databases.
      engine = new PGlite({
        ...(inMemory ? {} : { dataDir: dir }),
        postgresqlconf: PLANNER_SETTINGS,
        ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
      });
      await engine.waitReady;
    }
  } catch (error) {
    lock?.release();
    throw error;
  }
  const pglite = engine;
  // createPgConfig accepts any object with waitReady + execProtocolStream (the worker proxy has both).
  const pool = new pg.Pool(createPgConfig(pglite as PGlite) as unknown as pg.PoolConfig);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) });
  let closed = false;
  return {
    engine: "pglite",
    db,
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    pglite: { dumpDataDir: async (compression) => pglite.dumpDataDir(compression) },
    ...(inMemory ? {} : { dataDir: dir }),
    withTransaction: (fn) =>
      runInTransaction(
        pool,
        {
          // bulkLoad's PGlite loader only calls query(statement, [], { blob }), which the worker proxy has.
          bulk: () => pgliteBulkLoader(pglite as PGlite),
          // The pg adapter refuses multi-statement text; PGlite runs it in the same (single) session.
          execScript: async (_client, script) => {
            await pglite.exec(script);
          },
        },
        fn,
      ),
    close: async () => {
      if (closed) return;
      closed = true;
      try {
        await db.destroy();
        await pglite.close();
      } finally {
        lock?.release();
      }
    },
  };
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, "//$1:***@");
}
