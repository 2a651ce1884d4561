// Operations: /metrics in Prometheus format (request duration per route pattern, pool, queue depth;
// bearer token when configured), /api/ready (ready, then 503 while draining), the request id in every
// problem+json and in X-Request-Id (the proxy's when sane), and load shedding (503 on the API while the
// event loop lags; health and readiness still answer).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/server/app.js";
import type { App } from "../../src/server/context.js";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";
import { testApp, testContext, type TestUser, userWithSession } from "./support/apiKit.js";

let t: TestDatabase;
let app: App;
let user: TestUser;
beforeAll(async () => {
  t = await createTestDatabase();
  user = await userWithSession(t, { email: "dgefp@ops.test", role: "national" });
  app = await testApp(t);
});
afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

describe("operations", () => {
  it("/metrics: request duration histogram per route pattern, pool, queue depth, cache lookups", async () => {
    await app.inject({ url: "/api/health" });
    await app.inject({ url: "/api/v1/structures/123456", headers: user.headers });
    const res = await app.inject({ url: "/metrics" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toContain("text/plain");
    expect(res.body).toMatch(/passerelle_http_request_duration_seconds_bucket\{[^}]*route="\/api\/health"[^}]*\} [1-9]/);
    expect(res.body).toContain('route="/api/v1/structures/:structureId"');
    expect(res.body).not.toContain("123456");
    expect(res.body).toMatch(/passerelle_db_pool_connections\{state="total"\} \d+/);
    expect(res.body).toMatch(/passerelle_jobs\{status="queued"\} 0/);
    expect(res.body).toContain("passerelle_cache_lookups");
    expect(res.body).toContain("passerelle_import_rows_total");
  });

  it("/metrics asks for the bearer token when one is configured", async () => {
    const guarded = await buildApp({ ...testContext(t), config: { ...testContext(t).config, metricsToken: "jeton-secret" } });
    try {
      expect((await guarded.inject({ url: "/metrics" })).statusCode).toBe(401);
      expect((await guarded.inject({ url: "/metrics", headers: { authorization: "Bearer autre-jeton!" } })).statusCode).toBe(401);
      expect((await guarded.inject({ url: "/metrics", headers: { authorization: "Bearer jeton-secret" } })).statusCode).toBe(200);
    } finally {
      await guarded.close();
    }
  });

  it("/api/ready: ready with the queue depth, 503 once the instance drains; /api/health unchanged", async () => {
    const other = await testApp(t);
    try {
      const ready = await other.inject({ url: "/api/ready" });
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toMatchObject({ status: "ready", engine: t.handle.engine, jobs: { queued: 0, running: 0 } });
      other.readiness.draining = true;
      const draining = await other.inject({ url: "/api/ready" });
      expect(draining.statusCode).toBe(503);
      expect(draining.json()).toMatchObject({ status: "stopping" });
      const health = await other.inject({ url: "/api/health" });
      expect(health.statusCode).toBe(200);
      expect(Object.keys(health.json()).sort()).toEqual(["engine", "schemaVersion", "status"]);
    } finally {
      await other.close();
    }
  });

  it("puts the request id in every problem+json and in X-Request-Id; keeps a sane one from the proxy only", async () => {
    const res = await app.inject({ url: "/api/v1/nulle-part" });
    expect(res.statusCode).toBe(404);
    expect(res.json().requestId).toBe(res.headers["x-request-id"]);
    expect(res.json().requestId).toMatch(/^[0-9a-f-]{36}$/);
    const proxied = await app.inject({ url: "/api/v1/structures", headers: { "x-request-id": "proxy-42.a" } });
    expect(proxied.statusCode).toBe(401);
    expect(proxied.json().requestId).toBe("proxy-42.a");
    const hostile = await app.inject({ url: "/api/v1/structures", headers: { "x-request-id": "<script>alert(1)</script>" } });
    expect(hostile.json().requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("sheds load: the API answers 503 problem+json while the event loop lags; health still answers", async () => {
    const shedding = await buildApp({ ...testContext(t), config: { ...testContext(t).config, maxEventLoopDelayMs: 20 } });
    try {
      await shedding.ready();
      // Block the event loop, then let the sampler see the lag.
      const until = Date.now() + 1500;
      while (Date.now() < until) {
        /* busy */
      }
      await new Promise((r) => setTimeout(r, 50));
      const api = await shedding.inject({ url: "/api/v1/structures", headers: user.headers });
      expect(api.statusCode).toBe(503);
      expect(api.headers["retry-after"]).toBe("5");
      expect(api.json()).toMatchObject({ title: "Service surchargé", requestId: expect.any(String) });
      expect((await shedding.inject({ url: "/api/health" })).statusCode).toBe(200);
    } finally {
      await shedding.close();
    }
  });
});
