// Jobs producing a file (the annual report, a structure's fiches salarié): who may read them, how they are
// enqueued, their progress in steps, and the file they produced, kept in the database in chunks as the
// uploaded file of an import is (migration 0680): whichever instance ran the job, any instance serves it.
// Deleted with the job.
import type { Kysely } from "kysely";
import type { Target } from "../contracts/target.js";
import type { DatabaseHandle } from "../db/connection.js";
import type { Database, JobKind } from "../db/schema.js";
import type { PolicyName } from "../server/auth/principal.js";
import { enqueueJob, JOB_FILE_CHUNK } from "./queue.js";
import type { JobContext } from "./worker.js";

/** Who may read a job producing a file: those the policy lets read its target (any kind: jobView.ts). */
export interface JobAccess {
  policy: PolicyName;
  target: Target;
}

/** What a finished job producing a file keeps in `job.result`. */
export interface JobFileResult {
  fileName: string;
  contentType: string;
  size: number;
}

/** Progress of a job producing a file: the step, and steps done out of total. */
export interface FileJobProgress {
  step: string;
  done: number;
  total: number;
}

/** Enqueues a job producing a file; its payload carries the access its creation was authorised for. */
export async function enqueueFileJob<P extends { access: JobAccess }>(
  handle: DatabaseHandle,
  input: { kind: JobKind; payload: P; ownerId: number | null; departementCode?: string | null },
): Promise<string> {
  const id = await enqueueJob(handle, {
    kind: input.kind,
    payload: input.payload as unknown as Record<string, unknown>,
    ownerId: input.ownerId,
    departementCode: input.departementCode ?? null,
  });
  // Without a dedupe key the insert always happens.
  return id!;
}

/** Reports step `done` of `total` (named in French) as the job's progress. */
export function stepper(ctx: JobContext, total: number): (label: string, done: number) => void {
  return (label, done) => ctx.progress({ step: label, done, total } satisfies FileJobProgress);
}

/** Stores the job's file, replacing what an interrupted earlier attempt may have left; one transaction. */
export async function storeJobResult(handle: DatabaseHandle, jobId: string, data: Uint8Array): Promise<void> {
  await handle.withTransaction(({ db }) => writeJobResult(db, jobId, data));
}

/** The same, within the caller's transaction (a job whose file must commit with what it records). */
export async function writeJobResult(db: Kysely<Database>, jobId: string, data: Uint8Array): Promise<void> {
  await db.deleteFrom("job_result_chunk").where("job_id", "=", jobId).execute();
  for (let seq = 0, at = 0; at < data.length || seq === 0; seq++, at += JOB_FILE_CHUNK) {
    await db
      .insertInto("job_result_chunk")
      .values({ job_id: jobId, seq, data: data.subarray(at, at + JOB_FILE_CHUNK) })
      .execute();
  }
}

/**
 * The job's result, within the transaction of the work it describes (migration 0740): never in the job
 * row, which the worker keeps renewing while the work runs.
 */
export async function writeJobOutcome(db: Kysely<Database>, jobId: string, result: unknown): Promise<void> {
  await db
    .insertInto("job_outcome")
    .values({ job_id: jobId, result: JSON.stringify(result) })
    .onConflict((oc) => oc.column("job_id").doUpdateSet({ result: JSON.stringify(result) }))
    .execute();
}

/** The result an earlier attempt committed with its work, if any. */
export async function readJobOutcome(db: Kysely<Database>, jobId: string): Promise<unknown> {
  const row = await db.selectFrom("job_outcome").select("result").where("job_id", "=", jobId).executeTakeFirst();
  return row?.result ?? null;
}

/** The job's file, chunk after chunk (one query per chunk). */
export async function* readJobResult(db: Kysely<Database>, jobId: string): AsyncGenerator<Uint8Array> {
  for (let seq = 0; ; seq++) {
    const row = await db
      .selectFrom("job_result_chunk")
      .select("data")
      .where("job_id", "=", jobId)
      .where("seq", "=", seq)
      .executeTakeFirst();
    if (!row) return;
    yield row.data;
  }
}
