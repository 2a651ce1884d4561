// The "import" job: a file uploaded through the web (or found in the FluxIAE drop folder) stored with
// the job, imported by whichever instance claims it — the same importPath as the command line, in one
// transaction. The import's own record (import_run, its rejections) is written by the importer; the
// job keeps the phase and rows read while it runs, then the report or the failure.
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { DatabaseHandle } from "../db/connection.js";
import type { Actor } from "../db/audit.js";
import { importPath } from "../interchange/importPath.js";
import { ImportInputError, type ImportReport } from "../interchange/importReport.js";
import { type ImportTerritory, NATION } from "../interchange/importTerritory.js";
import type { PersonalDataCipher } from "../security/personalData.js";
import { enqueueJob, type Job, readJobFile } from "./queue.js";
import { JobFailedError, type JobHandler } from "./worker.js";

export interface ImportJobPayload {
  fileName: string;
  dryRun: boolean;
  actor: Actor;
}

/** Where a running import is (the web page shows it). */
export interface ImportProgress {
  phase: "detection" | "import" | "termine";
  what: string | null;
  rowsRead: number;
  total: number | null;
  /** Set when the job was taken back after its instance stopped. */
  note?: string;
}

export function territoryOfJob(job: Pick<Job, "departementCode">): ImportTerritory {
  return job.departementCode === null ? NATION : { kind: "departement", code: job.departementCode };
}

/** Enqueues the import of a file on local disk; the file is copied into the database with the job. */
export async function enqueueImport(
  handle: DatabaseHandle,
  input: { filePath: string; fileName: string; dryRun: boolean; actor: Actor; territory: ImportTerritory; dedupeKey?: string },
): Promise<string | null> {
  const payload: ImportJobPayload = { fileName: input.fileName, dryRun: input.dryRun, actor: input.actor };
  return enqueueJob(handle, {
    kind: "import",
    payload: payload as unknown as Record<string, unknown>,
    ownerId: input.actor.userId,
    departementCode: input.territory.kind === "nation" ? null : input.territory.code,
    filePath: input.filePath,
    ...(input.dedupeKey ? { dedupeKey: input.dedupeKey } : {}),
  });
}

export function importJobHandler(
  handle: DatabaseHandle,
  pii: PersonalDataCipher | null,
  metrics?: { rowsImported(n: number): void },
): JobHandler {
  return async (job, ctx) => {
    const payload = job.payload as unknown as ImportJobPayload;
    let progress: ImportProgress = { phase: "detection", what: null, rowsRead: 0, total: null };
    ctx.progress({ ...progress });
    const dir = await mkdtemp(path.join(tmpdir(), "passerelle-job-"));
    try {
      const file = path.join(dir, payload.fileName.replace(/[^\w.-]+/g, "_") || "fichier");
      await pipeline(Readable.from(readJobFile(handle.db, job.id)), createWriteStream(file));
      let report: ImportReport;
      try {
        report = await importPath(handle, file, {
          dryRun: payload.dryRun,
          actor: payload.actor,
          territory: territoryOfJob(job),
          originalName: payload.fileName,
          pii,
          onProgress: (done, total, what) => {
            progress = { phase: "import", what, rowsRead: done, total };
            ctx.progress({ ...progress });
          },
        });
      } catch (error) {
        if (error instanceof ImportInputError) {
          ctx.progress({ ...progress, phase: "termine" });
          throw new JobFailedError({ title: "Fichier non importable", detail: error.message, issues: error.issues });
        }
        throw error;
      }
      if (report.importRunId !== null && payload.actor.userId !== null) {
        await handle.db
          .updateTable("import_run")
          .set({ user_id: payload.actor.userId })
          .where("id", "=", report.importRunId)
          .where("user_id", "is", null)
          .execute();
      }
      metrics?.rowsImported(report.rowsRead);
      ctx.progress({ phase: "termine", what: progress.what, rowsRead: report.rowsRead, total: report.rowsRead });
      return report;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
}
