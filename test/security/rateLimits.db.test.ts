// Request rate limits as an attacker meets them (src/server/rateLimit.ts), generated from the live route
// table: every anonymous API route is limited per client address whatever session the caller shows and
// whatever X-Forwarded-For it forges; the counters live in the database, so a second app instance on
// the same database sees them; the expensive routes (imports, reports, exports) are limited per account.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { testCipher } from "../../src/security/personalData.js";
import { routeTableOf, type RouteRecord } from "../../src/server/auth/plugin.js";
import type { App } from "../../src/server/context.js";
import { RATE_LIMITS, type RateLimitClass, rateLimitClassOf } from "../../src/server/rateLimit.js";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";
import { buildTestApp, type LoggedIn, login, movableClock, PERSONAS, type Persona, seedWorld, type World } from "./support/fixture.js";
import { build, urlOf } from "./support/requests.js";

let t: TestDatabase;
let world: World;
let app: App;
let second: App;
const clock = movableClock();
const sessions = {} as Record<Persona, LoggedIn>;

beforeAll(async () => {
  t = await createTestDatabase();
  world = await seedWorld(t.handle.db, testCipher());
  // The production limits (RATE_LIMITS), not the test fixture's unlimited ones.
  app = await buildTestApp(t, testCipher(), { clock, config: { rateLimits: RATE_LIMITS } });
  second = await buildTestApp(t, testCipher(), { clock, config: { rateLimits: RATE_LIMITS } });
  for (const p of PERSONAS) sessions[p] = await login(app, world.users[p].email);
});
afterAll(async () => {
  await app?.close();
  await second?.close();
  await t?.destroy();
});

const classOf = (r: RouteRecord): RateLimitClass | null =>
  rateLimitClassOf({
    method: r.method,
    url: r.url,
    policy: r.policy,
    hasFormat: Boolean(r.contract?.query && "format" in (r.contract.query.shape ?? {})),
  });

function anonymousRoutes(a: App): RouteRecord[] {
  return routeTableOf(a).filter((r) => r.url.startsWith("/api/v1/") && r.policy === "public" && r.method !== "HEAD");
}

let nextAddress = 10;
/** A fresh client address per case, so that the cases do not share counters. */
const freshAddress = () => `198.18.${Math.floor(nextAddress / 250)}.${nextAddress++ % 250}`;

describe("anonymous routes: limited per client address", () => {
  test("every anonymous API route has a limit (a route added later gets one by construction)", () => {
    const routes = anonymousRoutes(app);
    expect(routes.length).toBeGreaterThanOrEqual(5);
    for (const r of routes) expect(classOf(r), `${r.method} ${r.url}`).not.toBeNull();
    expect(classOf({ method: "POST", url: "/api/v1/auth/login", policy: "public" })).toBe("login");
    expect(classOf({ method: "GET", url: "/api/v1/auth/oidc/callback", policy: "public" })).toBe("sso");
    expect(classOf({ method: "POST", url: "/api/v1/invitations/:token/accept", policy: "public" })).toBe("invitation");
  });

  test("route × persona: past its limit, an anonymous route answers 429 to the address, whatever session or forged X-Forwarded-For it shows; another address still passes", async () => {
    const callers: (LoggedIn | null)[] = [null, ...PERSONAS.map((p) => sessions[p])];
    for (const r of anonymousRoutes(app)) {
      const kind = classOf(r) as RateLimitClass;
      const url = urlOf(build(r, world, "home"));
      const address = freshAddress();
      const limit = RATE_LIMITS[kind].max;
      const send = (i: number, remoteAddress: string) => {
        const caller = callers[i % callers.length];
        return app.inject({
          method: r.method as "GET" | "POST",
          url,
          remoteAddress,
          headers: { "x-forwarded-for": `203.0.113.${i % 250}`, ...(caller ? { cookie: caller.cookie, "x-csrf-token": caller.csrf } : {}) },
          ...(r.method === "POST" ? { payload: r.url.endsWith("/login") ? { email: `x${i}@exemple.fr`, password: "x" } : {} } : {}),
        });
      };
      for (let i = 0; i < limit; i++) {
        const res = await send(i, address);
        expect(res.statusCode, `${r.method} ${r.url} #${i}: ${res.body.slice(0, 200)}`).not.toBe(503);
        if (kind !== "login") expect(res.statusCode, `${r.method} ${r.url} #${i}`).not.toBe(429);
      }
      const refused = await send(limit, address);
      expect(refused.statusCode, `${r.method} ${r.url} over its limit`).toBe(429);
      expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
      expect(refused.headers["content-type"]).toContain("application/problem+json");
      const elsewhere = await send(0, freshAddress());
      expect(elsewhere.statusCode, `${r.method} ${r.url} from another address`).not.toBe(429);
    }
  });

  test("the login counter is in the database: a second instance on the same database sees it", async () => {
    const address = freshAddress();
    // Malformed bodies: counted by the request limit, never by the failed-login throttle.
    const attempt = (a: App) => a.inject({ method: "POST", url: "/api/v1/auth/login", remoteAddress: address, payload: {} });
    for (let i = 0; i < 20; i++) expect((await attempt(app)).statusCode).toBe(400);
    const onSecond: number[] = [];
    for (let i = 20; i < RATE_LIMITS.login.max + 1; i++) onSecond.push((await attempt(second)).statusCode);
    expect(onSecond.at(-2)).toBe(400);
    expect(onSecond.at(-1)).toBe(429);
    clock.advance(RATE_LIMITS.login.windowMs + 1000);
    expect((await attempt(second)).statusCode).toBe(400);
  });
});

