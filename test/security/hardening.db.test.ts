// Hardening: security headers, malformed and oversized bodies answered 4xx (never 5xx), strict
// validation, and a small fuzz run (fast-check) over the public endpoints.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { App } from "../../src/server/context.js";
import { testCipher } from "../../src/security/personalData.js";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";
import { buildTestApp, type LoggedIn, login, seedWorld, type World } from "./support/fixture.js";

let t: TestDatabase;
let app: App;
let world: World;
let admin: LoggedIn;

beforeAll(async () => {
  t = await createTestDatabase();
  world = await seedWorld(t.handle.db, testCipher());
  app = await buildTestApp(t, testCipher(), { config: { bodyLimit: 16 * 1024 } });
  admin = await login(app, world.users.siaeAdmin.email);
});
afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

describe("headers", () => {
  test("CSP with frame-ancestors 'none', nosniff, no HSTS over plain HTTP", async () => {
    const res = await app.inject({ method: "GET", url: "/api/health" });
    const csp = String(res.headers["content-security-policy"]);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["strict-transport-security"]).toBeUndefined();
  });
});

describe("bad bodies are 4xx, never 5xx", () => {
  const cases: Array<{ name: string; payload: string; type?: string; status: number[] }> = [
    { name: "truncated JSON", payload: '{"email":"a@b.fr",', status: [400] },
    { name: "not JSON at all", payload: "<xml/>", status: [400] },
    { name: "JSON array", payload: "[1,2,3]", status: [400] },
    { name: "wrong types", payload: '{"email":42,"password":{"$gt":""}}', status: [400] },
    { name: "prototype pollution", payload: '{"__proto__":{"admin":true},"email":"a@b.fr","password":"x"}', status: [400, 401] },
    { name: "oversized body", payload: JSON.stringify({ email: "a@b.fr", password: "x".repeat(64 * 1024) }), status: [413] },
    { name: "unsupported type", payload: "email=a", type: "text/csv", status: [415] },
    { name: "empty body", payload: "", status: [400] },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const res = await app.inject({
        method: "POST",
        url: "/api/v1/auth/login",
        headers: { "content-type": c.type ?? "application/json" },
        payload: c.payload,
      });
      expect(c.status, `${res.statusCode} ${res.body.slice(0, 200)}`).toContain(res.statusCode);
      expect(res.headers["content-type"]).toContain("application/problem+json");
    });
  }

  test("strict validation: unknown fields refused on writes, malformed ids refused", async () => {
    const extra = await app.inject({
      method: "POST",
      url: `/api/v1/structures/${world.s1}/invitations`,
      headers: admin.headers,
      payload: { email: "ok@exemple.fr", role: "admin" },
    });
    expect(extra.statusCode).toBe(400);
    const badId = await app.inject({ method: "GET", url: "/api/v1/persons/1;DROP TABLE person/export", headers: admin.headers });
    expect([400, 404]).toContain(badId.statusCode);
    const huge = await app.inject({ method: "GET", url: "/api/v1/persons/99999999999999999999/export", headers: admin.headers });
    expect(huge.statusCode).toBe(400);
    const count = await t.handle.db
      .selectFrom("person")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(3);
  });
});

describe("fuzz", () => {
  test("random bodies, paths and query strings on the public endpoints never cause a 5xx", async () => {
    const json = fc.jsonValue({ maxDepth: 3 });
    const text = fc.string({ maxLength: 200 });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          "/api/v1/auth/login",
          "/api/v1/invitations/%s/accept",
          "/api/v1/invitations/%s",
          "/api/v1/auth/oidc/callback?code=%s&state=%s",
          "/api/health?%s",
          "/api/v1/structures/%s",
        ),
        fc.oneof(
          json.map((v) => JSON.stringify(v)),
          text,
        ),
        text,
        fc.constantFrom("GET", "POST"),
        async (path, body, segment, method) => {
          const url = path.replaceAll("%s", encodeURIComponent(segment));
          const res = await app.inject({
            method: method as "GET",
            url,
            headers: { "content-type": "application/json" },
            ...(method === "POST" ? { payload: body } : {}),
          });
          expect(res.statusCode, `${method} ${url} ${body.slice(0, 80)} → ${res.body.slice(0, 200)}`).toBeLessThan(500);
        },
      ),
      { numRuns: 150, seed: 20261127 },
    );
  });
});
