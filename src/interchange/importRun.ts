// Import-run bookkeeping shared by every importer: one transaction for the data (all or nothing),
// an import_run row with the counts, the checksum and the duration, and one import_rejection row per
// rejection (severity 'error') and per warning (severity 'warning').
// Dry runs execute the same code in a transaction that is rolled back, so their counts are exactly
// those a real run would give; only the import_run record (status 'dry_run') is then kept.
import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import type { DatabaseHandle, TransactionContext } from "../db/connection.js";
import type { Database } from "../db/schema.js";
import { type Actor, recordAudit } from "../db/audit.js";
import { takeTransactionLock } from "../db/maintenanceLock.js";
import { type ImportFormat, type ImportIssue, type ImportReport, ImportTally } from "./importReport.js";
import { type ImportTerritory, NATION, territoryColumn } from "./importTerritory.js";

export const IMPORT_ACTOR: Actor = { userId: null, label: "import" };

export interface ImportRunMeta {
  format: ImportFormat;
  /** Where the data came from (file name as given by the user). */
  source: string;
  checksum: string | null;
  dryRun: boolean;
  actor: Actor;
  /** Where the import may write; recorded on the run (who may read it follows from it). Default: national. */
  territory?: ImportTerritory;
}

export type ImportWork = (tx: TransactionContext, tally: ImportTally) => Promise<void>;

class DryRunRollback extends Error {
  constructor() {
    super("dry run: rolled back");
  }
}

export function sha256(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export async function runImport(handle: DatabaseHandle, meta: ImportRunMeta, work: ImportWork): Promise<ImportReport> {
  const startedAt = new Date();
  const tally = new ImportTally();
  let importRunId: number | null = null;
  try {
    await handle.withTransaction(async (tx) => {
      // One import at a time on a database: the importers count inserted / updated rows from what they
      // read first, so a second import of the same delivery must read after the first one committed (its
      // counts are then what it wrote itself, not the first one's changes).
      await takeTransactionLock(tx.db, handle.engine, "import");
      await work(tx, tally);
      if (meta.dryRun) throw new DryRunRollback();
      importRunId = await writeRunRecord(tx.db, meta, tally, startedAt, "succeeded", null);
      await recordAudit(tx.db, meta.actor, {
        action: "import",
        entity: "import_run",
        entityId: importRunId,
        after: {
          format: meta.format,
          source: meta.source,
          territory: territoryColumn(meta.territory ?? NATION),
          inserted: tally.inserted,
          updated: tally.updated,
          rejected: tally.rejected,
        },
      });
    });
  } catch (error) {
    if (error instanceof DryRunRollback) {
      importRunId = await writeRunRecord(handle.db, meta, tally, startedAt, "dry_run", null);
    } else {
      const message = error instanceof Error ? error.message : String(error);
      await writeRunRecord(handle.db, meta, new ImportTally(), startedAt, "failed", message).catch(() => undefined);
      throw error;
    }
  }
  return {
    format: meta.format,
    rowsRead: tally.rowsRead,
    inserted: tally.inserted,
    updated: tally.updated,
    unchanged: tally.unchanged,
    rejected: tally.rejected,
    rejections: tally.rejections,
    importRunId,
    warnings: tally.warnings,
    dryRun: meta.dryRun,
    durationMs: Date.now() - startedAt.getTime(),
  };
}

async function writeRunRecord(
  db: Kysely<Database>,
  meta: ImportRunMeta,
  tally: ImportTally,
  startedAt: Date,
  status: "succeeded" | "failed" | "dry_run",
  error: string | null,
): Promise<number> {
  const finishedAt = new Date();
  const run = await db
    .insertInto("import_run")
    .values({
      started_at: startedAt,
      finished_at: finishedAt,
      source: meta.source,
      format: meta.format,
      checksum: meta.checksum,
      status,
      dry_run: meta.dryRun,
      rows_read: tally.rowsRead,
      inserted: tally.inserted,
      updated: tally.updated,
      unchanged: tally.unchanged,
      rejected: tally.rejected,
      duration_ms: finishedAt.getTime() - startedAt.getTime(),
      user_id: meta.actor.userId,
      departement_code: territoryColumn(meta.territory ?? NATION),
      error,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const rows = [...tally.rejections.map((r) => issueRow(run.id, r, "error")), ...tally.warnings.map((r) => issueRow(run.id, r, "warning"))];
  for (let i = 0; i < rows.length; i += 1000) {
    await db
      .insertInto("import_rejection")
      .values(rows.slice(i, i + 1000))
      .execute();
  }
  return run.id;
}

function issueRow(runId: number, issue: ImportIssue, severity: "error" | "warning") {
  return {
    import_run_id: runId,
    file: issue.file,
    line: issue.line,
    column_name: issue.column,
    reason: issue.reason,
    severity,
  };
}
