// Bulk writes without per-row triggers (the demo load, a first FluxIAE load of EtatMensuelIndiv), then the
// same guarantees checked set-based.
//
// On PGlite a COPY pays, for every row, one SPI query per foreign key (PostgreSQL implements foreign
// keys as row-level triggers): 182 000 monthly rows × 4–5 keys made the demo load last minutes. With
// `session_replication_role = replica` (superuser only; PGlite's user is one) no trigger fires during
// the COPYs; afterwards, in the same transaction:
//  - every foreign key of the written tables is checked by ONE anti-join per key, read from
//    pg_constraint (so a key added by a later migration is checked too) — a violation aborts the load;
//  - the rollups, which statement-level triggers maintain (src/db/rollups.ts), are rebuilt from the
//    base tables for the demo's structures: the same rows the triggers would have written (checked by
//    findRollupDrift in demo.db.test.ts).
// CHECK, NOT NULL and UNIQUE constraints are not triggers: they stay enforced row by row.
// Without superuser rights (a managed PostgreSQL), nothing changes: triggers fire as usual.
import { sql } from "kysely";
import { rebuildRollups, rollupTableNames } from "./rollups.js";
import type { Db } from "./schema.js";

/** True when this session may disable triggers (session_replication_role needs superuser). */
export async function canSkipTriggers(db: Db): Promise<boolean> {
  const r = await sql<{ s: string }>`select current_setting('is_superuser') as s`.execute(db);
  return r.rows[0]?.s === "on";
}

interface ForeignKey {
  name: string;
  table: string;
  columns: string[];
  refTable: string;
  refColumns: string[];
}

const IDENT = /^[a-z_][a-z0-9_]*$/;
function ident(name: string): string {
  if (!IDENT.test(name)) throw new Error(`identifiant SQL inattendu : ${name}`);
  return `"${name}"`;
}

async function foreignKeysOf(db: Db, tables: readonly string[]): Promise<ForeignKey[]> {
  const { rows } = await sql<{ name: string; table: string; columns: string[]; ref_table: string; ref_columns: string[] }>`
    select c.conname as name, t.relname as table, r.relname as ref_table,
      array(select a.attname::text from unnest(c.conkey) with ordinality k(n, i) join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.n order by k.i) as columns,
      array(select a.attname::text from unnest(c.confkey) with ordinality k(n, i) join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.n order by k.i) as ref_columns
    from pg_constraint c
    join pg_class t on t.oid = c.conrelid
    join pg_class r on r.oid = c.confrelid
    where c.contype = 'f' and t.relnamespace = current_schema()::regnamespace and t.relname = any(${tables as string[]})
    order by t.relname, c.conname`.execute(db);
  return rows.map((r) => ({ name: r.name, table: r.table, columns: r.columns, refTable: r.ref_table, refColumns: r.ref_columns }));
}

/**
 * Locks FOR KEY SHARE every row that a row of these tables references — the lock each per-row check takes
 * (a concurrent deletion of a referenced row waits for this transaction), one statement per key.
 */
export async function lockReferencedRows(db: Db, tables: readonly string[]): Promise<void> {
  for (const fk of await foreignKeysOf(db, tables)) {
    const match = fk.columns.map((c, i) => `r.${ident(fk.refColumns[i] ?? "")} = t.${ident(c)}`).join(" AND ");
    await sql
      .raw(
        `SELECT count(*) FROM (SELECT 1 FROM ${ident(fk.refTable)} r WHERE EXISTS (SELECT 1 FROM ${ident(fk.table)} t WHERE ${match}) FOR KEY SHARE OF r) l`,
      )
      .execute(db);
  }
}

/** Rows breaking a foreign key of these tables, one entry per broken key ("table.constraint: n rows"). */
export async function foreignKeyViolations(db: Db, tables: readonly string[]): Promise<string[]> {
  const problems: string[] = [];
  for (const fk of await foreignKeysOf(db, tables)) {
    // MATCH SIMPLE (PostgreSQL's default): a row with any NULL key column is not checked.
    const notNull = fk.columns.map((c) => `t.${ident(c)} IS NOT NULL`).join(" AND ");
    const match = fk.columns.map((c, i) => `r.${ident(fk.refColumns[i] ?? "")} = t.${ident(c)}`).join(" AND ");
    const q = `SELECT count(*)::integer AS n FROM ${ident(fk.table)} t WHERE ${notNull} AND NOT EXISTS (SELECT 1 FROM ${ident(fk.refTable)} r WHERE ${match})`;
    const { rows } = await sql.raw<{ n: number }>(q).execute(db);
    const n = Number(rows[0]?.n ?? 0);
    if (n > 0) problems.push(`${fk.table}.${fk.name} : ${n} ligne(s) sans ${fk.refTable} correspondant`);
  }
  return problems;
}

/**
 * rebuildRollups for these structures with triggers off (the caller has checked canSkipTriggers): the rebuild
 * recomputes every rollup itself, so the triggers on the rollup tables (per-row foreign-key checks, the
 * person-year → annex-year cascade) would only repeat its work — measured at scale 0.1 (76,098 person-year
 * rows, statements run one by one on a loaded machine), 2.9 s of foreign-key checks and 1.5 s of cascade in a
 * rebuild of 17 s. Afterwards, as the skipped checks would: the referenced rows are locked and every key of
 * the rollup tables is checked set-based; and the data generation (read by the caches) is bumped. Must run
 * inside a transaction.
 */
export async function rebuildRollupsWithoutTriggers(db: Db, structureIds: readonly number[]): Promise<void> {
  await sql`SET LOCAL session_replication_role = replica`.execute(db);
  await rebuildRollups(db, { structureIds });
  await sql`SET LOCAL session_replication_role = origin`.execute(db);
  const rollupTables = await rollupTableNames(db);
  await lockReferencedRows(db, rollupTables);
  const problems = await foreignKeyViolations(db, rollupTables);
  if (problems.length > 0) throw new Error(`agrégats : clés étrangères violées — ${problems.join(" ; ")}`);
  // Statement-level triggers fire even when no row is touched: this empty DELETE runs the rollup tables'
  // bump_data_generation (migration 0210), which the rebuild above skipped.
  await sql`DELETE FROM rollup_annex_month WHERE false`.execute(db);
}

/**
 * Runs write() with triggers off when allowed, then checks the foreign keys of `tables` and rebuilds the
 * rollups of `structureIds`. Must run inside a transaction (SET LOCAL). Returns whether triggers were off.
 */
export async function bulkWithoutTriggers<T>(
  db: Db,
  tables: readonly string[],
  structureIds: readonly number[],
  write: () => Promise<T>,
  beforeChecks: () => Promise<void> | void = () => {},
): Promise<{ result: T; skipped: boolean }> {
  const skip = await canSkipTriggers(db);
  if (!skip) return { result: await write(), skipped: false };
  // On error the transaction is rolled back, which also ends SET LOCAL.
  await sql`SET LOCAL session_replication_role = replica`.execute(db);
  const result = await write();
  await sql`SET LOCAL session_replication_role = origin`.execute(db);
  await beforeChecks();
  const problems = await foreignKeyViolations(db, tables);
  if (problems.length > 0) throw new Error(`démo : clés étrangères violées — ${problems.join(" ; ")}`);
  await rebuildRollupsWithoutTriggers(db, structureIds);
  return { result, skipped: true };
}
