// AF creation / new version through the API (aide au poste from the barème, modulated part, funding
// lines), the what-if of next year, and the simulation route (same function as `simulate af`).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSimulateAf } from "../../src/cli/commands/simulate.js";
import { simulateAf, simulateNextYear } from "../../src/domain/aid/simulate.js";
import { loadBaremeRows } from "../../src/operations/referenceData.js";
import type { App } from "../../src/server/context.js";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";
import { insertStructure, type TestUser, testApp, userWithSession } from "./support/apiKit.js";

let t: TestDatabase;
let app: App;
let ddets: TestUser;
let siae: TestUser;
let structureId: number;

beforeAll(async () => {
  t = await createTestDatabase();
  structureId = await insertStructure(t, { name: "ACI des Deux Caps", kind: "ACI", siret: "12121212100012", departementCode: "62" });
  ddets = await userWithSession(t, { email: "agent@ddets62.test", role: "departemental", departementCode: "62" });
  siae = await userWithSession(t, { email: "staff@caps.test", role: "siae", structureIds: [structureId] });
  app = await testApp(t);
});
afterAll(async () => {
  await app?.close();
  await t.destroy();
});

describe("annexes financières", () => {
  let annexId: number;

  it("creates an AF whose total comes from the barème, with funding lines and a modulated part", async () => {
    const sim = simulateAf(
      { kind: "ACI", etp: "10", from: "2019-01-01", to: "2019-12-31", modulationPercent: "5" },
      await loadBaremeRows(t.handle.db),
    );
    const res = await app.inject({
      method: "POST",
      url: `/api/v1/structures/${structureId}/annexes`,
      headers: ddets.headers,
      payload: {
        startsOn: "2019-01-01",
        endsOn: "2019-12-31",
        etp: "10",
        modulationPercent: "5",
        funding: [
          { code: "ETAT_DROIT_COMMUN", amount: (Number(sim.total) - 20000).toFixed(2) },
          { code: "CONSEIL_DEPARTEMENTAL", amount: "20000" },
        ],
      },
    });
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created.total).toBe(sim.total);
    expect(created.unitAmount).toBe(sim.unitAmount);
    expect(created.number).toMatch(/^ACI06219\d{4}A0M0$/);
    annexId = created.id;
    const detail = (await app.inject({ url: `/api/v1/structures/${structureId}/annexes/${annexId}`, headers: ddets.headers })).json();
    expect(detail).toMatchObject({ state: "VALIDE", modulatedAmount: sim.modulatedAmount, totalAmount: sim.total });
    expect(detail.funding.map((f: { code: string }) => f.code).sort()).toEqual(["CONSEIL_DEPARTEMENTAL", "ETAT_DROIT_COMMUN"]);
  });

  it("names the wrong field when funding lines do not add up; SIAE staff cannot write an AF", async () => {
    const bad = await app.inject({
      method: "POST",
      url: `/api/v1/structures/${structureId}/annexes`,
      headers: ddets.headers,
      payload: { startsOn: "2019-01-01", endsOn: "2019-12-31", etp: "2", funding: [{ code: "ETAT_DROIT_COMMUN", amount: "1" }] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe("funding");
    const forbidden = await app.inject({
      method: "POST",
      url: `/api/v1/structures/${structureId}/annexes`,
      headers: siae.headers,
      payload: { startsOn: "2019-01-01", endsOn: "2019-12-31", etp: "2" },
    });
    expect(forbidden.statusCode).toBe(403);
  });

  it("edits an AF as a new version M+1 and historises the previous one", async () => {
    const res = await app.inject({
      method: "POST",
      url: `/api/v1/structures/${structureId}/annexes/${annexId}/versions`,
      headers: ddets.headers,
      payload: { startsOn: "2019-01-01", endsOn: "2019-12-31", etp: "12" },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().number).toMatch(/A0M1$/);
    expect(res.json().historisedId).toBe(annexId);
    const old = (await app.inject({ url: `/api/v1/structures/${structureId}/annexes/${annexId}`, headers: ddets.headers })).json();
    expect(old.state).toBe("HISTORISE");
    const again = await app.inject({
      method: "POST",
      url: `/api/v1/structures/${structureId}/annexes/${annexId}/versions`,
      headers: ddets.headers,
      payload: { startsOn: "2019-01-01", endsOn: "2019-12-31", etp: "13" },
    });
    expect(again.statusCode).toBe(409);
    const structure = (await app.inject({ url: `/api/v1/structures/${structureId}`, headers: ddets.headers })).json();
    expect(structure.annexesWithoutConvention.map((a: { state: string }) => a.state)).toEqual(["VALIDE", "HISTORISE"]);
    const current = (
      await app.inject({ url: `/api/v1/structures/${structureId}/annexes/${res.json().id}`, headers: ddets.headers })
    ).json();
    expect(current.versions.map((v: { modification: number; state: string; etp: string }) => [v.modification, v.state, v.etp])).toEqual([
      [1, "VALIDE", "12.00"],
      [0, "HISTORISE", "10.00"],
    ]);
    expect(current.versions[0].totalAmount).toBe(res.json().total);
  });

  it("refuses an AF over two calendar years or with no ETP, naming the field in French", async () => {
    const twoYears = await app.inject({
      method: "POST",
      url: `/api/v1/structures/${structureId}/annexes`,
      headers: ddets.headers,
      payload: { startsOn: "2019-07-01", endsOn: "2020-06-30", etp: "2" },
    });
    expect(twoYears.statusCode).toBe(400);
    expect(twoYears.json().errors).toEqual([
      { field: "/endsOn", message: "Une annexe financière couvre une seule année civile : date de fin attendue en 2019." },
    ]);
    const noEtp = await app.inject({
      method: "POST",
      url: `/api/v1/structures/${structureId}/annexes`,
      headers: ddets.headers,
      payload: { startsOn: "2019-01-01", endsOn: "2019-12-31", etp: "0" },
    });
    expect(noEtp.statusCode).toBe(400);
    expect(noEtp.json().errors[0].field).toBe("/etp");
  });

  it("lets the structure's staff read the AF, its versions and next year's what-if, not write a version", async () => {
    const read = await app.inject({ url: `/api/v1/structures/${structureId}/annexes/${annexId}`, headers: siae.headers });
    expect(read.statusCode).toBe(200);
    expect(read.json().versions).toHaveLength(2);
    const current = read.json().versions[0].id;
    expect(
      (await app.inject({ url: `/api/v1/structures/${structureId}/annexes/${current}/next-year`, headers: siae.headers })).statusCode,
    ).toBe(200);
    const write = await app.inject({
      method: "POST",
      url: `/api/v1/structures/${structureId}/annexes/${current}/versions`,
      headers: siae.headers,
      payload: { startsOn: "2019-01-01", endsOn: "2019-12-31", etp: "1" },
    });
    expect(write.statusCode).toBe(403);
  });

  it("answers 404 for another structure's AF on every AF route", async () => {
    const other = await insertStructure(t, { name: "EI du Boulonnais", kind: "EI", siret: "34343434300034", departementCode: "62" });
    const payload = { startsOn: "2019-01-01", endsOn: "2019-12-31", etp: "1" };
    const responses = await Promise.all([
      app.inject({ url: `/api/v1/structures/${other}/annexes/${annexId}`, headers: ddets.headers }),
      app.inject({ method: "POST", url: `/api/v1/structures/${other}/annexes/${annexId}/versions`, headers: ddets.headers, payload }),
      app.inject({ url: `/api/v1/structures/${other}/annexes/${annexId}/next-year`, headers: ddets.headers }),
    ]);
    expect(responses.map((r) => r.statusCode)).toEqual([404, 404, 404]);
    expect(responses[0]?.json().detail).toBe(`Aucune annexe financière n° ${annexId} pour cette structure.`);
  });

  it("simulates next year's allocation of the current version", async () => {
    const current = (await app.inject({ url: `/api/v1/structures/${structureId}`, headers: ddets.headers })).json()
      .annexesWithoutConvention[0];
    const res = await app.inject({
      url: `/api/v1/structures/${structureId}/annexes/${current.id}/next-year?etpChange=1,5`,
      headers: ddets.headers,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.nextEtp).toBe("13.5");
    expect(body.next.months).toBe(12);
    expect(body.next.monthly[0].month).toBe("2020-01");
    expect(body.lastYearTotal).toBe(current.totalAmount.toFixed(2));
    const direct = simulateAf({ kind: "ACI", etp: "13.5", from: "2020-01-01", to: "2020-12-31" }, await loadBaremeRows(t.handle.db));
    expect(body.next).toEqual(direct);
    expect(body.difference).toBe((Number(direct.total) - current.totalAmount).toFixed(2));
    const modulated = (
      await app.inject({
        url: `/api/v1/structures/${structureId}/annexes/${current.id}/next-year?etpChange=0&modulation=12`,
        headers: ddets.headers,
      })
    ).json();
    expect(modulated.status).toBe(422);
  });
});

describe("OpenAPI", () => {
  it("takes the Mayotte barème for a structure in Mayotte, in the AF and in next year's what-if", async () => {
    const mayotte = await insertStructure(t, { name: "ACI de Mamoudzou", kind: "ACI", siret: "56565656500056", departementCode: "976" });
    const dgefp = await userWithSession(t, { email: "agent@dgefp.test", role: "national" });
    const bareme = await loadBaremeRows(t.handle.db);
    const expected = simulateAf({ kind: "ACI", etp: "4", from: "2022-01-01", to: "2022-12-31", territory: "mayotte" }, bareme);
    const droitCommun = simulateAf({ kind: "ACI", etp: "4", from: "2022-01-01", to: "2022-12-31" }, bareme);
    expect(expected.unitAmount).not.toBe(droitCommun.unitAmount);
    const res = await app.inject({
      method: "POST",
      url: `/api/v1/structures/${mayotte}/annexes`,
      headers: dgefp.headers,
      payload: { startsOn: "2022-01-01", endsOn: "2022-12-31", etp: "4" },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().unitAmount).toBe(expected.unitAmount);
    const next = (
      await app.inject({ url: `/api/v1/structures/${mayotte}/annexes/${res.json().id}/next-year?etpChange=0`, headers: dgefp.headers })
    ).json();
    const expectedNext = simulateNextYear(
      {
        kind: "ACI",
        lastYear: { etp: "4", from: "2022-01-01", to: "2022-12-31", total: expected.total },
        etpChange: "0",
        territory: "mayotte",
      },
      bareme,
    );
    const droitCommunNext = simulateNextYear(
      { kind: "ACI", lastYear: { etp: "4", from: "2022-01-01", to: "2022-12-31", total: expected.total }, etpChange: "0" },
      bareme,
    );
    expect(expectedNext.next.total).not.toBe(droitCommunNext.next.total);
    expect(next.next.total).toBe(expectedNext.next.total);
  });

  it("documents the AF routes with their body", async () => {
    const docs = (await app.inject({ url: "/api/docs/json" })).json();
    const create = docs.paths["/api/v1/structures/{structureId}/annexes"].post;
    expect(Object.keys(create.requestBody.content["application/json"].schema.properties)).toEqual(
      expect.arrayContaining(["startsOn", "endsOn", "etp", "modulationPercent", "funding"]),
    );
    expect(docs.paths["/api/v1/structures/{structureId}/annexes/{annexId}/versions"].post).toBeDefined();
    expect(docs.paths["/api/v1/structures/{structureId}/annexes/{annexId}/next-year"].get).toBeDefined();
    expect(docs.paths["/api/v1/simulations/af"].get).toBeDefined();
  });
});

describe("GET /api/v1/simulations/af", () => {
  it("returns simulateAf's result and refuses an empty period with a French message", async () => {
    const res = await app.inject({
      url: "/api/v1/simulations/af?kind=EI&etp=3&from=2019-01-01&to=2019-06-30&modulation=10",
      headers: siae.headers,
    });
    expect(res.statusCode).toBe(200);
    const direct = simulateAf(
      { kind: "EI", etp: "3", from: "2019-01-01", to: "2019-06-30", modulationPercent: "10" },
      await loadBaremeRows(t.handle.db),
    );
    expect(res.json()).toEqual(direct);
    // Same figures as `passerelle simulate af --json` (barème of the reference file vs the seeded table).
    let printed = "";
    expect(
      runSimulateAf(
        { kind: "EI", etp: "3", from: "2019-01-01", to: "2019-06-30", modulation: "10", json: true },
        (s) => (printed += s),
        () => undefined,
      ),
    ).toBe(0);
    const cli = JSON.parse(printed);
    const api = res.json();
    expect({
      kind: api.kind,
      unitAmount: api.unitAmount,
      months: api.months,
      total: api.total,
      modulatedAmount: api.modulatedAmount,
    }).toEqual({
      kind: cli.kind,
      unitAmount: cli.unitAmount,
      months: cli.months,
      total: cli.total,
      modulatedAmount: cli.modulatedAmount,
    });
    expect(api.monthly.map((m: { month: string; amount: string }) => ({ month: m.month, amount: m.amount }))).toEqual(cli.monthly);
    const bad = await app.inject({ url: "/api/v1/simulations/af?kind=EI&etp=3&from=2019-06-30&to=2019-01-01", headers: siae.headers });
    expect(bad.statusCode).toBe(422);
    expect(bad.headers["content-type"]).toContain("application/problem+json");
  });
});
