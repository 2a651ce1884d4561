// What a job writes inside the transaction of its work (a fiches salarié export: the file and the outcome,
// committed with the fiches recorded as sent) leaves the job row free: the worker's lease renewal and
// progress, from another connection, go through while that transaction is still open. A retry reads the
// committed outcome back. PostgreSQL only: on PGlite the one connection serialises everything anyway.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readJobOutcome, writeJobOutcome, writeJobResult } from "../../src/jobs/jobResult.js";
import { claimJob, enqueueJob, getJob, renewLease } from "../../src/jobs/queue.js";
import { createTestDatabase, type TestDatabase, testEngine } from "../support/testDb.js";

const onPostgres = testEngine() === "postgresql";
if (!onPostgres) process.stderr.write("jobOutcome: ignoré sur PGlite (une seule connexion)\n");

let t: TestDatabase;
beforeAll(async () => {
  if (onPostgres) t = await createTestDatabase();
});
afterAll(async () => {
  await t?.destroy();
});

describe.runIf(onPostgres)("a job's outcome written in its work's transaction", () => {
  it("does not hold the job row: the lease is renewed while the transaction is open", async () => {
    const id = (await enqueueJob(t.handle, { kind: "fiches_salarie", payload: {} }))!;
    const job = await claimJob(t.handle.db, "worker-a", ["fiches_salarie"], 30_000);
    expect(job?.id).toBe(id);
    const outcome = { fileName: "RIAE_FS_20260101000000.json", contentType: "application/json", size: 3, sent: 1, invalid: 0 };
    await t.handle.withTransaction(async ({ db }) => {
      await writeJobResult(db, id, Buffer.from("[1]"));
      await writeJobOutcome(db, id, outcome);
      const renewal = renewLease(t.handle.db, id, "worker-a", 30_000, { step: "enregistrement des fiches envoyées", done: 1, total: 1 });
      const first = await Promise.race([renewal, new Promise((r) => setTimeout(() => r("bloqué"), 3000))]);
      expect(first).toBe(true);
      // Not visible outside before the commit: a retry meanwhile would not take it as done.
      expect(await readJobOutcome(t.handle.db, id)).toBeNull();
    });
    expect(await readJobOutcome(t.handle.db, id)).toEqual(outcome);
    expect((await getJob(t.handle.db, id))?.progress).toMatchObject({ step: "enregistrement des fiches envoyées" });
  });
});
