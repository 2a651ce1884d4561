// Annual report downloads and the import upload route (format detection, French problem for a file
// that cannot be imported, nothing written; rejections named by file/line/column; background jobs
// polled for progress; history with the uploader).
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/server/context.js";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";
import { insertStructure, type TestUser, testApp, userWithSession } from "./support/apiKit.js";

let t: TestDatabase;
let app: App;
let ddets: TestUser;
let siae: TestUser;

beforeAll(async () => {
  t = await createTestDatabase();
  const s = await insertStructure(t, { name: "ACI Test", kind: "ACI", siret: "13131313100013", departementCode: "62" });
  ddets = await userWithSession(t, { email: "agent@ddets62.test", role: "departemental", departementCode: "62" });
  siae = await userWithSession(t, { email: "staff@test.test", role: "siae", structureIds: [s] });
  app = await testApp(t);
});
afterAll(async () => {
  await app?.close();
  await t.destroy();
});

describe("GET /api/v1/reports/annual", () => {
  it("previews in HTML and downloads XLSX / CSV (zip) for the caller's département", async () => {
    const html = await app.inject({ url: "/api/v1/reports/annual?departement=62&year=2019", headers: ddets.headers });
    expect(html.statusCode).toBe(200);
    expect(html.headers["content-type"]).toContain("text/html");
    expect(html.body).toContain("2019");
    const xlsx = await app.inject({ url: "/api/v1/reports/annual?year=2019&format=xlsx", headers: ddets.headers });
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers["content-disposition"]).toContain("rapport-departement-62-2019.xlsx");
    const csv = await app.inject({ url: "/api/v1/reports/annual?departement=62&year=2019&format=csv", headers: ddets.headers });
    expect(csv.statusCode).toBe(200);
    expect(csv.rawPayload.subarray(0, 2).toString()).toBe("PK");
  });

  it("refuses another département and SIAE staff", async () => {
    expect((await app.inject({ url: "/api/v1/reports/annual?departement=59&year=2019", headers: ddets.headers })).statusCode).toBe(403);
    expect((await app.inject({ url: "/api/v1/reports/annual?year=2019", headers: siae.headers })).statusCode).toBe(403);
  });
});

