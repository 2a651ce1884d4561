// The data generation number (migration 0210): grows at every committed write to a table that feeds the
// indicators. One cheap query (16 rows) per cached request.
// Writes made with triggers off (the demo's bulk load under session_replication_role = replica,
// src/db/bulkWithoutTriggers.ts) bump it anyway: they end with rebuildRollups in the same transaction,
// and the rollup tables are watched.
import { type Kysely, sql } from "kysely";
import type { Database } from "../../db/schema.js";

export async function readDataGeneration(db: Kysely<Database>): Promise<number> {
  const r = await sql<{ g: number }>`SELECT coalesce(sum(n), 0)::int8 AS g FROM data_generation`.execute(db);
  return r.rows[0]?.g ?? 0;
}
