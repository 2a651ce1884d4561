// Login, sessions, CSRF, session fixation, brute-force lock, logout and "log out everywhere".
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { MAX_FAILURES } from "../../src/server/auth/loginThrottle.js";
import { SESSION_IDLE_MS } from "../../src/server/auth/sessions.js";
import type { App } from "../../src/server/context.js";
import { testCipher } from "../../src/security/personalData.js";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";
import { buildTestApp, login, movableClock, PASSWORD, seedWorld, type World } from "./support/fixture.js";

let t: TestDatabase;
let app: App;
let world: World;
const clock = movableClock();

beforeAll(async () => {
  t = await createTestDatabase();
  world = await seedWorld(t.handle.db, testCipher());
  app = await buildTestApp(t, testCipher(), { clock });
});
afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

describe("login", () => {
  test("returns the user, a CSRF token and an HttpOnly SameSite=Lax session cookie", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { email: "ADMIN.S1@test.passerelle", password: PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.user).toEqual({
      id: world.users.siaeAdmin.id,
      email: "admin.s1@test.passerelle",
      displayName: "admin.s1",
      role: "siae",
      departementCode: null,
      regionCode: null,
      structureIds: [world.s1],
    });
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const cookie = res.cookies.find((c) => c.name === "passerelle_session");
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe("Lax");
    expect(cookie?.secure).toBeFalsy();
    // Only the SHA-256 of the token is stored.
    const stored = await t.handle.db.selectFrom("user_session").select("id").where("user_id", "=", world.users.siaeAdmin.id).execute();
    expect(stored.map((s) => s.id)).not.toContain(cookie?.value);
  });

  test("the cookie is Secure behind HTTPS", async () => {
    const secureApp = await buildTestApp(t, testCipher(), { clock, config: { publicUrl: "https://passerelle.example.gouv.fr" } });
    const res = await secureApp.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { email: world.users.departemental.email, password: PASSWORD },
    });
    expect(res.cookies.find((c) => c.name === "passerelle_session")?.secure).toBe(true);
    expect(res.headers["strict-transport-security"]).toContain("max-age=");
    await secureApp.close();
  });

  test("bad credentials: 401 problem+json, same answer for an unknown e-mail", async () => {
    const wrong = await app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { email: world.users.national.email, password: "nope" },
    });
    const unknown = await app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { email: "personne@nulle.part", password: "nope" },
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.headers["content-type"]).toContain("application/problem+json");
    expect(wrong.json().detail).toBe(unknown.json().detail);
    expect(wrong.cookies.find((c) => c.name === "passerelle_session")).toBeUndefined();
  });

  test("me: the same shape, 401 without a session", async () => {
    const s = await login(app, world.users.departemental.email);
    const me = await app.inject({ method: "GET", url: "/api/v1/auth/me", headers: { cookie: s.cookie } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ user: { role: "departemental", departementCode: "62" }, csrfToken: s.csrf });
    expect((await app.inject({ method: "GET", url: "/api/v1/auth/me" })).statusCode).toBe(401);
    expect(
      (await app.inject({ method: "GET", url: "/api/v1/auth/me", headers: { cookie: "passerelle_session=forged-token-value-123456" } }))
        .statusCode,
    ).toBe(401);
  });
});

describe("CSRF", () => {
  test("a state-changing request without the session's token is refused with 403", async () => {
    const s = await login(app, world.users.regional.email);
    const none = await app.inject({ method: "POST", url: "/api/v1/auth/logout", headers: { cookie: s.cookie } });
    expect(none.statusCode).toBe(403);
    expect(none.json().title).toBe("Jeton CSRF invalide");
    const other = await login(app, world.users.national.email);
    const wrong = await app.inject({
      method: "POST",
      url: "/api/v1/auth/logout",
      headers: { cookie: s.cookie, "x-csrf-token": other.csrf },
    });
    expect(wrong.statusCode).toBe(403);
    // Still logged in: nothing happened.
    expect((await app.inject({ method: "GET", url: "/api/v1/auth/me", headers: { cookie: s.cookie } })).statusCode).toBe(200);
    const ok = await app.inject({ method: "POST", url: "/api/v1/auth/logout", headers: s.headers });
    expect(ok.statusCode).toBe(204);
    expect((await app.inject({ method: "GET", url: "/api/v1/auth/me", headers: { cookie: s.cookie } })).statusCode).toBe(401);
  });
});

