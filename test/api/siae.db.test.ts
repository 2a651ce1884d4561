// SIAE routes: salariés list with its filters, salarié page, monthly declaration grid + validation,
// exit recording (category from the referential), CSV export.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/server/context.js";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";
import { insertStructure, type TestUser, testApp, userWithSession } from "./support/apiKit.js";

let t: TestDatabase;
let app: App;
let staff: TestUser;
let otherStaff: TestUser;
let ddets: TestUser;
let structureId: number;
let annexId: number;
const contracts: Record<string, number> = {};
const persons: Record<string, number> = {};
// The app's clock gives the real today: build dates relative to it.
const today = new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Paris" }).format(new Date());
const month = today.slice(0, 7);
const year = Number(today.slice(0, 4));
const addDays = (iso: string, n: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  t = await createTestDatabase();
  const db = t.handle.db;
  structureId = await insertStructure(t, { name: "ACI du Littoral", kind: "ACI", siret: "55555555500055", departementCode: "62" });
  const other = await insertStructure(t, { name: "Autre ACI", kind: "ACI", siret: "66666666600066", departementCode: "62" });
  const annex = await db
    .insertInto("financial_annex")
    .values({
      structure_id: structureId,
      number_prefix: "ACI062250001",
      mesure_code: "ACI_DC",
      state: "VALIDE",
      starts_on: `${year}-01-01`,
      ends_on: `${year}-12-31`,
      etp: "4.00",
      annual_hours: "1820",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  annexId = Number(annex.id);
  const person = async (last: string, first: string) =>
    Number(
      (
        await db
          .insertInto("person")
          .values({ last_name: last, first_name: first, birth_year: 1990 })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id,
    );
  persons.martin = await person("Martin", "Léa");
  persons.durand = await person("Durand", "Paul");
  persons.ancien = await person("Ancien", "Marc");
  const contract = async (personId: number, startsOn: string, weeklyHours: string, exitOn: string | null = null) =>
    Number(
      (
        await db
          .insertInto("contract")
          .values({
            person_id: personId,
            structure_id: structureId,
            mesure_code: "ACI_DC",
            contract_type: "CDDI",
            starts_on: startsOn,
            weekly_hours: weeklyHours,
            exit_on: exitOn,
            rsa: "OUI-NM",
          })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id,
    );
  contracts.martin = await contract(persons.martin!, `${year}-01-01`, "35");
  contracts.durand = await contract(persons.durand!, `${year}-01-01`, "26");
  contracts.ancien = await contract(persons.ancien!, `${year - 2}-01-01`, "20", `${year - 1}-06-30`);
  await db
    .insertInto("approval")
    .values({ person_id: persons.martin!, number_last4: "1234", starts_on: `${year - 1}-01-01`, ends_on: addDays(today, 20) })
    .execute();
  await db
    .insertInto("approval")
    .values({ person_id: persons.durand!, number_last4: "5678", starts_on: `${year}-01-01`, ends_on: addDays(today, 60) })
    .execute();
  staff = await userWithSession(t, { email: "staff@littoral.test", role: "siae", structureIds: [structureId] });
  otherStaff = await userWithSession(t, { email: "staff@autre.test", role: "siae", structureIds: [other] });
  ddets = await userWithSession(t, { email: "agent@ddets62.test", role: "departemental", departementCode: "62" });
  app = await testApp(t);
});
afterAll(async () => {
  await app?.close();
  await t.destroy();
});

const names = (body: { items: { lastName: string }[] }) => body.items.map((i) => i.lastName);

describe("salariés list", () => {
  it("filters present this month, PASS ending within 30/90 days, not declared", async () => {
    const url = `/api/v1/structures/${structureId}/persons`;
    const all = (await app.inject({ url, headers: staff.headers })).json();
    expect(names(all)).toEqual(["Ancien", "Durand", "Martin"]);
    const present = (await app.inject({ url: `${url}?present=true`, headers: staff.headers })).json();
    expect(names(present)).toEqual(["Durand", "Martin"]);
    const pass30 = (await app.inject({ url: `${url}?passEndingWithin=30`, headers: staff.headers })).json();
    expect(names(pass30)).toEqual(["Martin"]);
    expect(pass30.items[0].passRemainingDays).toBe(21);
    const pass90 = (await app.inject({ url: `${url}?passEndingWithin=90&sort=passEndsOn`, headers: staff.headers })).json();
    expect(names(pass90)).toEqual(["Martin", "Durand"]);
    const undeclared = (await app.inject({ url: `${url}?undeclared=true`, headers: staff.headers })).json();
    expect(names(undeclared)).toEqual(["Durand", "Martin"]);
    expect((await app.inject({ url: `${url}?passEndingWithin=45`, headers: staff.headers })).statusCode).toBe(400);
  });

  it("is reserved to the structure's members", async () => {
    const url = `/api/v1/structures/${structureId}/persons`;
    expect((await app.inject({ url, headers: otherStaff.headers })).statusCode).toBe(403);
    expect((await app.inject({ url, headers: ddets.headers })).statusCode).toBe(403);
  });
});

describe("monthly declaration", () => {
  it("gives one grid per AF with hours pre-filled from the contract", async () => {
    const res = await app.inject({ url: `/api/v1/structures/${structureId}/declarations?month=${month}`, headers: staff.headers });
    expect(res.statusCode).toBe(200);
    const grid = res.json();
    expect(grid.annexes).toHaveLength(1);
    const a = grid.annexes[0];
    expect(a).toMatchObject({ id: annexId, number: "ACI062250001A0M0", etpTarget: 4, declaredEtp: 0 });
    expect(a.lines.map((l: { lastName: string }) => l.lastName)).toEqual(["Durand", "Martin"]);
    const martin = a.lines.find((l: { contractId: number }) => l.contractId === contracts.martin);
    expect(martin.prefilledHours).toBe(151.67);
    expect(martin.declaredHours).toBeNull();
    expect([grid.companyHours, martin.companyHours, martin.companyHoursRemaining]).toEqual([null, null, null]);
  });

  it("validates the grid, then the totals in ETP reflect it; refuses bad hours per line", async () => {
    const url = `/api/v1/structures/${structureId}/declarations`;
    const bad = await app.inject({
      method: "POST",
      url,
      headers: staff.headers,
      payload: { annexId, month, lines: [{ contractId: contracts.ancien, hours: 10 }] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0]).toMatchObject({ field: "lines.0" });
    expect(bad.json().errors[0].message).toContain("sorti avant le mois");
    // Hours placed with companies (capped by L5132-9) are an association intermédiaire's field only.
    const notAi = await app.inject({
      method: "POST",
      url,
      headers: staff.headers,
      payload: { annexId, month, lines: [{ contractId: contracts.martin, hours: 100, companyHours: 10 }] },
    });
    expect(notAi.statusCode).toBe(400);
    expect(notAi.json().errors[0]).toMatchObject({ field: "lines.0.companyHours" });
    expect(notAi.json().errors[0].message).toContain("associations intermédiaires");
    const ok = await app.inject({
      method: "POST",
      url,
      headers: staff.headers,
      payload: {
        annexId,
        month,
        lines: [
          { contractId: contracts.martin, hours: 151.67 },
          { contractId: contracts.durand, hours: 151.67 },
        ],
      },
    });
    expect(ok.statusCode).toBe(200);
    // The response carries what is now recorded for the AF and the month (the screen confirms it).
    expect(ok.json()).toEqual({ upserted: 2, month, annexId, state: "VALIDE", declaredHours: 303.34, declaredEtp: 2 });
    const grid = (await app.inject({ url: `${url}?month=${month}`, headers: staff.headers })).json();
    // 303.34 h ÷ (1820 ÷ 12) = 2.00 ETP
    expect(grid.annexes[0].declaredEtp).toBe(2);
    const undeclared = (
      await app.inject({ url: `/api/v1/structures/${structureId}/persons?undeclared=true`, headers: staff.headers })
    ).json();
    expect(undeclared.items).toEqual([]);
  });

  it("refuses a write without the CSRF token", async () => {
    const res = await app.inject({
      method: "POST",
      url: `/api/v1/structures/${structureId}/declarations`,
      headers: { cookie: staff.headers.cookie },
      payload: { annexId, month, lines: [{ contractId: contracts.martin, hours: 1 }] },
    });
    expect(res.statusCode).toBe(403);
  });
});

describe("exits", () => {
  it("records an exit and returns its category read from the referential", async () => {
    const res = await app.inject({
      method: "POST",
      url: `/api/v1/structures/${structureId}/exits`,
      headers: staff.headers,
      payload: { contractId: contracts.durand, exitOn: today, motifCode: 3 },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ group: "durable", motifLabel: "Embauche en CDI non aidé (autre employeur)" });
    const again = await app.inject({
      method: "POST",
      url: `/api/v1/structures/${structureId}/exits`,
      headers: staff.headers,
      payload: { contractId: contracts.durand, exitOn: today, motifCode: 3 },
    });
    expect(again.statusCode).toBe(400);
    expect(again.json().detail).toContain("déjà enregistrée");
    const list = (await app.inject({ url: `/api/v1/structures/${structureId}/exits?format=csv`, headers: staff.headers })).body;
    expect(list).toContain("Embauche en CDI non aidé (autre employeur)");
  });

  it("refuses a contract of another structure", async () => {
    const res = await app.inject({
      method: "POST",
      url: `/api/v1/structures/${structureId}/exits`,
      headers: staff.headers,
      payload: { contractId: 999999, exitOn: today, motifCode: 3 },
    });
    expect(res.statusCode).toBe(404);
  });
});

describe("salarié page", () => {
  it("shows PASS IAE with remaining days, contract chain, hours and exit — never the NIR", async () => {
    const res = await app.inject({ url: `/api/v1/persons/${persons.durand}`, headers: staff.headers });
    expect(res.statusCode).toBe(200);
    const p = res.json();
    expect(p.approvals[0]).toMatchObject({ numberLast4: "5678", status: "VALID", remainingDays: 61 });
    expect(p.recruitments[0].contracts).toHaveLength(1);
    expect(p.recruitments[0].exit).toMatchObject({ motifCode: 3, group: "durable" });
    expect(p.monthlyHours[0]).toMatchObject({ month, hours: 151.67 });
    expect(JSON.stringify(p)).not.toMatch(/nir_|number_encrypted/);
    expect((await app.inject({ url: `/api/v1/persons/${persons.durand}`, headers: otherStaff.headers })).statusCode).toBe(403);
  });
});
