// What GET /api/v1/jobs/{id} answers for a job producing a file (a report): read from the job table (any
// instance), with the fresher progress of this instance's worker when it runs the job. A job is found only
// if the reader passes the policy its creation passed, on the same target (another territory's user gets
// the same 404 as for an unknown id).
import type { Kysely } from "kysely";
import type { JobView } from "../contracts/jobs.js";
import type { Database } from "../db/schema.js";
import { authorize } from "../server/auth/policies.js";
import type { Principal } from "../server/auth/principal.js";
import { getJob, type Job } from "./queue.js";
import type { FichesJobResult, FichesSalarieJobPayload } from "./fichesSalarieJob.js";
import type { FileJobProgress, JobAccess, JobFileResult } from "./jobResult.js";
import { REPORT_JOB_STEPS, type ReportJobPayload } from "./reportJob.js";

/** The kinds of job producing a file, read on /api/v1/jobs (imports have their own routes). */
const FILE_JOB_KINDS = new Set<Job["kind"]>(["report", "fiches_salarie"]);
type FileJobKind = JobView["kind"];

/** The job `id` producing a file if `reader` may read it, else undefined. */
export async function findReadableJob(db: Kysely<Database>, reader: Principal | null, id: string): Promise<Job | undefined> {
  const job = await getJob(db, id);
  if (!job || !FILE_JOB_KINDS.has(job.kind)) return undefined;
  const { access } = job.payload as unknown as { access: JobAccess };
  const decision = await authorize(db, reader, access.policy, access.target);
  return decision.allow ? job : undefined;
}

export async function readJobView(
  db: Kysely<Database>,
  reader: Principal | null,
  id: string,
  live?: (id: string) => Record<string, unknown> | undefined,
): Promise<JobView | undefined> {
  const job = await findReadableJob(db, reader, id);
  return job ? jobView(job, live?.(job.id)) : undefined;
}

const FORMAT_LABEL = { html: "HTML", pdf: "PDF", csv: "CSV", xlsx: "XLSX" } as const;

function reportLabel(p: ReportJobPayload): string {
  const where = p.scope.type === "nation" ? "national" : `${p.scope.type === "region" ? "région" : "département"} ${p.scope.code}`;
  return `Rapport annuel ${p.year} — ${where} (${FORMAT_LABEL[p.format]})`;
}

function fichesLabel(p: FichesSalarieJobPayload): string {
  return `Fiches salarié à envoyer à l'ASP — structure n° ${p.structureId}`;
}

export function jobView(job: Job, liveProgress?: Record<string, unknown>): JobView {
  const progress = { ...(job.progress as Partial<FileJobProgress>), ...(liveProgress as Partial<FileJobProgress> | undefined) };
  const kind = job.kind as FileJobKind;
  const fiches = kind === "fiches_salarie";
  const file = job.status === "succeeded" ? (job.result as JobFileResult) : null;
  // The stored result keeps only the file's fields in the view, plus the counts of a fiches export.
  const result = file
    ? {
        fileName: file.fileName,
        contentType: file.contentType,
        size: file.size,
        ...(fiches ? { fiches: { sent: (file as FichesJobResult).sent, invalid: (file as FichesJobResult).invalid } } : {}),
      }
    : null;
  return {
    id: job.id,
    kind,
    status: job.status,
    label: fiches
      ? fichesLabel(job.payload as unknown as FichesSalarieJobPayload)
      : reportLabel(job.payload as unknown as ReportJobPayload),
    progress: {
      step: job.status === "queued" ? "en file d'attente" : (progress.step ?? null),
      done: progress.done ?? 0,
      total: progress.total ?? (fiches ? 1 : REPORT_JOB_STEPS),
    },
    createdAt: job.createdAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
    result: result ? { ...result, url: `/api/v1/jobs/${job.id}/result` } : null,
    error: job.error ? { title: job.error.title, detail: job.error.detail } : null,
  };
}