describe("expensive routes: limited per account", () => {
  const small = { max: 2, windowMs: 60_000 };
  let tight: App;
  beforeAll(async () => {
    tight = await buildTestApp(t, testCipher(), {
      clock,
      config: { rateLimits: { ...RATE_LIMITS, import: small, report: small, export: small } },
    });
  });
  afterAll(async () => tight?.close());

  test("imports, reports and exports: the third call of an account within the window is refused; the other accounts are not", async () => {
    const admin = await login(tight, world.users.admin.email);
    const limited = routeTableOf(tight).filter((r) => r.method !== "HEAD" && ["import", "report", "export"].includes(classOf(r) ?? ""));
    expect(limited.map((r) => `${r.method} ${r.url}`)).toEqual(
      expect.arrayContaining([
        "POST /api/v1/imports",
        "GET /api/v1/reports/annual",
        "GET /api/v1/audit/export",
        "GET /api/v1/persons/:personId/export",
      ]),
    );
    for (const r of limited) {
      // One budget per class and account (every export route together): each route starts a new window.
      clock.advance(small.windowMs + 1000);
      const built = build(r, world, "home");
      // A list asked as CSV is an export; a document route (dialogue sheet, CDIAE pack) always asks for a file.
      const isDocument = ["pdf", "xlsx"].includes(String(built.query?.format));
      const asFile =
        classOf(r) === "export" && !/\/exports?$/.test(r.url) && !isDocument
          ? { ...built, query: { ...built.query, format: "csv" } }
          : built;
      const send = (who: LoggedIn) =>
        tight.inject({
          method: r.method as "GET" | "POST",
          url: urlOf(asFile),
          headers: who.headers,
          ...(r.method === "POST" ? { payload: {} } : {}),
        });
      for (let i = 0; i < small.max; i++) expect((await send(admin)).statusCode, `${r.method} ${r.url} #${i}`).not.toBe(429);
      const refused = await send(admin);
      expect(refused.statusCode, `${r.method} ${r.url} past the limit`).toBe(429);
      expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
      if (asFile !== built) {
        // The same list read as JSON is not an export: not counted, not refused.
        expect((await tight.inject({ method: "GET", url: urlOf(built), headers: admin.headers })).statusCode).not.toBe(429);
      }
    }
    // Per account: another account in the same office (same address) still gets its report.
    for (let i = 0; i < small.max + 1; i++)
      await tight.inject({ method: "GET", url: "/api/v1/reports/annual?scope=nation&year=2025", headers: admin.headers });
    const national = await login(tight, world.users.national.email);
    const report = routeTableOf(tight).find((r) => r.url === "/api/v1/reports/annual") as RouteRecord;
    expect(
      (await tight.inject({ method: "GET", url: urlOf(build(report, world, "home")), headers: national.headers })).statusCode,
    ).not.toBe(429);
  });
});
