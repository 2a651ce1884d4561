// On PGlite the database has one connection, held by an import's transaction for the whole import: a
// request polling that import's progress would wait for the end — session lookup included — and the page's
// progress would not move. So the instance remembers the session that uploaded a background import, and
// while that job runs HERE, a poll of its status carrying that same session is answered from memory: the
// principal as validated at upload time, the progress from the worker (routes/imports.ts). Nothing else is
// answered this way (one route, one session, one running job); once the job ends, every request goes
// through the database again. On PostgreSQL the pool has other connections: not used.
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

  /** The uploader's session if `sessionId` is it; undefined otherwise (the caller checks that the job runs here). */
  sessionFor(jobId: string, sessionId: string): SessionInfo | undefined {
    const entry = this.readers.get(jobId);
    return entry?.session.sessionId === sessionId ? entry.session : undefined;
  }

  forget(jobId: string): void {
    this.readers.delete(jobId);
  }
}
