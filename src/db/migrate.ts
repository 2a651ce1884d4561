// Migrations: plain ordered SQL files in src/db/migrations (NNNN_name.sql), each applied once in its
// own transaction, recorded in schema_migration with its checksum. A changed checksum of an applied
// migration is refused (write a new migration instead).
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import type { DatabaseHandle } from "./connection.js";

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

export async function migrate(handle: DatabaseHandle, options: { upTo?: string } = {}): Promise<MigrateResult> {
  await sql`CREATE TABLE IF NOT EXISTS schema_migration (
    version text PRIMARY KEY,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`.execute(handle.db);
  const done = new Map(
    (await handle.db.selectFrom("schema_migration").select(["version", "checksum", "name"]).execute()).map((r) => [
      r.version,
      r,
    ]),
  );
  const applied: string[] = [];
  const files = listMigrations();
  for (const m of files) {
    if (options.upTo !== undefined && m.version > options.upTo) break;
    const previous = done.get(m.version);
    if (previous) {
      if (previous.checksum !== m.checksum) {
        throw new Error(
          `La migration ${m.name} a été modifiée après avoir été appliquée (somme de contrôle différente). ` +
            `Ne modifiez jamais une migration appliquée : ajoutez-en une nouvelle.`,
        );
      }
      continue;
    }
    await handle.withTransaction(async ({ db, execScript }) => {
      await execScript(m.sql);
      await db
        .insertInto("schema_migration")
        .values({ version: m.version, name: m.name, checksum: m.checksum })
        .execute();
    });
    applied.push(m.name);
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
