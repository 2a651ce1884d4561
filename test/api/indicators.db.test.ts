// Indicators API: same figures as src/indicators (the CLI's source), scope checks, series, table + export.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeIndicators } from "../../src/indicators/index.js";
import type { App } from "../../src/server/context.js";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";
import { insertStructure, type TestUser, testApp, userWithSession } from "./support/apiKit.js";

let t: TestDatabase;
let app: App;
let ddets: TestUser;
let siae: TestUser;
let a: number;
let b: number;

beforeAll(async () => {
  t = await createTestDatabase();
  const db = t.handle.db;
  a = await insertStructure(t, { name: "Alpha ACI", kind: "ACI", siret: "77777777700077", departementCode: "62" });
  b = await insertStructure(t, { name: "Beta EI", kind: "EI", siret: "88888888800088", departementCode: "62" });
  const annex = async (structureId: number, prefix: string, mesure: string, etp: string, hours: string, total: string) =>
    Number(
      (
        await db
          .insertInto("financial_annex")
          .values({
            structure_id: structureId,
            number_prefix: prefix,
            mesure_code: mesure,
            state: "VALIDE",
            starts_on: "2025-01-01",
            ends_on: "2025-12-31",
            etp,
            annual_hours: hours,
            total_amount: total,
            unit_amount: "1000",
          })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id,
    );
  const afA = await annex(a, "ACI062250010", "ACI_DC", "2.00", "1820", "50000.00");
  await annex(b, "EI062250011", "EI_DC", "1.00", "1505", "12000.00");
  const person = Number((await db.insertInto("person").values({ last_name: "X" }).returning("id").executeTakeFirstOrThrow()).id);
  const contract = Number(
    (
      await db
        .insertInto("contract")
        .values({
          person_id: person,
          structure_id: a,
          mesure_code: "ACI_DC",
          contract_type: "CDDI",
          starts_on: "2025-02-01",
          weekly_hours: "35",
          rsa: "OUI-M",
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id,
  );
  for (const month of ["2025-02-01", "2025-03-01", "2025-04-01"]) {
    await db
      .insertInto("monthly_declaration")
      .values({ annex_id: afA, contract_id: contract, person_id: person, structure_id: a, month, hours: "151.67" })
      .execute();
  }
  ddets = await userWithSession(t, { email: "agent@ddets62.test", role: "departemental", departementCode: "62" });
  siae = await userWithSession(t, { email: "staff@alpha.test", role: "siae", structureIds: [a] });
  app = await testApp(t);
});
afterAll(async () => {
  await app?.close();
  await t.destroy();
});

describe("GET /api/v1/indicators", () => {
  it("returns exactly the figures of computeIndicators (design §5 keys)", async () => {
    const res = await app.inject({ url: "/api/v1/indicators?scope=departement:62&year=2025", headers: ddets.headers });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const direct = await computeIndicators(t.handle.db, { scope: "departement:62", from: "2025-01-01", to: "2025-12-31" });
    expect(body.etp).toEqual(direct.etp);
    expect(body.structures).toEqual(direct.structures);
    expect(body.exits).toEqual(direct.exits);
    expect(body.budget).toEqual(direct.budget);
    expect(body.people).toEqual(direct.people);
    expect(body.structures.total).toBe(2);
    expect(body.etp.conventionnes).toBe(3);
    expect(body.period).toEqual({ from: "2025-01-01", to: "2025-12-31" });
  });

  it("checks the scope against the caller and validates the query", async () => {
    expect((await app.inject({ url: "/api/v1/indicators?scope=departement:59&year=2025", headers: ddets.headers })).statusCode).toBe(403);
    expect((await app.inject({ url: "/api/v1/indicators?scope=nation&year=2025", headers: ddets.headers })).statusCode).toBe(403);
    expect((await app.inject({ url: `/api/v1/indicators?scope=structure:${a}&year=2025`, headers: siae.headers })).statusCode).toBe(200);
    expect((await app.inject({ url: `/api/v1/indicators?scope=structure:${b}&year=2025`, headers: siae.headers })).statusCode).toBe(403);
    const missing = await app.inject({ url: "/api/v1/indicators?scope=departement:62", headers: ddets.headers });
    expect(missing.statusCode).toBe(400);
    expect(missing.headers["content-type"]).toContain("application/problem+json");
  });
});

describe("series and structure table", () => {
  it("gives 12 months for the year and 5 yearly points", async () => {
    const res = await app.inject({ url: "/api/v1/indicators/series?scope=departement:62&year=2025", headers: ddets.headers });
    expect(res.statusCode).toBe(200);
    const s = res.json();
    expect(s.monthly).toHaveLength(12);
    expect(s.monthly[1]).toMatchObject({ month: "2025-02", etpConventionnes: 3, entered: 1 });
    expect(s.yearly.map((y: { year: number }) => y.year)).toEqual([2021, 2022, 2023, 2024, 2025]);
  });

  it("lists structures with their rates, sorted, and exports them", async () => {
    const res = await app.inject({
      url: "/api/v1/indicators/structures?scope=departement:62&year=2025&sort=-etpConventionnes",
      headers: ddets.headers,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.total).toBe(2);
    expect(body.items.map((r: { name: string }) => r.name)).toEqual(["Alpha ACI", "Beta EI"]);
    const alpha = body.items[0];
    // 3 × 151.67 h ÷ 1820 h = 0.25 ETP réalisés over 2 conventionnés
    expect(alpha.etpRealises).toBeCloseTo(0.25, 3);
    expect(alpha.tauxRealisation).toBeCloseTo(0.125, 3);
    const csv = await app.inject({
      url: "/api/v1/indicators/structures?scope=departement:62&year=2025&format=csv",
      headers: ddets.headers,
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.body.split("\r\n")[0]).toContain("Taux de réalisation");
    expect(csv.body).toContain("Beta EI");
  });
});
