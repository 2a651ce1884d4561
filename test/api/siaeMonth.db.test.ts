// The SIAE's month (GET /structures/:id/month) and the application's one clock: on a real database the
// injected real date decides every default; on a demo database its as-of date does. Each count equals
// what the page it links to reads (declaration grid, salariés list filters), and goes down once done.
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/server/app.js";
import type { ServerClock } from "../../src/server/context.js";
import { instanceClock } from "../../src/server/instanceClock.js";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";
import { insertStructure, testContext, type TestUser, userWithSession } from "./support/apiKit.js";

// An injected "real" clock far from the demo's date: what a real instance would read from the system.
const REAL_TODAY = "2023-05-10";
const realClock: ServerClock = { now: () => new Date(), today: () => REAL_TODAY };

let t: TestDatabase;
let app: FastifyInstance;
let structureId: number;
let annexId: number;
let staff: TestUser;
let other: TestUser;
const contracts: Record<string, number> = {};

beforeAll(async () => {
  t = await createTestDatabase();
  const db = t.handle.db;
  structureId = await insertStructure(t, { name: "ACI des Deux Caps", kind: "ACI", siret: "55555555500055", departementCode: "62" });
  const otherId = await insertStructure(t, { name: "Autre ACI", kind: "ACI", siret: "66666666600066", departementCode: "62" });
  annexId = Number(
    (
      await db
        .insertInto("financial_annex")
        .values({
          structure_id: structureId,
          number_prefix: "ACI062230001",
          mesure_code: "ACI_DC",
          state: "VALIDE",
          starts_on: "2023-01-01",
          ends_on: "2023-12-31",
          etp: "3.00",
          annual_hours: "1820",
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id,
  );
  const person = async (last: string, birthYear: number) =>
    Number(
      (
        await db
          .insertInto("person")
          .values({ last_name: last, first_name: "A", birth_year: birthYear })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id,
    );
  const contract = async (key: string, personId: number, startsOn: string, plannedEndOn: string | null) => {
    contracts[key] = Number(
      (
        await db
          .insertInto("contract")
          .values({
            person_id: personId,
            structure_id: structureId,
            mesure_code: "ACI_DC",
            contract_type: "CDDI",
            starts_on: startsOn,
            planned_end_on: plannedEndOn,
            weekly_hours: "26",
            rsa: "NON",
          })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id,
    );
  };
  const martin = await person("Martin", 1990);
  const durand = await person("Durand", 1968);
  const fini = await person("Fini", 1980);
  const futur = await person("Futur", 1995);
  await contract("martin", martin, "2022-06-01", "2023-12-31");
  await contract("durand", durand, "2022-06-01", "2023-12-31");
  await contract("fini", fini, "2022-06-01", "2023-04-30"); // over, no exit recorded
  await contract("futur", futur, "2023-06-01", "2023-12-31"); // planned hiring
  // PASS ending in 20 days (Martin) and 60 days (Durand, 55 years: "50 ans et plus" open).
  await db
    .insertInto("approval")
    .values({ person_id: martin, number_last4: "1234", starts_on: "2021-05-31", ends_on: "2023-05-30" })
    .execute();
  await db
    .insertInto("approval")
    .values({ person_id: durand, number_last4: "5678", starts_on: "2021-07-10", ends_on: "2023-07-09" })
    .execute();
  // The planned hiring's diagnosis (prescriber, 6 months) expires on 2023-04-30, before the first day.
  await db
    .insertInto("eligibility_diagnosis")
    .values({ person_id: futur, author_kind: "prescriber", made_on: "2022-11-01", expires_on: "2023-04-30" })
    .execute();
  // April: Martin declared; Durand and Fini not yet.
  await db
    .insertInto("monthly_declaration")
    .values({
      annex_id: annexId,
      contract_id: contracts.martin!,
      person_id: martin,
      structure_id: structureId,
      month: "2023-04-01",
      hours: "112.00",
      state: "VALIDE",
    })
    .execute();
  staff = await userWithSession(t, { email: "staff@deuxcaps.test", role: "siae", structureIds: [structureId] });
  other = await userWithSession(t, { email: "staff@autre.test", role: "siae", structureIds: [otherId] });
  app = await buildApp({ ...testContext(t), clock: await instanceClock(t.handle.db, realClock) });
});
afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

const get = async <T>(url: string, user: TestUser = staff): Promise<T> => {
  const res = await app.inject({ url, headers: user.headers });
  expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
  return res.json() as T;
};

interface Month {
  today: string;
  declaration: {
    month: string;
    deadline: string;
    late: boolean;
    annexes: number;
    lines: number;
    undeclaredLines: number;
    undeclaredPersons: number;
  };
  pass: { within30: number; within90: number; people: { lastName: string; remainingDays: number; reasons: { code: string }[] }[] };
  diagnoses: { count: number; people: { lastName: string; diagnosisExpiresOn: string }[] };
  exits: { toRecord: number };
  fiches: { toSend: number; toCorrect: number; awaitingReturn: number; rejected: number };
  consumption: { year: number; etpConventionnes: number; months: { month: string; declared: boolean }[] } | null;
}

describe("a real instance: today is the (injected) real date", () => {
  it("calendar and instance say so: no demo, the month to declare is the previous one", async () => {
    expect(await get("/api/v1/referentials/calendar")).toMatchObject({
      today: REAL_TODAY,
      currentMonth: "2023-05",
      declarationMonth: "2023-04",
      demoAsOf: null,
    });
    const instance = await app.inject({ url: "/api/v1/instance" });
    expect(instance.statusCode).toBe(200);
    expect(instance.json()).toEqual({ demoAsOf: null });
  });

  it("the SIAE's month: each count is the one of the page it links to", async () => {
    const m = await get<Month>(`/api/v1/structures/${structureId}/month`);
    expect(m.today).toBe(REAL_TODAY);
    expect(m.declaration).toMatchObject({
      month: "2023-04",
      deadline: "2023-05-31",
      late: false,
      annexes: 1,
      lines: 3,
      undeclaredLines: 2,
      undeclaredPersons: 2,
    });
    const grid = await get<{ annexes: { lines: { declarationState: string | null }[] }[] }>(
      `/api/v1/structures/${structureId}/declarations?month=2023-04`,
    );
    expect(grid.annexes.flatMap((a) => a.lines).filter((l) => l.declarationState !== "VALIDE")).toHaveLength(m.declaration.undeclaredLines);

    expect(m.pass).toMatchObject({ within30: 1, within90: 2 });
    expect((await get<{ total: number }>(`/api/v1/structures/${structureId}/persons?passEndingWithin=30`)).total).toBe(m.pass.within30);
    expect((await get<{ total: number }>(`/api/v1/structures/${structureId}/persons?passEndingWithin=90`)).total).toBe(m.pass.within90);
    expect(m.pass.people.map((p) => [p.lastName, p.remainingDays])).toEqual([
      ["Martin", 21],
      ["Durand", 61],
    ]);
    expect(m.pass.people[1]?.reasons.map((r) => r.code)).toContain("SENIOR");
    expect(m.pass.people[0]?.reasons.map((r) => r.code)).not.toContain("SENIOR");

    expect(m.exits.toRecord).toBe(1);
    expect(
      (await get<{ total: number; items: { lastName: string }[] }>(`/api/v1/structures/${structureId}/persons?toExit=true`)).items.map(
        (i) => i.lastName,
      ),
    ).toEqual(["Fini"]);

    expect(m.diagnoses).toEqual({
      count: 1,
      people: [expect.objectContaining({ lastName: "Futur", contractStart: "2023-06-01", diagnosisExpiresOn: "2023-04-30" })],
    });
    expect(m.fiches).toMatchObject({ rejected: 0 });
    expect(m.consumption).toMatchObject({ year: 2023, etpConventionnes: 3 });
    expect(m.consumption?.months.map((x) => [x.month, x.declared])).toEqual([
      ["2023-01", false],
      ["2023-02", false],
      ["2023-03", false],
      ["2023-04", true],
    ]);
  });

  it("declaring the month and recording the exit bring the counts down", async () => {
    const res = await app.inject({
      method: "POST",
      url: `/api/v1/structures/${structureId}/declarations`,
      headers: staff.headers,
      payload: {
        annexId,
        month: "2023-04",
        lines: [
          { contractId: contracts.durand, hours: 112 },
          { contractId: contracts.fini, hours: 100 },
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    const motifs = await get<{ code: number }[]>("/api/v1/referentials/exit-motifs");
    const exit = await app.inject({
      method: "POST",
      url: `/api/v1/structures/${structureId}/exits`,
      headers: staff.headers,
      payload: { contractId: contracts.fini, exitOn: "2023-04-30", motifCode: motifs[0]?.code },
    });
    expect(exit.statusCode, exit.body).toBe(201);
    const m = await get<Month>(`/api/v1/structures/${structureId}/month`);
    expect(m.declaration).toMatchObject({ undeclaredLines: 0, undeclaredPersons: 0 });
    expect(m.exits.toRecord).toBe(0);
    expect((await get<{ total: number }>(`/api/v1/structures/${structureId}/persons?toExit=true`)).total).toBe(0);
  });

  it("is reserved to the structure's members", async () => {
    expect((await app.inject({ url: `/api/v1/structures/${structureId}/month`, headers: other.headers })).statusCode).toBe(403);
    expect((await app.inject({ url: `/api/v1/structures/${structureId}/month` })).statusCode).toBe(401);
  });
});

describe("a demo database: today is its as-of date, whatever the real date", () => {
  it("reads demo_state once at start; calendar, instance and the SIAE's month follow it", async () => {
    await t.handle.db.insertInto("demo_state").values({ departement_code: "62", state: "complete", as_of: "2020-01-15" }).execute();
    const clock = await instanceClock(t.handle.db, realClock);
    expect([clock.today(), clock.demoAsOf]).toEqual(["2020-01-15", "2020-01-15"]);
    const demoApp = await buildApp({ ...testContext(t), clock });
    try {
      const calendar = (await demoApp.inject({ url: "/api/v1/referentials/calendar", headers: staff.headers })).json();
      expect(calendar).toMatchObject({ today: "2020-01-15", currentMonth: "2020-01", declarationMonth: "2019-12", demoAsOf: "2020-01-15" });
      expect((await demoApp.inject({ url: "/api/v1/instance" })).json()).toEqual({ demoAsOf: "2020-01-15" });
      const m = (await demoApp.inject({ url: `/api/v1/structures/${structureId}/month`, headers: staff.headers })).json();
      expect(m.today).toBe("2020-01-15");
      expect(m.declaration.month).toBe("2019-12");
    } finally {
      await demoApp.close();
      await t.handle.db.deleteFrom("demo_state").execute();
    }
    // A load still in progress is no demo yet: the real date.
    await t.handle.db.insertInto("demo_state").values({ departement_code: "62", state: "loading", as_of: "2020-01-15" }).execute();
    expect((await instanceClock(t.handle.db, realClock)).today()).toBe(REAL_TODAY);
    await t.handle.db.deleteFrom("demo_state").execute();
  });
});
