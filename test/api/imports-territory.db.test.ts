// Imports through the web are territorial (docs/imports.md), tried as an attacker would: a DDETS 62
// agent uploads a list carrying a Nord row; a DDETS 59 agent reads the DDETS 62 run, its rejections,
// their export and its background job by id, and looks for it in the history.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/server/context.js";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";
import { type TestUser, testApp, userWithSession } from "./support/apiKit.js";

let t: TestDatabase;
let app: App;
let ddets62: TestUser;
let ddets59: TestUser;
let national: TestUser;

const LIST = [
  "MESURE;CODE_DEPARTEMENT;LIBELLE_DPT;CODE_POSTAL;COMMUNE;SIRET;DENOMINATION_SOCIALE",
  "ACI;062;PAS-DE-CALAIS;62300;LENS;39321207100012;ACI DE LENS",
  "EI;059;NORD;59000;LILLE;41273578900023;EI DE LILLE",
].join("\n");

function upload(who: TestUser, url: string, name: string, content: string) {
  const boundary = "----passerelle";
  const payload = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n\r\n${content}\r\n--${boundary}--\r\n`;
  return app.inject({
    method: "POST",
    url,
    headers: { ...who.headers, "content-type": `multipart/form-data; boundary=${boundary}` },
    payload,
  });
}

beforeAll(async () => {
  t = await createTestDatabase();
  ddets62 = await userWithSession(t, { email: "agent@ddets62.test", role: "departemental", departementCode: "62" });
  ddets59 = await userWithSession(t, { email: "agent@ddets59.test", role: "departemental", departementCode: "59" });
  national = await userWithSession(t, { email: "agent@dgefp.test", role: "national" });
  app = await testApp(t);
});
afterAll(async () => {
  await app?.close();
  await t.destroy();
});

describe("imports by a DDETS agent", () => {
  let runId: number;

  it("writes the Pas-de-Calais row and refuses the Nord row (file, line, CODE_DEPARTEMENT), writing nothing for it", async () => {
    const res = await upload(ddets62, "/api/v1/imports", "liste.csv", LIST);
    expect(res.statusCode).toBe(200);
    const report = res.json() as { inserted: number; rejected: number; importRunId: number; rejections: unknown[] };
    expect(report).toMatchObject({ inserted: 1, rejected: 1 });
    expect(report.rejections).toEqual([
      { file: "liste.csv", line: 3, column: "CODE_DEPARTEMENT", reason: expect.stringContaining("hors du département 62") },
    ]);
    const nord = await t.handle.db.selectFrom("structure").select("id").where("siret", "=", "41273578900023").execute();
    expect(nord).toEqual([]);
    runId = report.importRunId;
  });

  it("another département's agent cannot read the run, its rejections or their export, nor find it in the history", async () => {
    for (const url of [
      `/api/v1/imports/${runId}`,
      `/api/v1/imports/${runId}/rejections`,
      `/api/v1/imports/${runId}/rejections?format=csv`,
    ]) {
      expect((await app.inject({ url, headers: ddets59.headers })).statusCode, url).toBe(404);
      expect((await app.inject({ url, headers: ddets62.headers })).statusCode, url).toBe(200);
      expect((await app.inject({ url, headers: national.headers })).statusCode, url).toBe(200);
    }
    const history59 = (await app.inject({ url: "/api/v1/imports", headers: ddets59.headers })).json() as {
      items: { id: number }[];
      total: number;
    };
    expect(history59).toMatchObject({ items: [], total: 0 });
    const history62 = (await app.inject({ url: "/api/v1/imports", headers: ddets62.headers })).json() as {
      items: { id: number; departement: string }[];
    };
    expect(history62.items).toEqual([expect.objectContaining({ id: runId, departement: "62" })]);
    const csv59 = await app.inject({ url: "/api/v1/imports?format=csv", headers: ddets59.headers });
    expect(csv59.body).not.toContain("liste.csv");
  });

  it("a national import is not readable by a DDETS agent", async () => {
    const res = await upload(national, "/api/v1/imports", "liste-nationale.csv", LIST);
    expect(res.json()).toMatchObject({ inserted: 1, updated: 0, unchanged: 1, rejected: 0 });
    const id = (res.json() as { importRunId: number }).importRunId;
    expect((await app.inject({ url: `/api/v1/imports/${id}`, headers: ddets62.headers })).statusCode).toBe(404);
    expect((await app.inject({ url: `/api/v1/imports/${id}`, headers: national.headers })).statusCode).toBe(200);
  });

  it("a background job is readable within its département and nationally, not by another département", async () => {
    const res = await upload(ddets62, "/api/v1/imports?background=true", "liste.csv", LIST);
    expect(res.statusCode).toBe(202);
    const { id } = res.json() as { id: string };
    const colleague = await userWithSession(t, { email: "collegue@ddets62.test", role: "departemental", departementCode: "62" });
    let status = "running";
    for (let i = 0; i < 200 && status === "running"; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const poll = await app.inject({ url: `/api/v1/imports/jobs/${id}`, headers: colleague.headers });
      expect(poll.statusCode).toBe(200);
      status = (poll.json() as { status: string }).status;
    }
    expect(status).toBe("succeeded");
    expect((await app.inject({ url: `/api/v1/imports/jobs/${id}`, headers: ddets59.headers })).statusCode).toBe(404);
    expect((await app.inject({ url: `/api/v1/imports/jobs/${id}`, headers: national.headers })).statusCode).toBe(200);
  });
});
