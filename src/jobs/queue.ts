// The job table (migration 0450, docs/decisions/0004-job-queue.md): enqueue with an optional file,
// claim with FOR UPDATE SKIP LOCKED, renew a lease, finish, hand back, and take back the jobs of a
// worker that died. Every statement here is a single autocommit statement (or one short transaction):
// nothing holds a connection while waiting for work, which matters on PGlite (one connection).
import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { sql } from "kysely";
import type { DatabaseHandle } from "../db/connection.js";
import type { Database, JobKind, JobStatus } from "../db/schema.js";
import type { Kysely } from "kysely";

/** Size of one stored chunk of a job's file (bytea values travel as text: keep them small). */
export const JOB_FILE_CHUNK = 4 * 1024 * 1024;

export interface JobFailure {
  title: string;
  detail: string;
  /** The file / line / column problems (an unimportable file), possibly empty. */
  issues: { file: string; line: number | null; column: string | null; reason: string }[];
}

export interface Job {
  id: string;
  kind: JobKind;
  status: JobStatus;
  payload: Record<string, unknown>;
  ownerId: number | null;
  /** Département the job was made for; null: national. */
  departementCode: string | null;
  attempts: number;
  maxAttempts: number;
  lockedBy: string | null;
  progress: Record<string, unknown>;
  result: unknown;
  error: JobFailure | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

interface JobRowRaw {
  id: string;
  kind: JobKind;
  status: JobStatus;
  payload: unknown;
  owner_id: number | null;
  departement_code: string | null;
  attempts: number;
  max_attempts: number;
  locked_by: string | null;
  progress: unknown;
  result: unknown;
  error: unknown;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

function toJob(row: JobRowRaw): Job {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    payload: (row.payload ?? {}) as Record<string, unknown>,
    ownerId: row.owner_id,
    departementCode: row.departement_code,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    lockedBy: row.locked_by,
    progress: (row.progress ?? {}) as Record<string, unknown>,
    result: row.result ?? null,
    error: (row.error ?? null) as JobFailure | null,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

export interface EnqueueInput {
  kind: JobKind;
  payload?: Record<string, unknown>;
  ownerId?: number | null;
  departementCode?: string | null;
  /** Enqueued at most once under this key (scheduled work seen by several instances). */
  dedupeKey?: string;
  maxAttempts?: number;
  /** A file on local disk stored with the job (in chunks), readable by whichever instance runs it. */
  filePath?: string;
}

/** Enqueues a job (and its file, in the same transaction). null: a job with this dedupe key exists. */
export async function enqueueJob(handle: DatabaseHandle, input: EnqueueInput): Promise<string | null> {
  const id = randomUUID();
  return handle.withTransaction(async ({ db }) => {
    const inserted = await db
      .insertInto("job")
      .values({
        id,
        kind: input.kind,
        payload: JSON.stringify(input.payload ?? {}),
        owner_id: input.ownerId ?? null,
        departement_code: input.departementCode ?? null,
        dedupe_key: input.dedupeKey ?? null,
        max_attempts: input.maxAttempts ?? 2,
        progress: "{}",
      })
      .onConflict((oc) => oc.column("dedupe_key").doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!inserted) return null;
    if (input.filePath) {
      let seq = 0;
      for await (const chunk of createReadStream(input.filePath, { highWaterMark: JOB_FILE_CHUNK })) {
        await db
          .insertInto("job_file_chunk")
          .values({ job_id: id, seq: seq++, data: chunk as Buffer })
          .execute();
      }
    }
    return id;
  });
}

/** The job's stored file, chunk after chunk (one query per chunk: never the whole file in memory). */
export async function* readJobFile(db: Kysely<Database>, jobId: string): AsyncGenerator<Uint8Array> {
  for (let seq = 0; ; seq++) {
    const row = await db.selectFrom("job_file_chunk").select("data").where("job_id", "=", jobId).where("seq", "=", seq).executeTakeFirst();
    if (!row) return;
    yield row.data;
  }
}

export async function getJob(db: Kysely<Database>, id: string): Promise<Job | undefined> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return undefined;
  const row = await db.selectFrom("job").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toJob(row as unknown as JobRowRaw) : undefined;
}

/** Takes the oldest due job of these kinds for `workerId`, or null. One statement. */
export async function claimJob(db: Kysely<Database>, workerId: string, kinds: readonly JobKind[], leaseMs: number): Promise<Job | null> {
  if (kinds.length === 0) return null;
  const result = await sql<JobRowRaw>`
    UPDATE job SET status = 'running', locked_by = ${workerId},
      lease_until = now() + ${leaseMs} * interval '1 millisecond',
      attempts = attempts + 1, started_at = coalesce(started_at, now())
    WHERE id = (
      SELECT id FROM job
      WHERE status = 'queued' AND run_after <= now() AND kind = ANY(${sql.val([...kinds])}::text[])
      ORDER BY run_after, created_at
      LIMIT 1
      FOR UPDATE SKIP LOCKED
    ) AND status = 'queued'
    RETURNING *`.execute(db);
  const row = result.rows[0];
  return row ? toJob(row) : null;
}

/** Renews the lease (and stores the progress). false: the job is no longer this worker's. */
export async function renewLease(
  db: Kysely<Database>,
  id: string,
  workerId: string,
  leaseMs: number,
  progress: Record<string, unknown> | null,
): Promise<boolean> {
  const result = await sql`
    UPDATE job SET lease_until = now() + ${leaseMs} * interval '1 millisecond',
      progress = coalesce(${progress === null ? null : JSON.stringify(progress)}::jsonb, progress)
    WHERE id = ${id} AND locked_by = ${workerId} AND status = 'running'`.execute(db);
  return Number(result.numAffectedRows ?? 0) > 0;
}

/** Ends a job (succeeded with its result, or failed with a message); its file is deleted. */
export async function finishJob(
  handle: DatabaseHandle,
  id: string,
  workerId: string,
  outcome:
    | { status: "succeeded"; result: unknown; progress: Record<string, unknown> }
    | { status: "failed"; error: JobFailure; progress: Record<string, unknown> },
): Promise<boolean> {
  return handle.withTransaction(async ({ db }) => {
    const updated = await db
      .updateTable("job")
      .set({
        status: outcome.status,
        result: outcome.status === "succeeded" ? JSON.stringify(outcome.result ?? null) : null,
        error: outcome.status === "failed" ? JSON.stringify(outcome.error) : null,
        progress: JSON.stringify(outcome.progress),
        finished_at: new Date(),
        locked_by: null,
        lease_until: null,
      })
      .where("id", "=", id)
      .where("locked_by", "=", workerId)
      .where("status", "=", "running")
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) return false;
    await db.deleteFrom("job_file_chunk").where("job_id", "=", id).execute();
    return true;
  });
}

/** Graceful shutdown: this worker's running jobs go back to the queue, the attempt not counted. */
export async function handBackJobs(db: Kysely<Database>, workerId: string): Promise<string[]> {
  const result = await sql<{ id: string }>`
    UPDATE job SET status = 'queued', locked_by = NULL, lease_until = NULL, attempts = greatest(attempts - 1, 0),
      progress = progress || jsonb_build_object('note', 'rendue à la file par une instance arrêtée proprement')
    WHERE locked_by = ${workerId} AND status = 'running'
    RETURNING id`.execute(db);
  return result.rows.map((r) => r.id);
}

export const HOLDER_GONE: JobFailure = {
  title: "Tâche interrompue",
  detail:
    "L'instance qui exécutait cette tâche s'est arrêtée (plantage ou redémarrage) et la tâche a déjà été reprise le nombre de fois permis ; rien n'a été enregistré par l'essai interrompu. Relancez-la.",
  issues: [],
};

/**
 * Takes back the running jobs of other workers whose lease ran out (or every other worker's, with
 * `holderGone`: on PGlite the data folder lock proves the previous process is dead): queued again while
 * attempts remain, failed visibly otherwise (and their file deleted).
 */
export async function reapAbandonedJobs(
  handle: DatabaseHandle,
  workerId: string,
  options: { holderGone?: boolean } = {},
): Promise<{ requeued: string[]; failed: string[] }> {
  const expired = options.holderGone ? sql`true` : sql`lease_until < now()`;
  const rows = await handle.withTransaction(async ({ db }) => {
    const result = await sql<{ id: string; status: JobStatus }>`
      UPDATE job SET
        status = CASE WHEN attempts < max_attempts THEN 'queued' ELSE 'failed' END,
        error = CASE WHEN attempts < max_attempts THEN error ELSE ${JSON.stringify(HOLDER_GONE)}::jsonb END,
        finished_at = CASE WHEN attempts < max_attempts THEN NULL ELSE now() END,
        progress = progress || jsonb_build_object('note', CASE WHEN attempts < max_attempts
          THEN 'reprise après l''arrêt de l''instance qui l''exécutait' ELSE 'interrompue par l''arrêt de l''instance qui l''exécutait' END),
        locked_by = NULL, lease_until = NULL
      WHERE status = 'running' AND locked_by <> ${workerId} AND ${expired}
      RETURNING id, status`.execute(db);
    const failed = result.rows.filter((r) => r.status === "failed").map((r) => r.id);
    if (failed.length > 0) await db.deleteFrom("job_file_chunk").where("job_id", "in", failed).execute();
    return result.rows;
  });
  return {
    requeued: rows.filter((r) => r.status === "queued").map((r) => r.id),
    failed: rows.filter((r) => r.status === "failed").map((r) => r.id),
  };
}

/** Finished jobs older than `keepDays` are deleted (their outcome stays in import_run / the audit). */
export async function pruneFinishedJobs(db: Kysely<Database>, keepDays: number): Promise<number> {
  const result = await sql`DELETE FROM job WHERE finished_at < now() - ${keepDays} * interval '1 day'`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/** Jobs per status (queue depth for /metrics). */
export async function countJobs(db: Kysely<Database>): Promise<Record<JobStatus, number>> {
  const rows = await db
    .selectFrom("job")
    .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
    .groupBy("status")
    .execute();
  const counts: Record<JobStatus, number> = { queued: 0, running: 0, succeeded: 0, failed: 0 };
  for (const r of rows) counts[r.status] = Number(r.n);
  return counts;
}
