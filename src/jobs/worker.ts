// Every app instance runs one JobWorker: it claims due jobs (up to `concurrency` at once), runs them
// with the handler of their kind, renews their lease while they run (storing the progress), and
// finishes them succeeded or failed. Between polls it holds no connection; a local enqueue wakes it at
// once. Each tick also takes back the jobs whose holder died (lease run out) — on PGlite, at start,
// every job left running by the previous process (the data folder lock proves it is gone).
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import type { DatabaseHandle } from "../db/connection.js";
import type { JobKind } from "../db/schema.js";
import { claimJob, finishJob, handBackJobs, type Job, type JobFailure, pruneFinishedJobs, reapAbandonedJobs, renewLease } from "./queue.js";

/** A failure to show as such (title, detail, issues); any other error shows a generic message. */
export class JobFailedError extends Error {
  constructor(readonly failure: JobFailure) {
    super(failure.detail);
    this.name = "JobFailedError";
  }
}

export interface JobContext {
  /** Replaces the job's progress (stored with the next lease renewal, at most every second). */
  progress(progress: Record<string, unknown>): void;
  workerId: string;
}

export type JobHandler = (job: Job, ctx: JobContext) => Promise<unknown>;

export interface JobWorkerOptions {
  concurrency?: number;
  /** Poll interval when idle. */
  pollMs?: number;
  /** A job whose lease is not renewed within this delay is taken back by another instance. */
  leaseMs?: number;
  /** How often the progress and lease are written. */
  progressMs?: number;
  /** Finished jobs are deleted after this many days. */
  keepDays?: number;
  workerId?: string;
  log?: (level: "info" | "warn" | "error", message: string, error?: unknown) => void;
  /** Called after a job ends (metrics). */
  onFinished?: (job: Job, status: "succeeded" | "failed", ms: number, result: unknown) => void;
}

interface Running {
  job: Job;
  progress: Record<string, unknown>;
  dirty: boolean;
  done: Promise<void>;
}

export class JobWorker {
  readonly workerId: string;
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly progressMs: number;
  private readonly keepDays: number;
  private readonly running = new Map<string, Running>();
  private timer: NodeJS.Timeout | null = null;
  private beat: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private wakeRequested = false;
  private stopped = true;
  private lastMaintenance = 0;
  private lastRenewal = 0;
  private beating = false;

  constructor(
    private readonly handle: DatabaseHandle,
    private readonly handlers: Partial<Record<JobKind, JobHandler>>,
    private readonly options: JobWorkerOptions = {},
  ) {
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.concurrency = options.concurrency ?? (handle.engine === "pglite" ? 1 : 2);
    this.pollMs = options.pollMs ?? 2000;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.progressMs = options.progressMs ?? 1000;
    this.keepDays = options.keepDays ?? 30;
  }

