// Row ids taken from a table's identity sequence before the rows are written: an encrypted identifier is
// bound to its row id (src/security/personalData.ts), so the id must be known when the value is encrypted.
import { sql } from "kysely";
import type { Db } from "./schema.js";

export type SequencedTable = "person" | "approval" | "contract";

/** `count` fresh ids of `table`, ascending (gaps are harmless; a rolled-back transaction leaves one). */
export async function reserveIds(db: Db, table: SequencedTable, count: number): Promise<number[]> {
  if (count <= 0) return [];
  const ids = await sql<{
    id: string;
  }>`SELECT nextval(pg_get_serial_sequence(${table}, 'id')) AS id FROM generate_series(1, ${count}::int) ORDER BY 1`.execute(db);
  return ids.rows.map((r) => Number(r.id));
}

/** One fresh id of `table`. */
export async function reserveId(db: Db, table: SequencedTable): Promise<number> {
  const [id] = await reserveIds(db, table, 1);
  if (id === undefined) throw new Error(`no id reserved for ${table}`);
  return id;
}
