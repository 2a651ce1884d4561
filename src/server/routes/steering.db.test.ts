// API of the envelope: the figures of `passerelle envelope` (same read model), who may read what (DDETS its
// département, DREETS its région, DGEFP all; a SIAE only its own structure), problem+json on bad input.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestUser, testApp, userWithSession } from "../../../test/api/support/apiKit.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/testDb.js";
import { insertDataset, randomDataset } from "../../indicators/testkit/randomDataset.js";
import { envelopeAt } from "../../queries/envelope.js";
import type { App } from "../context.js";
import { observationDate } from "./steering.js";

let t: TestDatabase;
let app: App;
const users: Record<string, TestUser> = {};
let own = 0;
let other = 0;

beforeAll(async () => {
  t = await createTestDatabase();
  const ds = randomDataset(29, { structures: 14, persons: 90 });
  await t.handle.withTransaction(({ db }) => insertDataset(db, ds));
  const in62 = ds.structures.filter((s) => s.departement === "62").map((s) => s.id);
  const out62 = ds.structures.filter((s) => s.departement !== "62").map((s) => s.id);
  own = in62[0] ?? 0;
  other = out62[0] ?? 0;
  users.ddets62 = await userWithSession(t, { email: "agent@ddets62.test", role: "departemental", departementCode: "62" });
  users.ddets59 = await userWithSession(t, { email: "agent@ddets59.test", role: "departemental", departementCode: "59" });
  users.dreets32 = await userWithSession(t, { email: "agent@dreets32.test", role: "regional", regionCode: "32" });
  users.national = await userWithSession(t, { email: "agent@dgefp.test", role: "national" });
  users.siae = await userWithSession(t, { email: "staff@siae.test", role: "siae", structureIds: [own] });
  app = await testApp(t);
});
afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

const get = (who: string, url: string) => app.inject({ url, headers: users[who]?.headers ?? {} });

describe("GET /api/v1/steering/departements/{code}/envelope", () => {
  it("returns what `passerelle envelope` computes", async () => {
    expect(own).toBeGreaterThan(0);
    const res = await get("ddets62", "/api/v1/steering/departements/62/envelope?year=2019&at=2019-06-30");
    expect(res.statusCode).toBe(200);
    const expected = await envelopeAt(t.handle.db, { type: "departement", code: "62" }, "Pas-de-Calais (62)", 2019, "2019-06-30");
    expect(res.json()).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(res.json().structures.length).toBeGreaterThan(0);
  });

  it("lets the DREETS of the région and the DGEFP read it; refuses another DDETS and SIAE users", async () => {
    for (const who of ["dreets32", "national"])
      expect((await get(who, "/api/v1/steering/departements/62/envelope?year=2019")).statusCode, who).toBe(200);
    for (const who of ["ddets59", "siae"]) {
      const res = await get(who, "/api/v1/steering/departements/62/envelope?year=2019");
      expect(res.statusCode, who).toBe(403);
      expect(res.headers["content-type"]).toContain("application/problem+json");
      expect(res.body).not.toContain("Structure ");
    }
    expect((await app.inject({ url: "/api/v1/steering/departements/62/envelope?year=2019" })).statusCode).toBe(401);
  });

  it("refuses an observation date outside the year and unknown keys (400 naming the parameter)", async () => {
    const res = await get("ddets62", "/api/v1/steering/departements/62/envelope?year=2019&at=2020-01-15");
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain("at");
    const extra = await get("ddets62", `/api/v1/steering/departements/62/envelope?year=2019&structureId=${other}`);
    expect(extra.statusCode).toBe(400);
  });
});

describe("GET /api/v1/steering/structures/{id}/envelope", () => {
  it("a SIAE reads its own structure only; the DDETS the structures of its département", async () => {
    const mine = await get("siae", `/api/v1/steering/structures/${own}/envelope?year=2019&at=2019-09-30`);
    expect(mine.statusCode).toBe(200);
    expect(mine.json().structures.map((s: { structureId: number }) => s.structureId)).toEqual([own]);
    expect((await get("siae", `/api/v1/steering/structures/${other}/envelope?year=2019`)).statusCode).toBe(403);
    expect((await get("ddets62", `/api/v1/steering/structures/${own}/envelope?year=2019`)).statusCode).toBe(200);
    expect((await get("ddets62", `/api/v1/steering/structures/${other}/envelope?year=2019`)).statusCode).toBe(403);
    expect((await get("ddets62", "/api/v1/steering/structures/99999999/envelope?year=2019")).statusCode).toBe(404);
  });
});

describe("observation date", () => {
  it("is the date asked, else today in the year, else the end of a past year", () => {
    expect(observationDate(2019, "2019-06-30", "2020-01-15")).toBe("2019-06-30");
    expect(observationDate(2020, undefined, "2020-01-15")).toBe("2020-01-15");
    expect(observationDate(2019, undefined, "2020-01-15")).toBe("2019-12-31");
    expect(observationDate(2021, undefined, "2020-01-15")).toBe("2021-01-31");
  });
});
