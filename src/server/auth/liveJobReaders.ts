// On PGlite the database has one connection, held by an import's transaction for the whole import: a
// request polling that import's progress would wait for the end — session lookup included — and the page's
// progress would not move. So the instance remembers the session that uploaded a background import, and
// while that job runs HERE, a poll of its status carrying that same session is answered from memory: the
// principal as validated at upload time, the progress from the worker (routes/imports.ts). Nothing else is
// answered this way (one route, one session, one running job); once the job ends, every request goes
// through the database again. On PostgreSQL the pool has other connections: not used.
// The remembered session is not read again from the database (it is busy), so it is checked here: past its
// expiry or idle limit as loaded at upload time, it is no longer answered from memory; a logout (or "log out
// everywhere") by that user forgets it before its request waits for the database — the poll then waits too,
// and gets the database's answer (401). A revocation by someone else (an administrator disabling the
// account) is a database write: it waits for the import's end, as every other request does on PGlite.
import type { SessionInfo } from "./sessions.js";

/** A remembered job that is not running here after this long (queued, or run elsewhere) is forgotten. */
const STALE_MS = 10 * 60_000;

export class LiveJobReaders {
  private readonly readers = new Map<string, { session: SessionInfo; at: number }>();

  remember(jobId: string, session: SessionInfo, isRunning: (jobId: string) => boolean): void {
    // Forget the jobs that are over or never ran here (the map stays as small as this instance's jobs).
    const now = Date.now();
    for (const [id, entry] of this.readers) if (!isRunning(id) && now - entry.at > STALE_MS) this.readers.delete(id);
    this.readers.set(jobId, { session, at: now });
  }

  /**
   * The uploader's session if `sessionId` is it and it is still valid at `now`; undefined otherwise (the
   * caller checks that the job runs here).
   */
  sessionFor(jobId: string, sessionId: string, now: Date): SessionInfo | undefined {
    const entry = this.readers.get(jobId);
    if (entry?.session.sessionId !== sessionId) return undefined;
    if (now.getTime() >= entry.session.validUntil.getTime()) {
      this.readers.delete(jobId);
      return undefined;
    }
    return entry.session;
  }

  /** A logout with session `sessionId`: forgets it, and every remembered session of the same user. */
  endSessionsOf(sessionId: string): void {
    const users = new Set(
      [...this.readers.values()].filter((e) => e.session.sessionId === sessionId).map((e) => e.session.principal.userId),
    );
    for (const [id, entry] of this.readers) {
      if (entry.session.sessionId === sessionId || users.has(entry.session.principal.userId)) this.readers.delete(id);
    }
  }

  forget(jobId: string): void {
    this.readers.delete(jobId);
  }
}
