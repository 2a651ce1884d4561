// PostgreSQL advisory locks of Passerelle's maintenance work, so that several app servers on one
// database never do it twice at once: migrations (the first instance to start applies them, the others
// wait and find them applied), a restore (`passerelle restore`), and imports (one at a time: an import
// counts what it inserts and updates from what it read first, so a second import of the same delivery
// must read after the first one committed). Keys: (PASS, n) in the two-int4 form.
// PGlite needs none of them: one process owns the data folder (dataDirLock.ts).
import { type Kysely, sql } from "kysely";
import type { DatabaseHandle } from "./connection.js";
import type { Database } from "./schema.js";

const NAMESPACE = 0x50415353; // "PASS"
export const LOCKS = { migrations: 1, restore: 2, import: 3 } as const;
export type MaintenanceLock = keyof typeof LOCKS;

/** Runs fn while holding the session-level lock (waits for it); PGlite: runs fn directly. */
export async function withMaintenanceLock<T>(handle: DatabaseHandle, lock: MaintenanceLock, fn: () => Promise<T>): Promise<T> {
  if (handle.engine === "pglite") return fn();
  return handle.db.connection().execute(async (conn) => {
    await sql`SELECT pg_advisory_lock(${NAMESPACE}, ${LOCKS[lock]})`.execute(conn);
    try {
      return await fn();
    } finally {
      await sql`SELECT pg_advisory_unlock(${NAMESPACE}, ${LOCKS[lock]})`.execute(conn);
    }
  });
}

/** Inside a transaction: waits for the lock, released at COMMIT / ROLLBACK. PGlite: nothing to do. */
export async function takeTransactionLock(db: Kysely<Database>, engine: DatabaseHandle["engine"], lock: MaintenanceLock): Promise<void> {
  if (engine === "pglite") return;
  await sql`SELECT pg_advisory_xact_lock(${NAMESPACE}, ${LOCKS[lock]})`.execute(db);
}

/** Which of the maintenance locks some session holds right now (readiness). */
export async function heldMaintenanceLocks(handle: DatabaseHandle): Promise<MaintenanceLock[]> {
  if (handle.engine === "pglite") return [];
  const rows = await sql<{ objid: number }>`
    SELECT objid::int AS objid FROM pg_locks
    WHERE locktype = 'advisory' AND granted AND classid = ${NAMESPACE}::oid AND objsubid = 2
      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`.execute(handle.db);
  const held = new Set(rows.rows.map((r) => Number(r.objid)));
  return (Object.keys(LOCKS) as MaintenanceLock[]).filter((k) => held.has(LOCKS[k]));
}
