// Machine baseline of the import scenario: the raw COPY speed of the same engine in the same run — rows shaped
// like monthly declarations (ids, month, hours) copied through the project's BulkLoader into a scratch table
// with no index, constraint or trigger. The importer's rows/s divided by this rate says how much of the
// engine's raw bulk speed the real import (parsing, validation, upserts, rollups) keeps.
import { sql } from "kysely";
import { toCsvLine } from "../../src/db/bulkLoad.js";
import type { DatabaseHandle } from "../../src/db/connection.js";
import { elapsedMs } from "./stats.js";

function* syntheticRows(n: number): Generator<string> {
  for (let i = 0; i < n; i++) {
    const month = `${2023 + Math.floor((i % 24) / 12)}-${String((i % 12) + 1).padStart(2, "0")}-01`;
    yield toCsvLine([1_000_000 + i, 1 + (i % 5000), 1 + (i % 300_000), month, ((i % 15000) / 100).toFixed(2)]);
  }
}

/** Rows per second of a raw COPY of n rows (table created and dropped inside). */
export async function rawCopyRate(handle: DatabaseHandle, n: number): Promise<number> {
  if (n <= 0) throw new Error("rawCopyRate: n must be positive");
  await sql`DROP TABLE IF EXISTS bench_raw_copy`.execute(handle.db);
  await sql`CREATE UNLOGGED TABLE bench_raw_copy (emi_id bigint, annex_id bigint, person_id bigint, month date, hours numeric(6, 2))`.execute(
    handle.db,
  );
  try {
    const start = process.hrtime.bigint();
    const copied = await handle.withTransaction(({ bulk }) =>
      bulk.copyCsv("bench_raw_copy", ["emi_id", "annex_id", "person_id", "month", "hours"], syntheticRows(n)),
    );
    const ms = elapsedMs(start);
    if (copied !== n) throw new Error(`raw COPY copied ${copied} rows instead of ${n}`);
    return n / (ms / 1000);
  } finally {
    await sql`DROP TABLE IF EXISTS bench_raw_copy`.execute(handle.db);
  }
}
