// What GET /api/v1/imports/jobs/{id} answers, read from the job table (any instance): the shape the
// import page polls (src/contracts/imports.ts ImportJob). A queued job shows as running, phase
// "detection" (what: "en file d'attente"); a job taken back after its instance stopped says so in `what`.
// Who may read a job follows from its territory, as for import runs (docs/imports.md).
import type { Kysely } from "kysely";
import type { ImportJob as ImportJobView } from "../contracts/imports.js";
import type { Database } from "../db/schema.js";
import type { ImportReport } from "../interchange/importReport.js";
import { type ImportTerritory, mayReadImport } from "../interchange/importTerritory.js";
import type { ImportJobPayload, ImportProgress } from "./importJob.js";
import { territoryOfJob } from "./importJob.js";
import { getJob, type Job } from "./queue.js";

/** The import job if `reader` may read it (null reader: nobody); `live`: fresher progress from this instance's worker. */
export async function readImportJob(
  db: Kysely<Database>,
  id: string,
  reader: ImportTerritory | null,
  live?: (id: string) => Record<string, unknown> | undefined,
): Promise<ImportJobView | undefined> {
  const job = await getJob(db, id);
  if (job?.kind !== "import" || !mayReadImport(reader, territoryOfJob(job))) return undefined;
  return importJobView(job, live?.(job.id));
}

export function importJobView(job: Job, liveProgress?: Record<string, unknown>): ImportJobView {
  const payload = job.payload as unknown as ImportJobPayload;
  const progress = { ...(job.progress as Partial<ImportProgress>), ...(liveProgress as Partial<ImportProgress> | undefined) };
  const finished = job.status === "succeeded" || job.status === "failed";
  const what =
    job.status === "queued" ? (progress.note ? `en file d'attente (${progress.note})` : "en file d'attente") : (progress.what ?? null);
  return {
    id: job.id,
    status: job.status === "succeeded" || job.status === "failed" ? job.status : "running",
    fileName: payload.fileName,
    dryRun: payload.dryRun,
    startedAt: (job.startedAt ?? job.createdAt).toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
    phase: finished ? "termine" : job.status === "queued" ? "detection" : (progress.phase ?? "detection"),
    what,
    rowsRead: progress.rowsRead ?? 0,
    total: progress.total ?? null,
    report: job.status === "succeeded" ? (job.result as ImportReport) : null,
    error: job.error ? { title: job.error.title, detail: job.error.detail, rejections: job.error.issues } : null,
  };
}