  /** Starts polling. On PGlite, first takes back every job a previous process left running. */
  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    if (this.handle.engine === "pglite") {
      const taken = await reapAbandonedJobs(this.handle, this.workerId, { holderGone: true });
      this.logTaken(taken);
    }
    this.beat = setInterval(() => void this.heartbeat(), this.progressMs);
    this.beat.unref();
    this.wake();
  }

  /** Polls now (a job was just enqueued here). */
  wake(): void {
    if (this.stopped) return;
    if (this.ticking) {
      this.wakeRequested = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.ticking = this.tick().finally(() => {
      this.ticking = null;
      if (this.stopped) return;
      if (this.wakeRequested) {
        this.wakeRequested = false;
        this.wake();
        return;
      }
      this.timer = setTimeout(() => this.wake(), this.pollMs);
      this.timer.unref();
    });
  }

  /** The live progress of a job running here (fresher than the stored one). */
  liveProgress(id: string): Record<string, unknown> | undefined {
    return this.running.get(id)?.progress;
  }

  /** A job running here, with its live progress (read without the database, busy on PGlite during an import). */
  runningJob(id: string): { job: Job; progress: Record<string, unknown> } | undefined {
    const entry = this.running.get(id);
    return entry ? { job: entry.job, progress: entry.progress } : undefined;
  }

  get runningCount(): number {
    return this.running.size;
  }

  /**
   * Stops claiming. Waits up to `graceMs` for the running jobs; those still running are handed back to
   * the queue (another instance, or this one restarted, runs them again) — unless `handBack` is false.
   */
  async stop(options: { graceMs?: number; handBack?: boolean } = {}): Promise<{ handedBack: string[] }> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.ticking;
    const graceMs = options.graceMs ?? 0;
    const all = Promise.all([...this.running.values()].map((r) => r.done));
    if (graceMs > 0) await Promise.race([all, new Promise((r) => setTimeout(r, graceMs).unref())]);
    if (this.beat) clearInterval(this.beat);
    this.beat = null;
    if (this.running.size === 0 || options.handBack === false) {
      if (options.handBack === false) await all;
      return { handedBack: [] };
    }
    // The jobs still running are abandoned: their transactions end with the connection (rolled back).
    const handedBack = await handBackJobs(this.handle.db, this.workerId);
    for (const id of handedBack) this.running.delete(id);
    return { handedBack };
  }

  private async tick(): Promise<void> {
    try {
      const now = Date.now();
      if (now - this.lastMaintenance >= this.leaseMs / 2) {
        this.lastMaintenance = now;
        this.logTaken(await reapAbandonedJobs(this.handle, this.workerId));
        await pruneFinishedJobs(this.handle.db, this.keepDays);
      }
      const kinds = Object.keys(this.handlers) as JobKind[];
      while (!this.stopped && this.running.size < this.concurrency) {
        const job = await claimJob(this.handle.db, this.workerId, kinds, this.leaseMs);
        if (!job) break;
        this.run(job);
      }
    } catch (error) {
      this.options.log?.("error", "file des tâches : interrogation en échec", error);
    }
  }

  private run(job: Job): void {
    const entry: Running = { job, progress: { ...job.progress }, dirty: false, done: Promise.resolve() };
    this.running.set(job.id, entry);
    const started = Date.now();
    const ctx: JobContext = {
      workerId: this.workerId,
      progress: (p) => {
        entry.progress = p;
        entry.dirty = true;
      },
    };
    entry.done = (async () => {
      let outcome: Parameters<typeof finishJob>[3];
      let result: unknown = null;
      try {
        const handler = this.handlers[job.kind];
        if (!handler) throw new Error(`aucun gestionnaire pour les tâches ${job.kind}`);
        result = await handler(job, ctx);
        outcome = { status: "succeeded", result, progress: entry.progress };
      } catch (error) {
        if (!(error instanceof JobFailedError)) this.options.log?.("error", `tâche ${job.kind} ${job.id} en échec`, error);
        const failure: JobFailure =
          error instanceof JobFailedError
            ? error.failure
            : {
                title: "Échec de la tâche",
                detail: "La tâche a échoué sur une erreur interne ; rien n'a été enregistré. Réessayez ou contactez l'administrateur.",
                issues: [],
              };
        outcome = { status: "failed", error: failure, progress: entry.progress };
      }
      // A stopped worker that handed the job back does not finish it.
      if (!this.running.has(job.id)) return;
      try {
        const mine = await finishJob(this.handle, job.id, this.workerId, outcome);
        if (!mine) this.options.log?.("warn", `tâche ${job.id} : reprise par une autre instance avant la fin (bail expiré)`);
        this.options.onFinished?.(job, outcome.status, Date.now() - started, result);
      } catch (error) {
        this.options.log?.("error", `tâche ${job.id} : fin non enregistrée`, error);
      } finally {
        this.running.delete(job.id);
        this.wake();
      }
    })();
  }

  /** Renews the leases of the running jobs and stores changed progress; one write in flight at most. */
  private async heartbeat(): Promise<void> {
    if (this.beating || this.running.size === 0) return;
    this.beating = true;
    try {
      const renewDue = Date.now() - this.lastRenewal >= this.leaseMs / 3;
      for (const entry of this.running.values()) {
        if (!entry.dirty && !renewDue) continue;
        entry.dirty = false;
        const mine = await renewLease(this.handle.db, entry.job.id, this.workerId, this.leaseMs, entry.progress);
        if (!mine && this.running.has(entry.job.id)) this.options.log?.("warn", `tâche ${entry.job.id} : bail perdu`);
      }
      if (renewDue) this.lastRenewal = Date.now();
    } catch (error) {
      this.options.log?.("warn", "file des tâches : renouvellement du bail en échec", error);
    } finally {
      this.beating = false;
    }
  }

  private logTaken(taken: { requeued: string[]; failed: string[] }): void {
    if (taken.requeued.length > 0)
      this.options.log?.("warn", `tâches reprises après l'arrêt de leur instance : ${taken.requeued.join(", ")}`);
    if (taken.failed.length > 0) this.options.log?.("warn", `tâches en échec après l'arrêt de leur instance : ${taken.failed.join(", ")}`);
  }
}