describe("session fixation", () => {
  test("logging in with a planted or previous cookie issues a new session id and closes the old one", async () => {
    const before = await login(app, world.users.siaeMember.email);
    const res = await app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      headers: { cookie: before.cookie },
      payload: { email: world.users.siaeMember.email, password: PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    const after = res.cookies.find((c) => c.name === "passerelle_session")?.value;
    expect(after).toBeDefined();
    expect(`passerelle_session=${after}`).not.toBe(before.cookie);
    expect((await app.inject({ method: "GET", url: "/api/v1/auth/me", headers: { cookie: before.cookie } })).statusCode).toBe(401);
    // A token chosen by an attacker is never adopted.
    const planted = "attacker-chosen-token-AAAAAAAAAAAAAAAAAAAA";
    const res2 = await app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      headers: { cookie: `passerelle_session=${planted}` },
      payload: { email: world.users.siaeMember.email, password: PASSWORD },
    });
    expect(res2.cookies.find((c) => c.name === "passerelle_session")?.value).not.toBe(planted);
    expect(
      (await app.inject({ method: "GET", url: "/api/v1/auth/me", headers: { cookie: `passerelle_session=${planted}` } })).statusCode,
    ).toBe(401);
  });
});

describe("brute force", () => {
  test(`${MAX_FAILURES} failures lock the account from that address (429, even with the right password), unlocked after 15 min`, async () => {
    const email = world.users.conseil_departemental.email;
    for (let i = 0; i < MAX_FAILURES; i++) {
      const r = await app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email, password: `mauvais-${i}` } });
      expect(r.statusCode).toBe(401);
    }
    const locked = await app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email, password: PASSWORD } });
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers["retry-after"])).toBeGreaterThan(0);
    expect(locked.json().title).toBe("Trop de tentatives");
    const audit = await t.handle.db
      .selectFrom("audit_event")
      .select("action")
      .where("actor_user_id", "=", world.users.conseil_departemental.id)
      .execute();
    expect(audit.map((a) => a.action)).toContain("auth.locked");
    clock.advance(16 * 60 * 1000);
    expect((await app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email, password: PASSWORD } })).statusCode).toBe(200);
  });

  test("many failures from one address are refused for every account", async () => {
    const ipApp = await buildTestApp(t, testCipher(), { clock });
    let last = 0;
    for (let i = 0; i < 32; i++) {
      const r = await ipApp.inject({
        method: "POST",
        url: "/api/v1/auth/login",
        remoteAddress: "203.0.113.9",
        payload: { email: `inconnu${i}@exemple.fr`, password: "x" },
      });
      last = r.statusCode;
    }
    expect(last).toBe(429);
    const other = await ipApp.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      remoteAddress: "198.51.100.7",
      payload: { email: world.users.admin.email, password: PASSWORD },
    });
    expect(other.statusCode).toBe(200);
    await ipApp.close();
  });
});

describe("logout everywhere and expiry", () => {
  test("logout-all closes every session of the user, not the others'", async () => {
    const a = await login(app, world.users.admin.email);
    const b = await login(app, world.users.admin.email);
    const someoneElse = await login(app, world.users.national.email);
    const res = await app.inject({ method: "POST", url: "/api/v1/auth/logout-all", headers: a.headers });
    expect(res.statusCode).toBe(200);
    expect(res.json().closedSessions).toBeGreaterThanOrEqual(2);
    expect((await app.inject({ method: "GET", url: "/api/v1/auth/me", headers: { cookie: b.cookie } })).statusCode).toBe(401);
    expect((await app.inject({ method: "GET", url: "/api/v1/auth/me", headers: { cookie: someoneElse.cookie } })).statusCode).toBe(200);
  });

  test("an idle session expires; a disabled user loses access at once", async () => {
    const s = await login(app, world.users.siaeAdminS2.email);
    clock.advance(SESSION_IDLE_MS + 1000);
    expect((await app.inject({ method: "GET", url: "/api/v1/auth/me", headers: { cookie: s.cookie } })).statusCode).toBe(401);
    const s2 = await login(app, world.users.siaeAdminS2.email);
    await t.handle.db.updateTable("app_user").set({ disabled: true }).where("id", "=", world.users.siaeAdminS2.id).execute();
    expect((await app.inject({ method: "GET", url: "/api/v1/auth/me", headers: { cookie: s2.cookie } })).statusCode).toBe(401);
    await t.handle.db.updateTable("app_user").set({ disabled: false }).where("id", "=", world.users.siaeAdminS2.id).execute();
  });
});
