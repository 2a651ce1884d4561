// The policy matrix, generated from the live route table: every API route × every role × a target
// in the caller's scope ("home": département 62, structure S1, person P1) and out of it ("other":
// 13, S2, P2), placed in the keys the route's contract names its target with (support/requests.ts).
// Routes added later by anyone are covered automatically. The expected answer comes from
// the table below (the written rules of docs/SECURITY.md), not from the code under test.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type RouteRecord, routeTableOf } from "../../src/server/auth/plugin.js";
import { createSession } from "../../src/server/auth/sessions.js";
import type { App } from "../../src/server/context.js";
import { testCipher } from "../../src/security/personalData.js";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";
import { buildTestApp, PERSONAS, type Persona, seedWorld, type World } from "./support/fixture.js";
import { build, isTerritorial, namesTarget, urlOf } from "./support/requests.js";
import { expectedAllowed, ROUTE_RESTRICTIONS, type Shape, type Target } from "./support/rolesMatrix.js";

let t: TestDatabase;
let app: App;
let world: World;

beforeAll(async () => {
  t = await createTestDatabase();
  world = await seedWorld(t.handle.db, testCipher());
  app = await buildTestApp(t, testCipher());
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

async function sessionFor(who: Persona): Promise<Record<string, string>> {
  const s = await createSession(t.handle.db, world.users[who].id, { ip: null, userAgent: "matrix" }, new Date("2026-06-15T09:00:00Z"));
  return { cookie: `passerelle_session=${s.token}`, "x-csrf-token": s.csrfToken };
}

function shapeOf(route: RouteRecord): Shape {
  return { structure: namesTarget(route, "structureId"), person: namesTarget(route, "personId") };
}

function urlFor(route: RouteRecord, target: Target): string {
  return urlOf(build(route, world, target));
}

function apiRoutes(): RouteRecord[] {
  return routeTableOf(app).filter(
    (r) => r.url.startsWith("/api/") && !r.url.startsWith("/api/docs") && r.method !== "HEAD" && !r.url.includes("*"),
  );
}

interface Case {
  route: RouteRecord;
  who: Persona;
  target: Target;
  allowed: boolean;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const route of apiRoutes()) {
    if (route.policy === "public") continue;
    const shape = shapeOf(route);
    const targets: Target[] = isTerritorial(route) ? ["home", "other"] : ["home"];
    const restriction = ROUTE_RESTRICTIONS[`${route.method} ${route.url}`];
    for (const who of PERSONAS) {
      for (const target of targets)
        out.push({ route, who, target, allowed: expectedAllowed(route.policy, who, target, shape) && (restriction?.(who) ?? true) });
    }
  }
  return out;
}

const SECRETS = ["Vandamme", "Olivieri", "Josiane", "Marius", "169056212345644", "284021301234595"];

describe("route × role × scope matrix", () => {
  test("anonymous callers get 401 on every non-public route", async () => {
    for (const route of apiRoutes().filter((r) => r.policy !== "public")) {
      const res = await app.inject({
        method: route.method as "GET",
        url: urlFor(route, "home"),
        payload: route.method === "GET" ? undefined : {},
      });
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(401);
    }
  });

  test("out-of-scope and forbidden calls get 403 and no data; in-scope calls pass the policy", async () => {
    const all = cases();
    expect(all.length).toBeGreaterThan(50);
    const failures: string[] = [];
    const sessions = new Map<Persona, Record<string, string>>();
    for (const who of PERSONAS) sessions.set(who, await sessionFor(who));
    // Denials first, then allowed reads, then allowed writes (which may change data), DELETE last.
    const rank = (c: Case) => (!c.allowed ? 0 : c.route.method === "GET" ? 1 : c.route.method === "DELETE" ? 3 : 2);
    for (const c of [...all].sort((a, b) => rank(a) - rank(b))) {
      const write = c.route.method !== "GET";
      const headers = write && c.allowed ? await sessionFor(c.who) : (sessions.get(c.who) as Record<string, string>);
      const res = await app.inject({
        method: c.route.method as "GET",
        url: urlFor(c.route, c.target),
        headers,
        ...(write ? { payload: {} } : {}),
      });
      const label = `${c.route.method} ${c.route.url} [${c.route.policy}] as ${c.who} on ${c.target}: ${res.statusCode}`;
      if (c.allowed) {
        if (res.statusCode === 401 || res.statusCode === 403) failures.push(`${label} — expected to pass the policy`);
        if (res.statusCode >= 500) failures.push(`${label} — server error ${res.body.slice(0, 200)}`);
      } else {
        if (res.statusCode !== 403) failures.push(`${label} — expected 403`);
        for (const s of SECRETS) if (res.body.includes(s)) failures.push(`${label} — leaks ${s}`);
      }
    }
    expect(failures).toEqual([]);
  });

  test("id guessing: another structure's person, a person under the wrong structure, unknown ids", async () => {
    const siae = await sessionFor("siaeAdmin");
    const personRoutes = apiRoutes().filter((r) => r.method === "GET" && r.url.includes(":personId"));
    expect(personRoutes.length).toBeGreaterThan(0);
    for (const route of personRoutes) {
      // P2 belongs to S2: whatever the structure in the URL, an S1 member sees nothing of P2.
      const url = route.url
        .replace(":structureId", String(world.s1))
        .replace(":personId", String(world.p2))
        .replace(/:[A-Za-z]+/g, "999999");
      const res = await app.inject({ method: "GET", url, headers: siae });
      expect([403, 404], `${url}`).toContain(res.statusCode);
      for (const s of SECRETS) expect(res.body).not.toContain(s);
      const unknown = await app.inject({ method: "GET", url: url.replace(String(world.p2), "987654"), headers: siae });
      expect([403, 404], `${url} unknown id`).toContain(unknown.statusCode);
    }
    // The conseil départemental sees RSA beneficiaries of its département only (P3 is not one).
    const cd = await sessionFor("conseil_departemental");
    for (const route of personRoutes.filter((r) => r.policy === "person:read" && !r.url.includes(":structureId"))) {
      const url = route.url.replace(":personId", String(world.p3)).replace(/:[A-Za-z]+/g, "999999");
      expect((await app.inject({ method: "GET", url, headers: cd })).statusCode, url).toBe(403);
    }
    // Malformed ids are refused, never looked up.
    const structureRoute = apiRoutes().find((r) => r.method === "GET" && r.url.endsWith(":structureId"));
    if (structureRoute) {
      const res = await app.inject({ method: "GET", url: structureRoute.url.replace(":structureId", "1%20OR%201=1"), headers: siae });
      expect(res.statusCode).toBe(400);
    }
  });
});
