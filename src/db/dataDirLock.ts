// Exclusive lock on the embedded data folder (two PGlite processes on one folder were measured to lose
// data silently). The lock is a file created with O_EXCL beside the folder, recording who holds it:
// pid, the process's start time, host name and kernel boot id. A lock is taken over only when its
// holder is provably gone:
//   - same kernel (boot id) and same host: the pid no longer runs, or runs a process started at another
//     time (a container restarted with the same pid — even our own — is not the holder);
//   - another boot of this machine (boot id differs, same host): the holder died with that boot;
//   - another host or container (pid numbers mean nothing here): the holder refreshes the file's time
//     every HEARTBEAT_MS; a lock not refreshed for STALE_AFTER_MS is stale.
// Within one process, a second open of the same folder is refused (the registry below).
import { closeSync, openSync, readFileSync, statSync, unlinkSync, utimesSync, writeSync } from "node:fs";
import { hostname } from "node:os";

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

export interface LockHolder {
  pid: number;
  host: string;
  bootId: string | null;
  /** Start time of the process in clock ticks since boot (/proc/<pid>/stat field 22), when known. */
  startTicks: string | null;
  since: string;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holderPid: number,
    readonly lockPath: string,
    reason = "",
  ) {
    super(
      `Le dossier de données ${dataDir} est déjà utilisé par un autre processus Passerelle (pid ${holderPid}${reason}, verrou ${lockPath}). ` +
        `Arrêtez ce processus, ou choisissez un autre dossier avec PASSERELLE_DATA_DIR, ou utilisez PostgreSQL (DATABASE_URL).`,
    );
    this.name = "DataDirLockedError";
  }
}

export const HEARTBEAT_MS = 15_000;
export const STALE_AFTER_MS = 120_000;

const heldInThisProcess = new Set<string>();

function readOr<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}

export function currentBootId(): string | null {
  return readOr(() => readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim() || null, null);
}

/** Field 22 of /proc/<pid>/stat (after the parenthesised command name, which may hold spaces). */
export function processStartTicks(pid: number): string | null {
  return readOr(() => {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19] ?? null; // field 22 overall = index 19 after pid and comm
  }, null);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function thisProcessHolder(now: Date = new Date()): LockHolder {
  return {
    pid: process.pid,
    host: hostname(),
    bootId: currentBootId(),
    startTicks: processStartTicks(process.pid),
    since: now.toISOString(),
  };
}

/** Why the recorded holder may still be running, or null when it is provably gone. */
export function holderMayBeAlive(holder: Partial<LockHolder>, lockAgeMs: number, self: LockHolder = thisProcessHolder()): string | null {
  const pid = Number(holder.pid ?? 0);
  if (!Number.isInteger(pid) || pid <= 0) return null; // unreadable or half-written lock
  const sameHost = holder.host === self.host;
  const sameBoot = holder.bootId != null && holder.bootId === self.bootId;
  if (sameHost && holder.bootId != null && self.bootId != null && !sameBoot) return null; // machine rebooted since
  if (sameHost && (sameBoot || holder.bootId == null)) {
    if (!isAlive(pid)) return null;
    const start = processStartTicks(pid);
    if (holder.startTicks != null && start != null && start !== holder.startTicks) return null; // pid reused
    if (pid === self.pid && holder.startTicks == null) return null; // our own pid, and we hold nothing
    return "";
  }
  // Another host or container: only the heartbeat tells.
  return lockAgeMs < STALE_AFTER_MS
    ? `, sur ${holder.host ?? "un autre hôte"}, verrou rafraîchi il y a ${Math.round(lockAgeMs / 1000)} s`
    : null;
}

export function acquireDataDirLock(dataDir: string): DataDirLock {
  const lockPath = `${dataDir}.lock`;
  if (heldInThisProcess.has(lockPath)) throw new DataDirLockedError(dataDir, process.pid, lockPath, ", ce processus même");
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(lockPath, "wx", 0o600);
      writeSync(fd, JSON.stringify(thisProcessHolder()));
      closeSync(fd);
      heldInThisProcess.add(lockPath);
      const heartbeat = setInterval(() => {
        readOr(() => {
          const now = new Date();
          utimesSync(lockPath, now, now);
        }, undefined);
      }, HEARTBEAT_MS);
      heartbeat.unref();
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        clearInterval(heartbeat);
        heldInThisProcess.delete(lockPath);
        readOr(() => {
          const holder = JSON.parse(readFileSync(lockPath, "utf8")) as Partial<LockHolder>;
          if (holder.pid === process.pid && holder.host === hostname()) unlinkSync(lockPath);
        }, undefined);
      };
      process.once("exit", release);
      return { path: lockPath, release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = readOr(() => JSON.parse(readFileSync(lockPath, "utf8")) as Partial<LockHolder>, {});
      const ageMs = readOr(() => Date.now() - statSync(lockPath).mtimeMs, Number.POSITIVE_INFINITY);
      const alive = holderMayBeAlive(holder, ageMs);
      if (alive !== null) throw new DataDirLockedError(dataDir, Number(holder.pid ?? 0), lockPath, alive);
      // The holder is provably gone: remove its lock and retry.
      readOr(() => unlinkSync(lockPath), undefined);
    }
  }
  throw new Error(`Impossible de prendre le verrou ${lockPath}`);
}
