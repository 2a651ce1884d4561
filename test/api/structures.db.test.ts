import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/server/context.js";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";
import { insertStructure, type TestUser, testApp, userWithSession } from "./support/apiKit.js";

let t: TestDatabase;
let app: App;
let ddets62: TestUser;
let siae: TestUser;
const ids: Record<string, number> = {};

beforeAll(async () => {
  t = await createTestDatabase();
  ids.a = await insertStructure(t, {
    name: "Atelier Arras",
    kind: "ACI",
    siret: "11111111100011",
    departementCode: "62",
    commune: "Arras",
  });
  ids.b = await insertStructure(t, {
    name: "Boulogne Intérim",
    kind: "ETTI",
    siret: "22222222200022",
    departementCode: "62",
    commune: "Boulogne-sur-Mer",
  });
  ids.c = await insertStructure(t, {
    name: 'Calais; "Services"',
    kind: "AI",
    siret: "33333333300033",
    departementCode: "62",
    commune: "Calais",
  });
  ids.n = await insertStructure(t, { name: "Nord Emploi", kind: "EI", siret: "44444444400044", departementCode: "59", commune: "Lille" });
  await t.handle.db.insertInto("site").values({ structure_id: ids.a!, name: "Atelier vélo", postal_code: "62000" }).execute();
  ddets62 = await userWithSession(t, { email: "agent@ddets62.test", role: "departemental", departementCode: "62" });
  siae = await userWithSession(t, { email: "staff@aci.test", role: "siae", structureIds: [ids.a!] });
  app = await testApp(t);
});
afterAll(async () => {
  await app?.close();
  await t.destroy();
});

describe("GET /api/v1/structures", () => {
  it("lists only the caller's territory, sorted, paginated", async () => {
    const res = await app.inject({ url: "/api/v1/structures?sort=-name&pageSize=2", headers: ddets62.headers });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.total).toBe(3);
    expect(body.items.map((s: { name: string }) => s.name)).toEqual(['Calais; "Services"', "Boulogne Intérim"]);
    const page2 = (await app.inject({ url: "/api/v1/structures?sort=-name&pageSize=2&page=2", headers: ddets62.headers })).json();
    expect(page2.items.map((s: { name: string }) => s.name)).toEqual(["Atelier Arras"]);
  });

  it("filters by kind and text; an SIAE member sees its own structure only", async () => {
    const byKind = (await app.inject({ url: "/api/v1/structures?kind=ETTI", headers: ddets62.headers })).json();
    expect(byKind.items.map((s: { id: number }) => s.id)).toEqual([ids.b]);
    const byText = (await app.inject({ url: "/api/v1/structures?q=calais", headers: ddets62.headers })).json();
    expect(byText.items.map((s: { id: number }) => s.id)).toEqual([ids.c]);
    const mine = (await app.inject({ url: "/api/v1/structures", headers: siae.headers })).json();
    expect(mine.items.map((s: { id: number }) => s.id)).toEqual([ids.a]);
  });

  it("refuses another département, a bad sort key and anonymous calls with French problems", async () => {
    const other = await app.inject({ url: "/api/v1/structures?departement=59", headers: ddets62.headers });
    expect(other.statusCode).toBe(403);
    const badSort = await app.inject({ url: "/api/v1/structures?sort=password", headers: ddets62.headers });
    expect(badSort.statusCode).toBe(400);
    expect(badSort.headers["content-type"]).toContain("application/problem+json");
    expect(JSON.stringify(badSort.json())).toContain("Tri possible sur");
    const anonymous = await app.inject({ url: "/api/v1/structures" });
    expect(anonymous.statusCode).toBe(401);
  });

  it("exports the whole filtered list as CSV (BOM, ;, quoted) and XLSX", async () => {
    const csv = await app.inject({ url: "/api/v1/structures?format=csv&pageSize=1&sort=name", headers: ddets62.headers });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers["content-type"]).toContain("text/csv");
    expect(csv.headers["content-disposition"]).toContain("structures.csv");
    const lines = csv.body
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe("Identifiant;SIRET;Identifiant ASP;Nom;Type;Département;Commune;Création;Fermeture");
    expect(lines[3]).toContain('"Calais; ""Services"""');
    const xlsx = await app.inject({ url: "/api/v1/structures?format=xlsx", headers: ddets62.headers });
    expect(xlsx.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    expect(sheet.rowCount).toBe(4);
    expect(sheet.getRow(2).getCell(4).value).toBe("Atelier Arras");
  });
});

describe("GET /api/v1/structures/:structureId", () => {
  it("gives identity and sites; 404 for an unknown id, 403 outside the territory", async () => {
    const res = await app.inject({ url: `/api/v1/structures/${ids.a}`, headers: ddets62.headers });
    expect(res.statusCode).toBe(200);
    const s = res.json();
    expect(s).toMatchObject({ name: "Atelier Arras", kind: "ACI", departement: "62", departementName: "Pas-de-Calais" });
    expect(s.sites.map((x: { name: string }) => x.name)).toEqual(["Atelier vélo"]);
    expect((await app.inject({ url: "/api/v1/structures/999999", headers: ddets62.headers })).statusCode).toBe(404);
    expect((await app.inject({ url: `/api/v1/structures/${ids.n}`, headers: ddets62.headers })).statusCode).toBe(403);
    expect((await app.inject({ url: `/api/v1/structures/${ids.b}`, headers: siae.headers })).statusCode).toBe(403);
  });

  it("gives twelve months of realisation (zero without declarations)", async () => {
    const res = await app.inject({ url: `/api/v1/structures/${ids.a}/realisation?year=2025`, headers: ddets62.headers });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.months).toHaveLength(12);
    expect(body.months[0]).toEqual({ month: "2025-01", hours: 0, etpRealises: 0, etpConventionnes: 0, declarations: 0 });
  });
});
