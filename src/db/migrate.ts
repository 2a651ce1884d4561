// Migrations: plain ordered SQL files in src/db/migrations (NNNN_name.sql), each applied once in its
// own transaction, recorded in schema_migration with its checksum. A changed checksum of an applied
// migration is refused (write a new migration instead). On PostgreSQL each migration's transaction
// first takes an advisory lock and checks again that the migration is not applied: app servers started
// at once apply each migration once (the others wait, then find it applied). One connection at a time.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import type { DatabaseHandle } from "./connection.js";
import { takeTransactionLock } from "./maintenanceLock.js";

export const MIGRATIONS_DIR = fileURLToPath(new URL("./migrations/", import.meta.url));

export interface MigrationFile {
  version: string;
  name: string;
  sql: string;
  checksum: string;
}

export function listMigrations(dir = MIGRATIONS_DIR): MigrationFile[] {
  const files = readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const text = readFileSync(`${dir}/${file}`, "utf8");
      return {
        version: file.slice(0, 4),
        name: file.replace(/\.sql$/, ""),
        sql: text,
        checksum: createHash("sha256").update(text).digest("hex"),
      };
    });
  for (let i = 1; i < files.length; i++) {
    if (files[i]!.version === files[i - 1]!.version) {
      throw new Error(`Deux migrations portent le numéro ${files[i]!.version} : ${files[i - 1]!.name} et ${files[i]!.name}.`);
    }
  }
  return files;
}

export interface MigrateResult {
  applied: string[];
  schemaVersion: string;
}

function changedMigration(name: string): Error {
  return new Error(
    `La migration ${name} a été modifiée après avoir été appliquée (somme de contrôle différente). ` +
      `Ne modifiez jamais une migration appliquée : ajoutez-en une nouvelle.`,
  );
}

export async function migrate(handle: DatabaseHandle, options: { upTo?: string } = {}): Promise<MigrateResult> {
  await handle.withTransaction(async ({ db }) => {
    await takeTransactionLock(db, handle.engine, "migrations");
    // Checked first: the app role of a production database (src/db/roles.ts) may not create tables, not
    // even "IF NOT EXISTS"; it starts on a database its owner has migrated.
    const table = await sql<{ t: string | null }>`SELECT to_regclass('schema_migration')::text AS t`.execute(db);
    if (table.rows[0]?.t) return;
    await sql`CREATE TABLE IF NOT EXISTS schema_migration (
      version text PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  });
  const done = new Map(
    (await handle.db.selectFrom("schema_migration").select(["version", "checksum", "name"]).execute()).map((r) => [r.version, r]),
  );
  const applied: string[] = [];
  const files = listMigrations();
  for (const m of files) {
    if (options.upTo !== undefined && m.version > options.upTo) break;
    const previous = done.get(m.version);
    if (previous) {
      if (previous.checksum !== m.checksum) throw changedMigration(m.name);
      continue;
    }
    const appliedHere = await handle.withTransaction(async ({ db, execScript }) => {
      await takeTransactionLock(db, handle.engine, "migrations");
      // Another instance may have applied it while this one waited for the lock.
      const meanwhile = await db.selectFrom("schema_migration").select("checksum").where("version", "=", m.version).executeTakeFirst();
      if (meanwhile) {
        if (meanwhile.checksum !== m.checksum) throw changedMigration(m.name);
        return false;
      }
      await execScript(m.sql);
      await db.insertInto("schema_migration").values({ version: m.version, name: m.name, checksum: m.checksum }).execute();
      return true;
    });
    if (appliedHere) applied.push(m.name);
    else done.set(m.version, { version: m.version, checksum: m.checksum, name: m.name });
  }
  const known = [...done.keys(), ...applied.map((n) => n.slice(0, 4))].sort();
  return { applied, schemaVersion: known[known.length - 1] ?? "0000" };
}

export async function schemaVersion(handle: DatabaseHandle): Promise<string> {
  const row = await handle.db
    .selectFrom("schema_migration")
    .select((eb) => eb.fn.max("version").as("v"))
    .executeTakeFirst();
  return row?.v ?? "0000";
}
