// Exclusive lock on the embedded data folder (design §1: two PGlite processes on one folder were
// measured to lose data silently). The lock is a pid file created with O_EXCL beside the folder;
// a lock left by a dead process (kill -9, power cut) is detected and taken over.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holderPid: number,
    readonly lockPath: string,
  ) {
    super(
      `Le dossier de données ${dataDir} est déjà utilisé par un autre processus Passerelle (pid ${holderPid}, verrou ${lockPath}). ` +
        `Arrêtez ce processus, ou choisissez un autre dossier avec PASSERELLE_DATA_DIR, ou utilisez PostgreSQL (DATABASE_URL).`,
    );
    this.name = "DataDirLockedError";
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function acquireDataDirLock(dataDir: string): DataDirLock {
  const lockPath = `${dataDir}.lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(lockPath, "wx", 0o600);
      writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          const holder = JSON.parse(readFileSync(lockPath, "utf8")) as { pid?: number };
          if (holder.pid === process.pid) unlinkSync(lockPath);
        } catch {
          // already gone
        }
      };
      process.once("exit", release);
      return { path: lockPath, release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      let holderPid = 0;
      try {
        holderPid = Number((JSON.parse(readFileSync(lockPath, "utf8")) as { pid?: number }).pid ?? 0);
      } catch {
        holderPid = 0; // unreadable or half-written lock: treat as stale
      }
      if (holderPid > 0 && holderPid !== process.pid && isAlive(holderPid)) {
        throw new DataDirLockedError(dataDir, holderPid, lockPath);
      }
      if (holderPid === process.pid) throw new DataDirLockedError(dataDir, holderPid, lockPath);
      // Stale lock from a process that no longer exists: remove it and retry.
      try {
        unlinkSync(lockPath);
      } catch {
        // someone else removed it
      }
    }
  }
  throw new Error(`Impossible de prendre le verrou ${lockPath}`);
}
