// The annual report produced by the job queue: enqueue (202 + job), progress, then the file — the same
// bytes as the synchronous route — read from the database by any reader allowed on the report's
// territory, and by nobody else (another département's agent, a SIAE: the same 404 as an unknown id). A job
// whose instance died is run again, or failed visibly after its last attempt.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobView } from "../../src/contracts/jobs.js";
import { reapAbandonedJobs } from "../../src/jobs/queue.js";
import { enqueueReportJob } from "../../src/jobs/reportJob.js";
import type { App } from "../../src/server/context.js";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";
import { insertStructure, type TestUser, testApp, userWithSession, waitForJob } from "./support/apiKit.js";

let t: TestDatabase;
let app: App;
let ddets: TestUser;
let other: TestUser;
let regional: TestUser;
let siae: TestUser;

beforeAll(async () => {
  t = await createTestDatabase();
  const s = await insertStructure(t, { name: "ACI Test", kind: "ACI", siret: "13131313100013", departementCode: "62" });
  ddets = await userWithSession(t, { email: "agent@ddets62.test", role: "departemental", departementCode: "62" });
  other = await userWithSession(t, { email: "agent@ddets13.test", role: "departemental", departementCode: "13" });
  regional = await userWithSession(t, { email: "agent@dreets32.test", role: "regional", regionCode: "32" });
  siae = await userWithSession(t, { email: "staff@test.test", role: "siae", structureIds: [s] });
  app = await testApp(t);
});
afterAll(async () => {
  await app?.close();
  await t.destroy();
});

const waitFor = (id: string, who: TestUser) => waitForJob(app, id, who);

describe("annual report through the job queue", () => {
  it("answers 202 with the job, then serves the file the synchronous route sends", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/api/v1/reports/annual/jobs?departement=62&year=2019&format=html",
      headers: ddets.headers,
    });
    expect(res.statusCode).toBe(202);
    const job = res.json() as JobView;
    expect(res.headers.location).toBe(`/api/v1/jobs/${job.id}`);
    expect(job).toMatchObject({ kind: "report", label: "Rapport annuel 2019 — département 62 (HTML)", result: null });
    const done = await waitFor(job.id, ddets);
    expect(done).toMatchObject({ status: "succeeded", progress: { done: 3, total: 3 }, error: null });
    expect(done.result).toMatchObject({ fileName: "rapport-departement-62-2019.html", url: `/api/v1/jobs/${job.id}/result` });
    const file = await app.inject({ url: done.result!.url, headers: ddets.headers });
    expect(file.statusCode).toBe(200);
    expect(file.headers["content-disposition"]).toContain("rapport-departement-62-2019.html");
    const direct = await app.inject({ url: "/api/v1/reports/annual?departement=62&year=2019&format=html", headers: ddets.headers });
    expect(file.body).toBe(direct.body);
    expect(Number(file.headers["content-length"])).toBe(done.result!.size);
    // Readable by the region's agent too: the report's territory is within the region.
    expect((await app.inject({ url: `/api/v1/jobs/${job.id}`, headers: regional.headers })).statusCode).toBe(200);
  });

  it("produces the PDF (the default format) stored in the database", async () => {
    const res = await app.inject({ method: "POST", url: "/api/v1/reports/annual/jobs?year=2019", headers: ddets.headers });
    expect(res.statusCode).toBe(202);
    const done = await waitFor((res.json() as JobView).id, ddets);
    expect(done.result).toMatchObject({ fileName: "rapport-departement-62-2019.pdf", contentType: "application/pdf" });
    const stored = await t.handle.db.selectFrom("job_result_chunk").select("seq").where("job_id", "=", done.id).execute();
    expect(stored.length).toBeGreaterThan(0);
    const file = await app.inject({ url: done.result!.url, headers: ddets.headers });
    expect(file.rawPayload.subarray(0, 5).toString()).toBe("%PDF-");
  });

  it("refuses the job and its file to whoever may not read the report's territory", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/api/v1/reports/annual/jobs?departement=62&year=2019&format=csv",
      headers: ddets.headers,
    });
    const { id } = res.json() as JobView;
    await waitFor(id, ddets);
    for (const who of [other, siae]) {
      for (const url of [`/api/v1/jobs/${id}`, `/api/v1/jobs/${id}/result`]) {
        const denied = await app.inject({ url, headers: who.headers });
        expect(denied.statusCode, url).toBe(404);
        expect(denied.body).not.toContain("rapport-");
      }
    }
    // Anonymous: 401; another territory's report cannot be enqueued; undeclared keys are refused.
    expect((await app.inject({ url: `/api/v1/jobs/${id}` })).statusCode).toBe(401);
    const foreign = await app.inject({
      method: "POST",
      url: "/api/v1/reports/annual/jobs?departement=13&year=2019",
      headers: ddets.headers,
    });
    expect(foreign.statusCode).toBe(403);
    const extra = await app.inject({ url: `/api/v1/jobs/${id}?departement=13`, headers: other.headers });
    expect(extra.statusCode).toBe(400);
    expect((await app.inject({ url: "/api/v1/jobs/00000000-0000-4000-8000-000000000000", headers: ddets.headers })).statusCode).toBe(404);
  });

  it("a job left running by a dead instance is run again, or failed visibly after its last attempt", async () => {
    /** Enqueues a report job and leaves it as a killed instance would: running, lease run out. */
    const abandoned = async (attempts: number): Promise<string> => {
      for (;;) {
        const id = await enqueueReportJob(t.handle, {
          scope: { type: "departement", code: "62" },
          year: 2019,
          format: "csv",
          generatedOn: "2020-01-15",
          ownerId: ddets.id,
        });
        const taken = await sql`
          UPDATE job SET status = 'running', locked_by = 'dead-host:1:x', attempts = ${attempts},
            lease_until = now() - interval '1 minute', started_at = now()
          WHERE id = ${id} AND status = 'queued'`.execute(t.handle.db);
        // This instance's worker may have claimed it first: take another.
        if (Number(taken.numAffectedRows) === 1) return id;
      }
    };
    const resumed = await abandoned(1);
    const lost = await abandoned(2);
    const taken = await reapAbandonedJobs(t.handle, app.jobs.workerId);
    expect(taken.requeued).toContain(resumed);
    expect(taken.failed).toContain(lost);
    app.jobs.wake();
    const again = await waitFor(resumed, ddets);
    expect(again).toMatchObject({ status: "succeeded", result: { fileName: "rapport-departement-62-2019.zip" } });
    const failed = await waitFor(lost, ddets);
    expect(failed).toMatchObject({ status: "failed", result: null, error: { title: "Tâche interrompue" } });
    expect((await app.inject({ url: `/api/v1/jobs/${lost}/result`, headers: ddets.headers })).statusCode).toBe(409);
  });
});
