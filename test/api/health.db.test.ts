import { afterAll, beforeAll, expect, test } from "vitest";
import { listMigrations } from "../../src/db/migrate.js";
import { testCipher } from "../../src/security/personalData.js";
import { buildApp } from "../../src/server/app.js";
import { systemClock } from "../../src/server/context.js";
import { createTestDatabase, type TestDatabase, testEngine } from "../support/testDb.js";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.destroy());

test("GET /api/health names the engine and the schema version; OpenAPI is served", async () => {
  const app = await buildApp({
    handle: t.handle,
    clock: systemClock,
    pii: testCipher(),
    config: { publicUrl: "http://localhost", dataDir: "/nonexistent", bodyLimit: 1_000_000, uploadLimit: 1_000_000 },
  });
  const res = await app.inject({ method: "GET", url: "/api/health" });
  expect(res.statusCode).toBe(200);
  expect(res.json()).toEqual({ status: "ok", engine: testEngine(), schemaVersion: listMigrations().at(-1)!.version });
  const docs = await app.inject({ method: "GET", url: "/api/docs/json" });
  expect(docs.statusCode).toBe(200);
  expect(docs.json().paths["/api/health"]).toBeDefined();
  // Generated from the route contracts: the target and the other parameters of each route are documented.
  const indicators = docs.json().paths["/api/v1/indicators"].get as { parameters: { name: string; in: string }[] };
  expect(indicators.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(
    expect.arrayContaining(["query:scope", "query:year", "query:kind"]),
  );
  const rsa = docs.json().paths["/api/v1/departements/{departement}/rsa"].get as { parameters: { name: string; in: string }[] };
  expect(rsa.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(expect.arrayContaining(["path:departement", "query:year"]));
  const missing = await app.inject({ method: "GET", url: "/api/v1/nothing-here" });
  expect(missing.statusCode).toBe(404);
  expect(missing.headers["content-type"]).toContain("application/problem+json");
  await app.close();
});
