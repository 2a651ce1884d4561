// API of the conseil départemental page: figures = computeDepartementRsa, scope checks (other département,
// SIAE users), validation errors as problem+json, CSV/XLSX export of the table, no personal data.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDataset, type Dataset } from "../../../test/interchange-export/dataset.js";
import { type TestUser, testApp, userWithSession } from "../../../test/api/support/apiKit.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/testDb.js";
import { computeDepartementRsa } from "../../indicators/departementRsa.js";
import type { App } from "../context.js";

let t: TestDatabase;
let app: App;
let data: Dataset;
const users: Record<string, TestUser> = {};

beforeAll(async () => {
  t = await createTestDatabase();
  data = await buildDataset(t.handle);
  // The conseil départemental co-finances a part of the ACI's AF.
  await t.handle.db
    .insertInto("financial_annex_funding")
    .values({ annex_id: data.annex, funding_line_code: "CONSEIL_DEPARTEMENTAL", amount: "20000.00" })
    .execute();
  users.cd62 = await userWithSession(t, { email: "rsa@cd62.test", role: "conseil_departemental", departementCode: "62" });
  users.cd59 = await userWithSession(t, { email: "rsa@cd59.test", role: "conseil_departemental", departementCode: "59" });
  users.ddets62 = await userWithSession(t, { email: "agent@ddets62.test", role: "departemental", departementCode: "62" });
  users.dreets32 = await userWithSession(t, { email: "agent@dreets32.test", role: "regional", regionCode: "32" });
  users.national = await userWithSession(t, { email: "agent@dgefp.test", role: "national" });
  users.siae = await userWithSession(t, { email: "staff@aci.test", role: "siae", structureIds: [data.aci] });
  app = await testApp(t);
});
afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

const get = (who: string, url: string) => app.inject({ url, headers: users[who]?.headers ?? {} });

describe("GET /api/v1/departements/{code}/rsa", () => {
  it("returns the figures of computeDepartementRsa: the RSA salarié present, entered, co-financed ETP, examined exit", async () => {
    const res = await get("cd62", "/api/v1/departements/62/rsa?year=2022");
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toEqual(JSON.parse(JSON.stringify(await computeDepartementRsa(t.handle.db, { departement: "62", year: 2022 }))));
    expect(body.people).toMatchObject({ present: 1, presentRsa: 1, entered: 1, enteredRsa: 1, rsaShare: 1 });
    expect(body.etp.cofinances).toBeGreaterThan(0);
    expect(body.etp.cofinances).toBeLessThan(body.etp.conventionnes);
    expect(body.montantDepartement).toBe(20000);
    expect(body.exits.examined).toBe(1);
    expect(body.structures.map((s: { id: number }) => s.id)).toEqual([data.aci]);
    expect(body.byKind.map((k: { kind: string }) => k.kind)).toEqual(["ACI"]);
    // Aggregates only: no name, no NIR.
    expect(res.body).not.toMatch(/Lef[eè]vre|Zo[ée]/i);
  });

  it("lets the DDETS of the département, the DREETS of its région and national users read it", async () => {
    for (const who of ["ddets62", "dreets32", "national"])
      expect((await get(who, "/api/v1/departements/62/rsa?year=2022")).statusCode, who).toBe(200);
  });

  it("refuses another département's conseil départemental and SIAE users (403 problem+json)", async () => {
    for (const who of ["cd59", "siae"]) {
      const res = await get(who, "/api/v1/departements/62/rsa?year=2022");
      expect(res.statusCode, who).toBe(403);
      expect(res.headers["content-type"]).toContain("application/problem+json");
      expect(res.json().detail).toMatch(/hors de votre périmètre/);
    }
    expect((await get("cd62", "/api/v1/departements/59/rsa?year=2022")).statusCode).toBe(403);
    expect((await app.inject({ url: "/api/v1/departements/62/rsa?year=2022" })).statusCode).toBe(401);
  });

  it("validates the year and the code in French; an unknown département is 404", async () => {
    const noYear = await get("cd62", "/api/v1/departements/62/rsa");
    expect(noYear.statusCode).toBe(400);
    expect(noYear.headers["content-type"]).toContain("application/problem+json");
    expect(noYear.body).toMatch(/ann[ée]e/i);
    expect((await get("cd62", "/api/v1/departements/62/rsa?year=1990")).statusCode).toBe(400);
    expect((await get("national", "/api/v1/departements/6X/rsa?year=2022")).statusCode).toBe(400);
    const unknown = await get("national", "/api/v1/departements/99/rsa?year=2022");
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().detail).toMatch(/département inconnu/);
  });

  it("exports the table by structure in CSV and XLSX", async () => {
    const csv = await get("cd62", "/api/v1/departements/62/rsa/structures?year=2022&format=csv");
    expect(csv.statusCode).toBe(200);
    expect(csv.headers["content-type"]).toContain("text/csv");
    expect(csv.headers["content-disposition"]).toContain("rsa-departement-62-2022.csv");
    const lines = csv.body
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(lines[0]).toContain("ETP cofinancés par le département");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain("Chantier | Bruaysien");
    const xlsx = await get("cd62", "/api/v1/departements/62/rsa/structures?year=2022&format=xlsx");
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe("PK");
    const json = (await get("cd62", "/api/v1/departements/62/rsa/structures?year=2022")).json();
    expect(json.total).toBe(1);
    expect((await get("siae", "/api/v1/departements/62/rsa/structures?year=2022&format=csv")).statusCode).toBe(403);
  });
});
