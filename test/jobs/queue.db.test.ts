// The job table queue on both engines: each job is run once however many workers poll (SKIP LOCKED),
// a job whose worker died is taken back (queued again, then failed visibly once its attempts are
// spent), a stopping worker hands its running jobs back, a job's file goes in and out in chunks and is
// deleted at the job's end, a dedupe key enqueues scheduled work once.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { claimJob, enqueueJob, getJob, JOB_FILE_CHUNK, reapAbandonedJobs, readJobFile } from "../../src/jobs/queue.js";
import { JobFailedError, JobWorker } from "../../src/jobs/worker.js";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";

let t: TestDatabase;
let dir: string;
beforeAll(async () => {
  t = await createTestDatabase();
  dir = await mkdtemp(path.join(tmpdir(), "passerelle-queue-"));
});
afterAll(async () => {
  await t?.destroy();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await t.handle.db.deleteFrom("job").execute();
});

const until = async (check: () => Promise<boolean>, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("timeout");
    await new Promise((r) => setTimeout(r, 25));
  }
};

describe("job queue", () => {
  it("runs each job exactly once with two workers polling the same table", async () => {
    const ran: string[] = [];
    const handler = async (job: { id: string }) => {
      ran.push(job.id);
      await new Promise((r) => setTimeout(r, 5));
      return { ok: true };
    };
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await enqueueJob(t.handle, { kind: "retention", payload: { i } }))!);
    const a = new JobWorker(t.handle, { retention: handler }, { workerId: "a", pollMs: 20, concurrency: 2 });
    const b = new JobWorker(t.handle, { retention: handler }, { workerId: "b", pollMs: 20, concurrency: 2 });
    await a.start();
    await b.start();
    await until(async () => (await t.handle.db.selectFrom("job").select("id").where("status", "=", "succeeded").execute()).length === 12);
    await a.stop();
    await b.stop();
    expect(ran.sort()).toEqual([...ids].sort());
    const rows = await t.handle.db.selectFrom("job").select(["attempts", "result", "locked_by"]).execute();
    expect(rows.every((r) => r.attempts === 1 && r.locked_by === null)).toBe(true);
  });

  it("a claimed job is invisible to a second claim (FOR UPDATE SKIP LOCKED)", async () => {
    const id = await enqueueJob(t.handle, { kind: "retention" });
    const first = await claimJob(t.handle.db, "w1", ["retention"], 60_000);
    expect(first?.id).toBe(id);
    expect(await claimJob(t.handle.db, "w2", ["retention"], 60_000)).toBeNull();
    expect(await claimJob(t.handle.db, "w2", ["import"], 60_000)).toBeNull();
  });

  it("takes back the job of a worker that died: queued again, then failed visibly when attempts are spent", async () => {
    const id = (await enqueueJob(t.handle, { kind: "retention", maxAttempts: 2 }))!;
    // Worker "dead" claims it and never renews its lease.
    expect((await claimJob(t.handle.db, "dead", ["retention"], 1))?.id).toBe(id);
    await new Promise((r) => setTimeout(r, 20));
    expect(await reapAbandonedJobs(t.handle, "alive")).toEqual({ requeued: [id], failed: [] });
    let job = await getJob(t.handle.db, id);
    expect(job).toMatchObject({ status: "queued", attempts: 1, lockedBy: null, progress: { note: expect.stringContaining("reprise") } });
    // A live worker's own jobs are never reaped by itself; another's are once the lease ran out.
    expect((await claimJob(t.handle.db, "dead-again", ["retention"], 1))?.id).toBe(id);
    await new Promise((r) => setTimeout(r, 20));
    expect(await reapAbandonedJobs(t.handle, "dead-again")).toEqual({ requeued: [], failed: [] });
    expect(await reapAbandonedJobs(t.handle, "alive")).toEqual({ requeued: [], failed: [id] });
    job = await getJob(t.handle.db, id);
    expect(job).toMatchObject({ status: "failed", attempts: 2, error: { title: "Tâche interrompue" } });
    expect(job?.finishedAt).toBeInstanceOf(Date);
  });

  it("a stopping worker hands its running job back to the queue (attempt not counted)", async () => {
    let release!: () => void;
    const blocked = new Promise<void>((r) => {
      release = r;
    });
    const id = (await enqueueJob(t.handle, { kind: "retention" }))!;
    const w = new JobWorker(t.handle, { retention: () => blocked }, { workerId: "stopping", pollMs: 20 });
    await w.start();
    await until(async () => (await getJob(t.handle.db, id))?.status === "running");
    expect(await w.stop({ graceMs: 50 })).toEqual({ handedBack: [id] });
    release();
    await new Promise((r) => setTimeout(r, 50));
    expect(await getJob(t.handle.db, id)).toMatchObject({ status: "queued", attempts: 0, lockedBy: null });
  });

  it("stores a job's file in chunks, reads it back whole, deletes it when the job ends; failures keep their message", async () => {
    const file = path.join(dir, "big.bin");
    const bytes = Buffer.alloc(JOB_FILE_CHUNK * 2 + 1234);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31) % 251;
    await writeFile(file, bytes);
    const id = (await enqueueJob(t.handle, { kind: "retention", filePath: file }))!;
    const chunks: Uint8Array[] = [];
    for await (const c of readJobFile(t.handle.db, id)) chunks.push(c);
    expect(chunks).toHaveLength(3);
    expect(Buffer.concat(chunks).equals(await readFile(file))).toBe(true);
    const w = new JobWorker(
      t.handle,
      {
        retention: async () => {
          throw new JobFailedError({ title: "Fichier non importable", detail: "big.bin : rien à importer", issues: [] });
        },
      },
      { workerId: "files", pollMs: 20 },
    );
    await w.start();
    await until(async () => (await getJob(t.handle.db, id))?.status === "failed");
    await w.stop();
    expect((await getJob(t.handle.db, id))?.error).toEqual({
      title: "Fichier non importable",
      detail: "big.bin : rien à importer",
      issues: [],
    });
    const left = await sql<{ n: number }>`SELECT count(*)::int AS n FROM job_file_chunk WHERE job_id = ${id}`.execute(t.handle.db);
    expect(left.rows[0]?.n).toBe(0);
  });

  it("enqueues scheduled work once per dedupe key", async () => {
    expect(await enqueueJob(t.handle, { kind: "retention", dedupeKey: "retention:2026-01-01" })).toEqual(expect.any(String));
    expect(await enqueueJob(t.handle, { kind: "retention", dedupeKey: "retention:2026-01-01" })).toBeNull();
  });
});
