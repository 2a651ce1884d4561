// The attacker's variants of every request: for every API route × role whose plain in-scope request is
// answered, the same request with extra target parameters (structureId, personId, departement, region,
// scope — alongside the route's own), with the ids of the other territory in each position the route
// names its target with, and with an unknown query key. Every variant is refused (4xx) or answers exactly
// what the plain in-scope request answers — never more. Built from the live route table and contracts.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type RouteRecord, routeTableOf } from "../../src/server/auth/plugin.js";
import { createSession } from "../../src/server/auth/sessions.js";
import type { App } from "../../src/server/context.js";
import { testCipher } from "../../src/security/personalData.js";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";
import { buildTestApp, PERSONAS, type Persona, seedWorld, type World } from "./support/fixture.js";
import { attackerVariants, build, normalisedBody, urlOf } from "./support/requests.js";

let t: TestDatabase;
let app: App;
let world: World;
const sessions = new Map<Persona, Record<string, string>>();

beforeAll(async () => {
  t = await createTestDatabase();
  world = await seedWorld(t.handle.db, testCipher());
  app = await buildTestApp(t, testCipher());
  await app.ready();
  for (const who of PERSONAS) {
    const s = await createSession(t.handle.db, world.users[who].id, { ip: null, userAgent: "variants" }, new Date("2026-06-15T09:00:00Z"));
    sessions.set(who, { cookie: `passerelle_session=${s.token}`, "x-csrf-token": s.csrfToken });
  }
});
afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

function getRoutes(): RouteRecord[] {
  return routeTableOf(app).filter(
    (r) => r.method === "GET" && r.url.startsWith("/api/v1/") && r.policy !== "public" && !r.url.includes("*"),
  );
}

async function get(who: Persona, url: string) {
  const res = await app.inject({ method: "GET", url, headers: sessions.get(who) });
  return { status: res.statusCode, body: normalisedBody(res.body), raw: res.body };
}

describe("attacker's variants of every route", () => {
  test("the leaks found with the demo accounts are refused", async () => {
    // As the DDETS of 62, another département's RSA table by adding a structure it may read.
    const ddets = await get("departemental", `/api/v1/departements/13/rsa/structures?year=2025&structureId=${world.s1}`);
    expect(ddets.status).toBe(400);
    expect(JSON.parse(ddets.raw)).toMatchObject({ status: 400, parameter: "structureId" });
    // As a SIAE admin, the nation's figures by adding its own structure.
    for (const path of ["/api/v1/indicators/structures", "/api/v1/indicators", "/api/v1/indicators/series"]) {
      const siae = await get("siaeAdmin", `${path}?scope=nation&year=2025&structureId=${world.s1}`);
      expect(siae.status, path).toBe(400);
      expect(JSON.parse(siae.raw), path).toMatchObject({ parameter: "structureId" });
      expect(siae.raw).not.toContain("Chantier des Calanques");
    }
    const report = await get("departemental", `/api/v1/reports/annual?departement=13&year=2025&structureId=${world.s1}`);
    expect(report.status).toBe(400);
    // Two targets named at once.
    const two = await get("departemental", "/api/v1/reports/annual?departement=62&region=93&year=2025");
    expect(two.status).toBe(400);
    expect(JSON.parse(two.raw)).toMatchObject({ parameter: "region" });
  });

  test("every variant is refused or answers exactly the plain in-scope request", async () => {
    const failures: string[] = [];
    let answered = 0;
    let tried = 0;
    for (const route of getRoutes()) {
      if (!route.contract) {
        failures.push(`${route.url}: registered without a contract`);
        continue;
      }
      const plain = build(route, world, "home");
      for (const who of PERSONAS) {
        const base = await get(who, urlOf(plain));
        if (base.status < 300 && who !== "admin" && who !== "national") answered += 1;
        for (const v of attackerVariants(route, plain, world)) {
          const res = await get(who, urlOf(v.built));
          tried += 1;
          const label = `GET ${urlOf(v.built)} (${route.url}, ${v.label}) as ${who}: ${res.status}`;
          if (v.label === "unknown key" || v.label.startsWith("extra ")) {
            // A key the route does not declare is refused, whoever asks.
            if (res.status !== 400 && base.status !== 401) failures.push(`${label} — expected 400 for an undeclared key`);
            continue;
          }
          if (res.status >= 500) failures.push(`${label} — server error`);
          if (res.status >= 400) continue;
          // Answered: only when the plain request is answered, and with nothing more than it.
          if (who === "admin" || who === "national") continue; // no territory is out of their scope
          if (base.status >= 400) failures.push(`${label} — answered while the plain request gets ${base.status}`);
          else if (res.body !== base.body) failures.push(`${label} — answers differently from the plain in-scope request`);
        }
      }
    }
    expect(failures).toEqual([]);
    // Not vacuous: limited callers get answers to plain requests, and each was attacked.
    expect(answered).toBeGreaterThan(20);
    expect(tried).toBeGreaterThan(1000);
  });
});
