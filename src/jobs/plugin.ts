// Wires the job queue into the application: every app instance runs a worker (imports, retention, reports, fiches salarié)
// and the scheduler (nightly retention, FluxIAE drop folder), both started when the app is ready and
// stopped when it closes — running jobs get `shutdownGraceMs` to finish, then go back to the queue.
// Routes reach them as `app.jobs`. Metrics (src/server/metrics.ts) count the jobs and imported rows.
import type { App, AppContext } from "../server/context.js";
import type { AppMetrics } from "../server/metrics.js";
import { fichesSalarieJobHandler } from "./fichesSalarieJob.js";
import { importJobHandler } from "./importJob.js";
import { reportJobHandler } from "./reportJob.js";
import { JobScheduler, retentionJobHandler, type ScheduleConfig, scheduleConfigFromEnv } from "./schedule.js";
import { JobWorker } from "./worker.js";

declare module "fastify" {
  interface FastifyInstance {
    jobs: JobWorker;
  }
}

export interface JobsConfig {
  /** Run jobs in this instance (default true). */
  worker?: boolean;
  concurrency?: number;
  pollMs?: number;
  leaseMs?: number;
  /** How long a closing app waits for its running jobs before handing them back. */
  shutdownGraceMs?: number;
  /** null: no scheduled work; undefined: from the environment. */
  schedule?: ScheduleConfig | null;
  workerId?: string;
}

function numberFromEnv(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} : nombre positif attendu (reçu « ${raw} »)`);
  return n;
}

/** PASSERELLE_JOB_CONCURRENCY, PASSERELLE_JOB_LEASE (s), PASSERELLE_SHUTDOWN_GRACE (s), PASSERELLE_JOBS=off. */
export function jobsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): JobsConfig {
  return {
    worker: env.PASSERELLE_JOBS !== "off",
    ...(env.PASSERELLE_JOB_CONCURRENCY ? { concurrency: Math.floor(numberFromEnv("PASSERELLE_JOB_CONCURRENCY", 2, env)) } : {}),
    leaseMs: numberFromEnv("PASSERELLE_JOB_LEASE", 30, env) * 1000,
    shutdownGraceMs: numberFromEnv("PASSERELLE_SHUTDOWN_GRACE", 20, env) * 1000,
    schedule: scheduleConfigFromEnv(env),
  };
}

export function installJobs(app: App, ctx: AppContext, metrics: AppMetrics): JobWorker {
  const config: JobsConfig = ctx.config.jobs ?? jobsConfigFromEnv();
  const log = (level: "info" | "warn" | "error", message: string, error?: unknown) => app.log[level](error ? { err: error } : {}, message);
  const worker = new JobWorker(
    ctx.handle,
    {
      import: importJobHandler(ctx.handle, ctx.pii, metrics),
      retention: retentionJobHandler(ctx.handle),
      report: reportJobHandler(ctx.handle),
      fiches_salarie: fichesSalarieJobHandler(ctx.handle, ctx.pii, () => ctx.clock.now()),
    },
    {
      ...(config.concurrency ? { concurrency: config.concurrency } : {}),
      ...(config.pollMs ? { pollMs: config.pollMs } : {}),
      ...(config.leaseMs ? { leaseMs: config.leaseMs } : {}),
      ...(config.workerId ? { workerId: config.workerId } : {}),
      log,
      onFinished: (job, status, ms) => metrics.jobFinished(job, status, ms),
    },
  );
  const scheduler = config.schedule
    ? new JobScheduler(ctx.handle, config.schedule, {
        onEnqueued: () => worker.wake(),
        log: (message, error) => log(error ? "error" : "info", message, error),
      })
    : null;
  app.decorate("jobs", worker);
  if (config.worker !== false) {
    app.addHook("onReady", async () => {
      await worker.start();
      scheduler?.start();
    });
  }
  app.addHook("onClose", async () => {
    scheduler?.stop();
    const { handedBack } = await worker.stop({ graceMs: config.shutdownGraceMs ?? 30_000 });
    if (handedBack.length > 0) app.log.warn(`tâches rendues à la file à l'arrêt : ${handedBack.join(", ")}`);
  });
  return worker;
}
