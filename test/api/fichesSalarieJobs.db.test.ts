// A structure's fiches salarié exported by the job queue: enqueue (202 + job), then the RIAE_FS batch —
// recorded as sent and audited, as by the synchronous route — read from the database by the structure's
// members only (another structure's member, a DDETS agent: the same 404 as an unknown id). A retry after
// the export committed hands back the recorded file instead of sending again.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobView } from "../../src/contracts/jobs.js";
import type { App } from "../../src/server/context.js";
import { buildDataset, type Dataset, NIR } from "../interchange-export/dataset.js";
import { COMPLETE_FICHE_FIELDS } from "../support/ficheSalarie.js";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";
import { type TestUser, testApp, userWithSession, waitForJob } from "./support/apiKit.js";

let t: TestDatabase;
let app: App;
let data: Dataset;
let member: TestUser;
let other: TestUser;
let ddets: TestUser;

beforeAll(async () => {
  t = await createTestDatabase();
  data = await buildDataset(t.handle);
  member = await userWithSession(t, { email: "staff@aci.test", role: "siae", structureIds: [data.aci] });
  other = await userWithSession(t, { email: "staff@ai.test", role: "siae", structureIds: [data.ai] });
  ddets = await userWithSession(t, { email: "agent@ddets62.test", role: "departemental", departementCode: "62" });
  app = await testApp(t);
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

const enqueue = (u: TestUser, id = data.aci) =>
  app.inject({ method: "POST", url: `/api/v1/structures/${id}/fiches-salarie/exports/jobs`, headers: u.headers });

const waitFor = (id: string, who: TestUser) => waitForJob(app, id, who);

const sentLines = async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM fiche_salarie_line`.execute(t.handle.db)).rows[0]?.n;

describe("fiches salarié export through the job queue", () => {
  it("no valid fiche: the job fails with the count of fiches in error, no name, nothing recorded", async () => {
    const res = await enqueue(member);
    expect(res.statusCode).toBe(202);
    const job = res.json() as JobView;
    expect(res.headers.location).toBe(`/api/v1/jobs/${job.id}`);
    expect(job).toMatchObject({ kind: "fiches_salarie", result: null });
    const done = await waitFor(job.id, member);
    expect(done).toMatchObject({ status: "failed", result: null, error: { title: "Aucune fiche à envoyer" } });
    expect(done.error?.detail).toMatch(/1 fiche\(s\) en erreur/);
    expect(JSON.stringify(done)).not.toContain("Lefèvre");
    expect((await app.inject({ url: `/api/v1/jobs/${job.id}/result`, headers: member.headers })).statusCode).toBe(409);
    expect(await sentLines()).toBe(0);
  });

  it("a complete fiche: the job sends the batch the synchronous route would, recorded as sent and audited", async () => {
    const saved = await app.inject({
      method: "PATCH",
      url: `/api/v1/structures/${data.aci}/fiches-salarie/${data.contract}/complement`,
      headers: member.headers,
      payload: COMPLETE_FICHE_FIELDS,
    });
    expect(saved.statusCode).toBe(200);
    const res = await enqueue(member);
    expect(res.statusCode).toBe(202);
    const done = await waitFor((res.json() as JobView).id, member);
    // Progress counts the fiches recorded as sent.
    expect(done).toMatchObject({ status: "succeeded", progress: { step: "terminé", done: 1, total: 1 }, error: null });
    expect(done.result).toMatchObject({ contentType: "application/json; charset=utf-8", fiches: { sent: 1, invalid: 0 } });
    expect(done.result?.fileName).toMatch(/^RIAE_FS_\d{14}\.json$/);
    const file = await app.inject({ url: done.result!.url, headers: member.headers });
    expect(file.statusCode).toBe(200);
    expect(file.headers["content-disposition"]).toBe(`attachment; filename="${done.result!.fileName}"`);
    expect(Number(file.headers["content-length"])).toBe(done.result!.size);
    const batch = file.json();
    expect(batch.lignesTelechargement).toHaveLength(1);
    expect(batch.lignesTelechargement[0]).toMatchObject({ typeMouvement: "C", personnePhysique: { salarieNIR: NIR } });
    expect((await sql<{ status: string }>`SELECT status FROM fiche_salarie`.execute(t.handle.db)).rows).toEqual([{ status: "SENT" }]);
    expect(await sentLines()).toBe(1);
    const audit = await t.handle.db
      .selectFrom("audit_event")
      .select(["actor_user_id", "entity_id"])
      .where("action", "=", "fiche_salarie.send")
      .execute();
    expect(audit.map((a) => [Number(a.actor_user_id), a.entity_id])).toEqual([[member.id, done.result!.fileName]]);
    // The job's error and view never carry the NIR; only the file does.
    const row = await t.handle.db.selectFrom("job").select(["result", "error"]).where("id", "=", done.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(NIR);

    // A retry after the export committed (its instance died before finishing the job: no result in the job
    // row, which the export never writes) hands back the same file, sending nothing again.
    await sql`UPDATE job SET status = 'queued', finished_at = NULL, result = NULL WHERE id = ${done.id}`.execute(t.handle.db);
    app.jobs.wake();
    const again = await waitFor(done.id, member);
    expect(again.result).toEqual(done.result);
    expect(await sentLines()).toBe(1);
    expect((await app.inject({ url: done.result!.url, headers: member.headers })).body).toBe(file.body);

    // Attackers: another structure's member and a DDETS agent get the 404 of an unknown id; anonymous 401.
    for (const who of [other, ddets]) {
      for (const url of [`/api/v1/jobs/${done.id}`, done.result!.url]) {
        const denied = await app.inject({ url, headers: who.headers });
        expect(denied.statusCode, url).toBe(404);
        expect(denied.body).not.toContain("RIAE_FS");
      }
    }
    expect((await app.inject({ url: `/api/v1/jobs/${done.id}` })).statusCode).toBe(401);
    const extra = await app.inject({ url: `/api/v1/jobs/${done.id}?structureId=${data.ai}`, headers: other.headers });
    expect(extra.statusCode).toBe(400);
  });

  it("only the structure's members may enqueue its export", async () => {
    expect((await enqueue(other)).statusCode).toBe(403);
    expect((await enqueue(ddets)).statusCode).toBe(403);
    expect((await app.inject({ method: "POST", url: `/api/v1/structures/${data.aci}/fiches-salarie/exports/jobs` })).statusCode).toBe(401);
    expect((await enqueue(member, 987654)).statusCode).toBe(404);
    const unknownKey = await app.inject({
      method: "POST",
      url: `/api/v1/structures/${data.aci}/fiches-salarie/exports/jobs?structureId=${data.ai}`,
      headers: member.headers,
    });
    expect(unknownKey.statusCode).toBe(400);
    expect(await sentLines()).toBe(1);
  });
});
