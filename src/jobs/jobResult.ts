// The file a job produced (a report), kept in the database in chunks as the uploaded file of an import
// is (migration 0680): whichever instance ran the job, any instance serves it. Deleted with the job.
import type { Kysely } from "kysely";
import type { DatabaseHandle } from "../db/connection.js";
import type { Database } from "../db/schema.js";
import { JOB_FILE_CHUNK } from "./queue.js";

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
