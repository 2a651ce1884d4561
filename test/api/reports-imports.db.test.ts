// Annual report downloads and the import upload route (format detection, French problem for a file
// that cannot be imported, nothing written).
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
    const before = await t.handle.db.selectFrom("structure").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    const u = upload("notes.txt", "bonjour\nceci n'est pas un fichier ASP\n");
    const res = await app.inject({ method: "POST", url: "/api/v1/imports", headers: { ...ddets.headers, "content-type": u["content-type"] }, payload: u.payload });
    expect(res.statusCode).toBe(400);
    expect(res.headers["content-type"]).toContain("application/problem+json");
    const after = await t.handle.db.selectFrom("structure").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it("is reserved to import:write and needs multipart", async () => {
    const u = upload("x.csv", "a;b\n");
    expect((await app.inject({ method: "POST", url: "/api/v1/imports", headers: { ...siae.headers, "content-type": u["content-type"] }, payload: u.payload })).statusCode).toBe(403);
    const json = await app.inject({ method: "POST", url: "/api/v1/imports", headers: ddets.headers, payload: {} });
    expect(json.statusCode).toBe(415);
    const runs = await app.inject({ url: "/api/v1/imports", headers: ddets.headers });
    expect(runs.statusCode).toBe(200);
  });
});
