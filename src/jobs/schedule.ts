// Scheduled work, enqueued by every instance and run once (a dedupe key per occurrence):
//  - the nightly retention (src/security/retention.ts) after PASSERELLE_RETENTION_HOUR (Paris time,
//    default 3), in the mode PASSERELLE_RETENTION_SCHEDULE says: "off" (default), "dry" (report only)
//    or "wet" (anonymise and purge, as `passerelle retention --wet-run`);
//  - the FluxIAE drop folder PASSERELLE_FLUXIAE_DROP_DIR, scanned every PASSERELLE_FLUXIAE_DROP_INTERVAL
//    seconds (default 300): each file left untouched for a minute (the ASP's weekly delivery, one archive
//    or view file) is enqueued as a national import (dedupe key: its SHA-256) and moved to « importés/ ».
// docs/deploy.md describes both.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, readdir, rename, stat } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type { DatabaseHandle } from "../db/connection.js";
import { parisDay, parisParts } from "../domain/calendar/parisTime.js";
import { NATION } from "../interchange/importTerritory.js";
import { rejectionRetentionDaysFromEnv, runRetention } from "../security/retention.js";
import { enqueueImport } from "./importJob.js";
import { enqueueJob } from "./queue.js";
import type { JobHandler } from "./worker.js";

export type RetentionMode = "off" | "dry" | "wet";

export interface ScheduleConfig {
  retention: RetentionMode;
  /** Hour of the day (Paris) from which the day's retention is enqueued. */
  retentionHour: number;
  /** FluxIAE drop folder, or null. */
  dropDir: string | null;
  dropIntervalMs: number;
  /** A dropped file is taken once it has not changed for this long (still being copied otherwise). */
  dropSettleMs: number;
}

export function scheduleConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ScheduleConfig {
  const retention = (env.PASSERELLE_RETENTION_SCHEDULE ?? "off").trim() || "off";
  if (retention !== "off" && retention !== "dry" && retention !== "wet") {
    throw new Error(`PASSERELLE_RETENTION_SCHEDULE : « off », « dry » ou « wet » attendu (reçu « ${retention} »)`);
  }
  const hour = Number(env.PASSERELLE_RETENTION_HOUR ?? 3);
  if (!Number.isInteger(hour) || hour < 0 || hour > 23)
    throw new Error(`PASSERELLE_RETENTION_HOUR : heure 0–23 attendue (reçu « ${env.PASSERELLE_RETENTION_HOUR} »)`);
  const interval = Number(env.PASSERELLE_FLUXIAE_DROP_INTERVAL ?? 300);
  if (!Number.isFinite(interval) || interval <= 0)
    throw new Error(`PASSERELLE_FLUXIAE_DROP_INTERVAL : nombre de secondes attendu (reçu « ${env.PASSERELLE_FLUXIAE_DROP_INTERVAL} »)`);
  return {
    retention,
    retentionHour: hour,
    dropDir: env.PASSERELLE_FLUXIAE_DROP_DIR ? path.resolve(env.PASSERELLE_FLUXIAE_DROP_DIR) : null,
    dropIntervalMs: interval * 1000,
    dropSettleMs: 60_000,
  };
}

const parisClock = (now: Date) => ({ date: parisDay(now), hour: Number(parisParts(now).hour) });

/** The retention job: the mode is the payload's (fixed when it was enqueued). Result: counts only. */
export function retentionJobHandler(handle: DatabaseHandle, env: NodeJS.ProcessEnv = process.env): JobHandler {
  return async (job) => {
    const payload = job.payload as { today: string; wetRun: boolean };
    const report = await runRetention(handle, {
      today: payload.today,
      now: new Date(),
      wetRun: payload.wetRun,
      rejectionRetentionDays: rejectionRetentionDaysFromEnv(env),
    });
    return {
      dryRun: report.dryRun,
      today: report.today,
      cutoff: report.cutoff,
      candidates: report.candidates,
      anonymised: report.anonymised,
      rejectionsPurged: report.rejectionsPurged,
    };
  };
}

/** Enqueues today's retention once it is time (null when already enqueued, or off, or too early). */
export async function enqueueDueRetention(handle: DatabaseHandle, config: ScheduleConfig, now: Date): Promise<string | null> {
  if (config.retention === "off") return null;
  const paris = parisClock(now);
  if (paris.hour < config.retentionHour) return null;
  return enqueueJob(handle, {
    kind: "retention",
    payload: { today: paris.date, wetRun: config.retention === "wet" },
    dedupeKey: `retention:${paris.date}`,
    maxAttempts: 3,
  });
}

/** Enqueues each settled file of the drop folder (once per content) and moves it to « importés/ ». */
export async function scanDropFolder(
  handle: DatabaseHandle,
  config: ScheduleConfig,
  now: Date,
): Promise<{ enqueued: string[]; alreadyQueued: string[] }> {
  const out = { enqueued: [] as string[], alreadyQueued: [] as string[] };
  if (!config.dropDir) return out;
  const done = path.join(config.dropDir, "importés");
  let entries: string[];
  try {
    entries = await readdir(config.dropDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return out;
    throw error;
  }
  for (const name of entries.sort()) {
    if (name.startsWith(".")) continue;
    const file = path.join(config.dropDir, name);
    const info = await stat(file).catch(() => null);
    if (!info?.isFile() || now.getTime() - info.mtimeMs < config.dropSettleMs) continue;
    const hash = createHash("sha256");
    await pipeline(createReadStream(file), hash);
    const checksum = hash.digest("hex");
    const id = await enqueueImport(handle, {
      filePath: file,
      fileName: name,
      dryRun: false,
      actor: { userId: null, label: "import" },
      territory: NATION,
      dedupeKey: `fluxiae-drop:${checksum}`,
    });
    (id ? out.enqueued : out.alreadyQueued).push(name);
    await mkdir(done, { recursive: true });
    // Another instance watching the same folder may have moved it first.
    await rename(file, path.join(done, `${now.toISOString().slice(0, 19).replace(/:/g, "-")}_${name}`)).catch(() => undefined);
  }
  return out;
}

/** Runs the two checks on timers (unref'd); `onEnqueued` wakes the local worker. */
export class JobScheduler {
  private timers: NodeJS.Timeout[] = [];
  constructor(
    private readonly handle: DatabaseHandle,
    private readonly config: ScheduleConfig,
    private readonly hooks: { onEnqueued: () => void; log: (message: string, error?: unknown) => void; now?: () => Date },
  ) {}

  start(): void {
    const now = this.hooks.now ?? (() => new Date());
    if (this.config.retention !== "off") {
      this.every(60_000, async () => {
        if (await enqueueDueRetention(this.handle, this.config, now())) this.hooks.onEnqueued();
      });
    }
    if (this.config.dropDir) {
      this.every(this.config.dropIntervalMs, async () => {
        const { enqueued } = await scanDropFolder(this.handle, this.config, now());
        if (enqueued.length > 0) {
          this.hooks.log(`dossier de dépôt FluxIAE : ${enqueued.length} fichier(s) mis en file d'import`);
          this.hooks.onEnqueued();
        }
      });
    }
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  private every(ms: number, task: () => Promise<void>): void {
    let busy = false;
    const run = async () => {
      if (busy) return;
      busy = true;
      try {
        await task();
      } catch (error) {
        this.hooks.log("tâche planifiée en échec", error);
      } finally {
        busy = false;
      }
    };
    const timer = setInterval(() => void run(), ms);
    timer.unref();
    this.timers.push(timer);
    void run();
  }
}
