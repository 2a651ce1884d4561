// Stateless servers: two app instances on the same PostgreSQL database serve the same session
// (sessions live in the database). PGlite is single-process: the test is skipped there, visibly.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/server/context.js";
import { createTestDatabase, type TestDatabase, testEngine } from "../support/testDb.js";
import { insertStructure, type TestUser, testApp, userWithSession } from "./support/apiKit.js";

const onPostgres = testEngine() === "postgresql";
if (!onPostgres) process.stderr.write("two-instances: ignoré sur PGlite (un seul processus) — lancer avec TEST_DATABASE_URL\n");

describe.skipIf(!onPostgres)("two instances on one PostgreSQL database (skipped on PGlite: single process)", () => {
  let t: TestDatabase;
  let a: App;
  let b: App;
  let user: TestUser;

  beforeAll(async () => {
    t = await createTestDatabase();
    await insertStructure(t, { name: "ACI Partagée", kind: "ACI", siret: "14141414100014", departementCode: "62" });
    user = await userWithSession(t, { email: "agent@ddets62.test", role: "departemental", departementCode: "62" });
    a = await testApp(t);
    b = await testApp(t);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await t?.destroy();
  });

  it("alternates requests with the same session cookie; a logout on one instance ends it on the other", async () => {
    for (let i = 0; i < 6; i++) {
      const app = i % 2 === 0 ? a : b;
      const res = await app.inject({ url: "/api/v1/structures", headers: user.headers });
      expect(res.statusCode).toBe(200);
      expect(res.json().total).toBe(1);
    }
    const logout = await b.inject({ method: "POST", url: "/api/v1/auth/logout", headers: user.headers, payload: {} });
    expect(logout.statusCode).toBeLessThan(300);
    expect((await a.inject({ url: "/api/v1/structures", headers: user.headers })).statusCode).toBe(401);
  });
});
