// One policy per route: every API route of the live app declares a known policy, and the app refuses
// to register a route that has none.
import { afterAll, beforeAll, expect, test } from "vitest";
import { POLICY_NAMES } from "../../src/server/auth/policies.js";
import { routeTableOf } from "../../src/server/auth/plugin.js";
import type { App } from "../../src/server/context.js";
import { testCipher } from "../../src/security/personalData.js";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";
import { buildTestApp, seedWorld } from "./support/fixture.js";

let t: TestDatabase;
let app: App;
beforeAll(async () => {
  t = await createTestDatabase();
  await seedWorld(t.handle.db, testCipher());
  app = await buildTestApp(t, testCipher());
  await app.ready();
  // The routes answer on a live database (anonymous call to a protected route).
  expect((await app.inject({ method: "GET", url: "/api/v1/auth/me" })).statusCode).toBe(401);
});
afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

test("every route of the live app declares a known policy", () => {
  const routes = routeTableOf(app);
  const api = routes.filter((r) => r.url.startsWith("/api/") && !r.url.startsWith("/api/docs"));
  expect(api.length).toBeGreaterThan(5);
  for (const r of routes) {
    expect(POLICY_NAMES, `${r.method} ${r.url}`).toContain(r.policy);
  }
  // Every API route comes with its contract, whose query and path schemas are strict.
  for (const r of api) {
    expect(r.contract, `${r.method} ${r.url}`).toBeDefined();
    for (const schema of [r.contract?.allQuery, r.contract?.allParams]) {
      if (schema) expect(schema._zod.def.catchall?._zod.def.type, `${r.method} ${r.url}`).toBe("never");
    }
  }
  // The collector's table is Fastify's own table.
  for (const r of api) expect(app.hasRoute({ method: r.method as "GET", url: r.url }), `${r.method} ${r.url}`).toBe(true);
  const anonymousWrites = api.filter((r) => r.policy === "public" && r.method !== "GET" && r.method !== "HEAD");
  // Only the login (and invitation acceptance) may be written to without a session.
  for (const r of anonymousWrites) expect(r.url).toMatch(/^\/api\/v1\/(auth\/login|invitations\/)/);
});

test("a route without a policy cannot be registered", async () => {
  const fresh = await buildTestApp(t, testCipher());
  expect(() => fresh.get("/api/v1/sans-politique", async () => ({ leak: true }))).toThrow(/politique d'accès/);
  expect(() =>
    // biome-ignore lint/suspicious/noExplicitAny: deliberately invalid policy name
    fresh.get("/api/v1/politique-inconnue", { config: { policy: "everyone" as any } }, async () => ({})),
  ).toThrow(/politique inconnue/);
  expect(() => fresh.get("/api/v1/sans-contrat", { config: { policy: "authenticated" } }, async () => ({}))).toThrow(/contrat/);
  await fresh.close();
});
