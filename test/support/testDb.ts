// A fresh, migrated and seeded database for one test file, on the engine chosen for the run:
// PostgreSQL when TEST_DATABASE_URL is set, otherwise in-memory PGlite.
//
//   const t = await createTestDatabase();   // in beforeAll
//   t.handle.db.selectFrom(...)
//   await t.destroy();                       // in afterAll
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import pg from "pg";
import { type DatabaseHandle, openDatabase } from "../../src/db/connection.js";
import { templateDbName, testDbPrefix, withDatabaseName } from "./testDbNames.js";

export interface TestDatabase {
  handle: DatabaseHandle;
  /** postgres URL of this test database (PostgreSQL runs only). */
  url?: string;
  destroy(): Promise<void>;
}

export const testEngine = (): "pglite" | "postgresql" => (process.env.TEST_DATABASE_URL ? "postgresql" : "pglite");

/** A new database on the test PostgreSQL server (from the migrated template, or empty). */
async function createPostgresDatabase(url: string, template: string | null, poolSize: number): Promise<TestDatabase> {
  const name = `${testDbPrefix()}${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ""}`);
  await admin.end();
  const dbUrl = withDatabaseName(url, name);
  const handle = await openDatabase({ url: dbUrl, poolSize });
  return {
    handle,
    url: dbUrl,
    destroy: async () => {
      await handle.close();
      const c = new pg.Client({ connectionString: url });
      c.on("error", () => {});
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) return createPostgresDatabase(url, templateDbName(), 4);
  const dump = process.env.PASSERELLE_TEST_PGLITE_DUMP;
  if (!dump) throw new Error("db tests must run in the 'db' vitest project (globalSetup builds the template)");
  const handle = await openDatabase({ pgliteDir: "memory://", loadDataDir: new Blob([readFileSync(dump)]) });
  return { handle, destroy: () => handle.close() };
}

/** An EMPTY database (no migration applied): for migration tests. */
export async function createEmptyDatabase(): Promise<TestDatabase> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) return createPostgresDatabase(url, null, 2);
  const handle = await openDatabase({ pgliteDir: "memory://" });
  return { handle, destroy: () => handle.close() };
}
