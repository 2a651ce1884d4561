// The département that steers a structure is its convention's (src/db/structureDepartement.ts): the DDETS that
// signed its AF sees the structure, its page and its figures even after its address moves to another
// département; the DDETS of the new address does not — in the policies and in the read models alike.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/server/context.js";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";
import { insertStructure, type TestUser, testApp, userWithSession } from "./support/apiKit.js";

let t: TestDatabase;
let app: App;
let ddets62: TestUser;
let ddets59: TestUser;
let structureId: number;

beforeAll(async () => {
  t = await createTestDatabase();
  structureId = await insertStructure(t, { name: "ACI du Détroit", kind: "ACI", siret: "78787878700078", departementCode: "62" });
  ddets62 = await userWithSession(t, { email: "agent@ddets62.test", role: "departemental", departementCode: "62" });
  ddets59 = await userWithSession(t, { email: "agent@ddets59.test", role: "departemental", departementCode: "59" });
  app = await testApp(t);
  const created = await app.inject({
    method: "POST",
    url: `/api/v1/structures/${structureId}/annexes`,
    headers: ddets62.headers,
    payload: { startsOn: "2019-01-01", endsOn: "2019-12-31", etp: "3" },
  });
  expect(created.statusCode).toBe(201);
  // The structure's address moves to the Nord; its convention stays signed in the Pas-de-Calais.
  await sql`UPDATE structure SET departement_code = '59' WHERE id = ${structureId}`.execute(t.handle.db);
});
afterAll(async () => {
  await app?.close();
  await t.destroy();
});

describe("steering département = convention's", () => {
  it("the signing DDETS reads the page, which shows both départements; the address's DDETS is refused", async () => {
    const page = await app.inject({ url: `/api/v1/structures/${structureId}`, headers: ddets62.headers });
    expect(page.statusCode).toBe(200);
    expect(page.json()).toMatchObject({ departement: "59", conventionDepartement: "62" });
    expect((await app.inject({ url: `/api/v1/structures/${structureId}`, headers: ddets59.headers })).statusCode).toBe(403);
  });

  it("the registry lists it under the convention's département, for its DDETS only", async () => {
    const ids = async (user: TestUser, departement: string) => {
      const res = await app.inject({ url: `/api/v1/structures?departement=${departement}&pageSize=200`, headers: user.headers });
      expect(res.statusCode).toBe(200);
      return (res.json().items as { id: number }[]).map((s) => s.id);
    };
    expect(await ids(ddets62, "62")).toContain(structureId);
    expect(await ids(ddets59, "59")).not.toContain(structureId);
  });

  it("its figures count in 62's indicators, not in 59's", async () => {
    const table = async (user: TestUser, departement: string) => {
      const res = await app.inject({
        url: `/api/v1/indicators/structures?scope=departement:${departement}&year=2019`,
        headers: user.headers,
      });
      expect(res.statusCode).toBe(200);
      return res.json();
    };
    expect(JSON.stringify(await table(ddets62, "62"))).toContain("ACI du Détroit");
    expect(JSON.stringify(await table(ddets59, "59"))).not.toContain("ACI du Détroit");
  });
});
