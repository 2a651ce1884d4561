// Imports started from the web run in the background: the upload answers at once with a job id, and
// the page polls the job for its phase and the rows read so far, then for the report.
//
// The registry lives in the memory of the instance that received the upload (a job is a running
// promise, not data): another instance answers 404 for it. The outcome itself is durable — every
// import records an import_run with its rejections, readable from any instance through
// GET /api/v1/imports/{importRunId} — so behind a load balancer without session affinity a client
// that loses the job can still find its run in the history.
import { randomUUID } from "node:crypto";
import { ImportInputError, type ImportIssue, type ImportReport } from "../../interchange/importReport.js";
import { type ImportTerritory, mayReadImport } from "../../interchange/importTerritory.js";

export type ImportJobStatus = "running" | "succeeded" | "failed";

/** Where a running job is: reading the upload, then importing rows (with what is being read). */
export interface ImportJobProgress {
  phase: "detection" | "import" | "termine";
  /** What is being read: "structures" for an ASP list, the FluxIAE view name for a delivery. */
  what: string | null;
  /** Units done so far: structures written for an ASP list, rows read for FluxIAE; rows read once finished. */
  rowsRead: number;
  /** Units expected, when the importer knows it (structures of an ASP list); null for FluxIAE. */
  total: number | null;
}

export interface ImportJobFailure {
  title: string;
  detail: string;
  /** The file / line / column problems that made the file unimportable (nothing was written). */
  issues: ImportIssue[];
}

export interface ImportJob {
  id: string;
  /** app_user.id of the uploader. */
  ownerId: number | null;
  /** What the import was made for: who may read the job follows from it, as for its run (docs/imports.md). */
  territory: ImportTerritory;
  fileName: string;
  dryRun: boolean;
  status: ImportJobStatus;
  progress: ImportJobProgress;
  startedAt: Date;
  finishedAt: Date | null;
  report: ImportReport | null;
  failure: ImportJobFailure | null;
}

export type ProgressSink = (done: number, total: number | null, what: string) => void;

export interface ImportJobRegistryOptions {
  /** Finished jobs are forgotten after this delay (their import_run stays in the database). */
  keepFinishedMs?: number;
  /** At most this many jobs are remembered; the oldest finished ones go first. */
  maxJobs?: number;
  now?: () => Date;
}

export class ImportJobRegistry {
  private readonly jobs = new Map<string, ImportJob>();
  private readonly pending = new Set<Promise<void>>();
  private readonly keepFinishedMs: number;
  private readonly maxJobs: number;
  private readonly now: () => Date;

  constructor(options: ImportJobRegistryOptions = {}) {
    this.keepFinishedMs = options.keepFinishedMs ?? 60 * 60_000;
    this.maxJobs = options.maxJobs ?? 200;
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Starts `work` in the background and returns the job at once. `work` receives a progress sink;
   * an ImportInputError marks the job failed with its issues, any other error with a generic message
   * (logged through `onUnexpected`). `cleanup` always runs after the work.
   */
  start(
    meta: { ownerId: number | null; territory: ImportTerritory; fileName: string; dryRun: boolean },
    work: (progress: ProgressSink) => Promise<ImportReport>,
    hooks: { cleanup?: () => Promise<void>; onUnexpected?: (error: unknown) => void } = {},
  ): ImportJob {
    this.prune();
    const job: ImportJob = {
      id: randomUUID(),
      ownerId: meta.ownerId,
      territory: meta.territory,
      fileName: meta.fileName,
      dryRun: meta.dryRun,
      status: "running",
      progress: { phase: "detection", what: null, rowsRead: 0, total: null },
      startedAt: this.now(),
      finishedAt: null,
      report: null,
      failure: null,
    };
    this.jobs.set(job.id, job);
    const sink: ProgressSink = (done, total, what) => {
      job.progress = { phase: "import", what, rowsRead: done, total };
    };
    const done = (async () => {
      try {
        const report = await work(sink);
        job.report = report;
        job.status = "succeeded";
        job.progress = { phase: "termine", what: job.progress.what, rowsRead: report.rowsRead, total: report.rowsRead };
      } catch (error) {
        job.status = "failed";
        job.progress = { ...job.progress, phase: "termine" };
        if (error instanceof ImportInputError) {
          job.failure = { title: "Fichier non importable", detail: error.message, issues: error.issues };
        } else {
          hooks.onUnexpected?.(error);
          job.failure = {
            title: "Échec de l'import",
            detail: "L'import a échoué sur une erreur interne ; rien n'a été enregistré. Réessayez ou contactez l'administrateur.",
            issues: [],
          };
        }
      } finally {
        job.finishedAt = this.now();
        await hooks.cleanup?.().catch(() => undefined);
      }
    })();
    this.pending.add(done);
    void done.finally(() => this.pending.delete(done));
    return job;
  }

  /** The job, if it is known here and a reader of imports for `reader` may read it (null: nobody). */
  get(id: string, reader: ImportTerritory | null): ImportJob | undefined {
    const job = this.jobs.get(id);
    if (!job || !mayReadImport(reader, job.territory)) return undefined;
    return job;
  }

  /** Resolves when every job started so far has finished (server shutdown, tests). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private prune(): void {
    const limit = this.now().getTime() - this.keepFinishedMs;
    for (const [id, job] of this.jobs) {
      if (job.finishedAt && job.finishedAt.getTime() < limit) this.jobs.delete(id);
    }
    if (this.jobs.size < this.maxJobs) return;
    const finished = [...this.jobs.values()].filter((j) => j.finishedAt).sort((a, b) => a.finishedAt!.getTime() - b.finishedAt!.getTime());
    for (const job of finished) {
      if (this.jobs.size < this.maxJobs) break;
      this.jobs.delete(job.id);
    }
  }
}