describe("POST /api/v1/imports", () => {
  const upload = (name: string, content: string) => {
    const boundary = "----passerelle";
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n\r\n${content}\r\n--${boundary}--\r\n`;
    return { "content-type": `multipart/form-data; boundary=${boundary}`, payload: body };
  };

  it("answers a French problem for a file that is neither an ASP list nor FluxIAE, and writes nothing", async () => {
    const before = await t.handle.db
      .selectFrom("structure")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    const u = upload("notes.txt", "bonjour\nceci n'est pas un fichier ASP\n");
    const res = await app.inject({
      method: "POST",
      url: "/api/v1/imports",
      headers: { ...ddets.headers, "content-type": u["content-type"] },
      payload: u.payload,
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers["content-type"]).toContain("application/problem+json");
    const after = await t.handle.db
      .selectFrom("structure")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  const ASP_FIXTURE = readFileSync("test/e2e/fixtures/liste-asp-62-une-ligne-fausse.csv", "utf8");
  const countStructures = async () =>
    Number(
      (
        await t.handle.db
          .selectFrom("structure")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const post = (url: string, name: string, content: string, who: TestUser = ddets) => {
    const u = upload(name, content);
    return app.inject({ method: "POST", url, headers: { ...who.headers, "content-type": u["content-type"] }, payload: u.payload });
  };

  it("names the file and line of a CSV lacking a required ASP column, lists what is expected, and writes nothing", async () => {
    const before = await countStructures();
    // SIRET column renamed: the header still looks like a CSV but a required column is missing.
    const broken = ASP_FIXTURE.replace("SIRET;DENOMINATION", "NUMERO;DENOMINATION");
    const res = await post("/api/v1/imports", "liste.csv", broken);
    expect(res.statusCode).toBe(400);
    const body = res.json() as { detail: string; errors: { field: string; message: string }[] };
    expect(body.detail).toContain("liste.csv");
    expect(body.detail).toContain("SIRET");
    expect(body.detail).toContain("NUMERO");
    expect(body.errors[0]?.field).toBe("liste.csv:1");
    expect(await countStructures()).toBe(before);
  });

  it("dry run of an ASP list with one bad line: counts, the rejection with file/line/column, nothing written", async () => {
    const before = await countStructures();
    const res = await post("/api/v1/imports?dryRun=true", "liste-asp.csv", ASP_FIXTURE);
    expect(res.statusCode).toBe(200);
    const report = res.json() as {
      format: string;
      rowsRead: number;
      inserted: number;
      rejected: number;
      dryRun: boolean;
      rejections: { file: string; line: number; column: string; reason: string }[];
    };
    expect(report).toMatchObject({ format: "asp-liste-siae", rowsRead: 4, inserted: 3, rejected: 1, dryRun: true });
    expect(report.rejections).toHaveLength(1);
    expect(report.rejections[0]).toMatchObject({ file: "liste-asp.csv", line: 5, column: "SIRET" });
    expect(report.rejections[0]?.reason).toMatch(/SIRET/);
    expect(await countStructures()).toBe(before);
  });

  it("imports in the background: 202 with a job, polled until the report; rejections and run readable afterwards", async () => {
    const before = await countStructures();
    const res = await post("/api/v1/imports?background=true", "liste-asp.csv", ASP_FIXTURE);
    expect(res.statusCode).toBe(202);
    const job = res.json() as { id: string; status: string; fileName: string };
    expect(job.fileName).toBe("liste-asp.csv");
    expect(res.headers.location).toBe(`/api/v1/imports/jobs/${job.id}`);
    type Job = {
      status: string;
      phase: string;
      rowsRead: number;
      report: { inserted: number; rejected: number; importRunId: number } | null;
    };
    let state: Job = job as unknown as Job;
    for (let i = 0; i < 200 && state.status === "running"; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const poll = await app.inject({ url: `/api/v1/imports/jobs/${job.id}`, headers: ddets.headers });
      expect(poll.statusCode).toBe(200);
      state = poll.json() as Job;
    }
    expect(state).toMatchObject({ status: "succeeded", phase: "termine", rowsRead: 4 });
    expect(state.report).toMatchObject({ inserted: 3, rejected: 1 });
    expect(await countStructures()).toBe(before + 3);
    const runId = state.report?.importRunId;
    const run = await app.inject({ url: `/api/v1/imports/${runId}`, headers: ddets.headers });
    expect(run.json()).toMatchObject({
      id: runId,
      source: "liste-asp.csv",
      status: "succeeded",
      inserted: 3,
      rejected: 1,
      dryRun: false,
      userName: expect.any(String),
    });
    const rejections = await app.inject({ url: `/api/v1/imports/${runId}/rejections`, headers: ddets.headers });
    expect(
      (rejections.json() as { items: { line: number; column: string; severity: string }[] }).items.filter((r) => r.severity === "error"),
    ).toEqual([expect.objectContaining({ file: "liste-asp.csv", line: 5, column: "SIRET" })]);
    const csv = await app.inject({ url: `/api/v1/imports/${runId}/rejections?format=csv`, headers: ddets.headers });
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain("liste-asp.csv");
    // History lists it, with who ran it.
    const history = await app.inject({ url: "/api/v1/imports", headers: ddets.headers });
    expect(
      (history.json() as { items: { id: number; userName: string | null }[] }).items.find((r) => r.id === runId)?.userName,
    ).not.toBeNull();
  });

  it("a background import of an unimportable file ends failed with the issues; another département cannot read the job", async () => {
    const res = await post("/api/v1/imports?background=true", "notes.txt", "bonjour\nrien d'importable\n");
    expect(res.statusCode).toBe(202);
    const { id } = res.json() as { id: string };
    let state = { status: "running", error: null as { title: string; detail: string } | null };
    for (let i = 0; i < 200 && state.status === "running"; i++) {
      await new Promise((r) => setTimeout(r, 50));
      state = (await app.inject({ url: `/api/v1/imports/jobs/${id}`, headers: ddets.headers })).json();
    }
    expect(state.status).toBe("failed");
    expect(state.error?.detail).toContain("notes.txt");
    const other = await userWithSession(t, { email: "autre@ddets59.test", role: "departemental", departementCode: "59" });
    expect((await app.inject({ url: `/api/v1/imports/jobs/${id}`, headers: other.headers })).statusCode).toBe(404);
    expect((await app.inject({ url: `/api/v1/imports/jobs/${id}`, headers: siae.headers })).statusCode).toBe(403);
  });

  it("is reserved to import:write and needs multipart", async () => {
    const u = upload("x.csv", "a;b\n");
    expect(
      (
        await app.inject({
          method: "POST",
          url: "/api/v1/imports",
          headers: { ...siae.headers, "content-type": u["content-type"] },
          payload: u.payload,
        })
      ).statusCode,
    ).toBe(403);
    const json = await app.inject({ method: "POST", url: "/api/v1/imports", headers: ddets.headers, payload: {} });
    expect(json.statusCode).toBe(415);
    const runs = await app.inject({ url: "/api/v1/imports", headers: ddets.headers });
    expect(runs.statusCode).toBe(200);
    expect((await post("/api/v1/imports?background=true", "x.csv", ASP_FIXTURE, siae)).statusCode).toBe(403);
    expect((await app.inject({ url: "/api/v1/imports", headers: siae.headers })).statusCode).toBe(403);
  });
});
