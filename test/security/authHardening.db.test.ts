// Attacks on login as an auditor would try them: a forged X-Forwarded-For, locking someone else out,
// telling a locked account from an unknown e-mail, making the server hash passwords for unknown
// invitation tokens, logging in with a demo account on a public instance.
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";

// Count the argon2 hashes the server computes (the real function still runs).
const hashCalls = vi.hoisted(() => ({ n: 0 }));
vi.mock("../../src/security/passwords.js", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../src/security/passwords.js")>();
  return {
    ...original,
    hashPassword: (password: string) => {
      hashCalls.n++;
      return original.hashPassword(password);
    },
  };
});

import { hashPassword } from "../../src/security/passwords.js";
import { testCipher } from "../../src/security/personalData.js";
import { parseTrustedProxies } from "../../src/server/auth/clientAddress.js";
import { MAX_FAILURES } from "../../src/server/auth/loginThrottle.js";
import type { App } from "../../src/server/context.js";
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

const attempt = (a: App, email: string, password: string, remoteAddress: string, headers: Record<string, string> = {}) =>
  a.inject({ method: "POST", url: "/api/v1/auth/login", remoteAddress, headers, payload: { email, password } });

describe("the client does not choose its address (X-Forwarded-For)", () => {
  test("40 failed logins from one client with a rotating X-Forwarded-For are throttled, and the audit records the real address", async () => {
    const codes: number[] = [];
    for (let i = 0; i < 40; i++) {
      const res = await attempt(app, `victime${i}@exemple.fr`, "devine", "192.0.2.200", { "x-forwarded-for": `198.51.100.${i}` });
      codes.push(res.statusCode);
    }
    expect(codes.slice(-5)).toEqual([429, 429, 429, 429, 429]);
    // An account's failure from that client: the audit row carries 192.0.2.200, never a forged address.
    clock.advance(16 * 60_000);
    await attempt(app, world.users.siaeMember.email, "mauvais", "192.0.2.201", { "x-forwarded-for": "198.51.100.250" });
    const rows = await t.handle.db.selectFrom("audit_event").selectAll().where("actor_user_id", "=", world.users.siaeMember.id).execute();
    expect(JSON.stringify(rows)).toContain("192.0.2.201");
    expect(JSON.stringify(rows)).not.toContain("198.51.100.");
  });

  test("behind a declared proxy, the client is the address the proxy appended, not what the client forged before it", async () => {
    const proxied = await buildTestApp(t, testCipher(), { clock, config: { trustedProxies: parseTrustedProxies("10.0.0.1") } });
    clock.advance(16 * 60_000);
    const codes: number[] = [];
    for (let i = 0; i < 40; i++) {
      const res = await attempt(proxied, `autre${i}@exemple.fr`, "devine", "10.0.0.1", {
        "x-forwarded-for": `198.51.100.${i}, 192.0.2.77`,
      });
      codes.push(res.statusCode);
    }
    expect(codes.slice(-5)).toEqual([429, 429, 429, 429, 429]);
    // Another real client behind the same proxy is not affected.
    expect(
      (await attempt(proxied, world.users.departemental.email, PASSWORD, "10.0.0.1", { "x-forwarded-for": "192.0.2.78" })).statusCode,
    ).toBe(200);
    await proxied.close();
  });

  test("PASSERELLE_TRUSTED_PROXIES: none by default, a list, a hop count; nonsense refused with the variable's name", () => {
    expect(parseTrustedProxies(undefined)).toBe(false);
    expect(parseTrustedProxies("")).toBe(false);
    expect(parseTrustedProxies("10.0.0.1, 10.1.0.0/16, ::1, loopback")).toEqual(["10.0.0.1", "10.1.0.0/16", "::1", "loopback"]);
    expect(parseTrustedProxies("2")).toBe(2);
    expect(() => parseTrustedProxies("true")).toThrow(/PASSERELLE_TRUSTED_PROXIES/);
    expect(() => parseTrustedProxies("10.0.0.0/33")).toThrow(/PASSERELLE_TRUSTED_PROXIES/);
  });
});

describe("locking", () => {
  test("an attacker at address A who locks the victim's login from A does not lock the victim out at address B", async () => {
    clock.advance(16 * 60_000);
    const victim = world.users.regional.email;
    for (let i = 0; i < MAX_FAILURES + 3; i++) await attempt(app, victim, `devine-${i}`, "203.0.113.66");
    expect((await attempt(app, victim, PASSWORD, "203.0.113.66")).statusCode).toBe(429);
    expect((await attempt(app, victim, PASSWORD, "192.0.2.10")).statusCode).toBe(200);
  });

  test("a locked account and an unknown e-mail get byte-identical answers", async () => {
    clock.advance(16 * 60_000);
    const known = world.users.conseil_departemental.email;
    const unknown = "personne.inconnue@exemple.fr";
    for (let i = 0; i < MAX_FAILURES; i++) {
      await attempt(app, known, `devine-${i}`, "203.0.113.67");
      await attempt(app, unknown, `devine-${i}`, "203.0.113.67");
    }
    const same = { "x-request-id": "comparaison" };
    const a = await attempt(app, known, PASSWORD, "203.0.113.67", same);
    const b = await attempt(app, unknown, PASSWORD, "203.0.113.67", same);
    expect(a.statusCode).toBe(429);
    expect(b.statusCode).toBe(a.statusCode);
    expect(b.body).toBe(a.body);
    const pick = (h: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(h).filter(([k]) => !["date", "x-ratelimit-remaining", "x-ratelimit-reset"].includes(k)));
    expect(pick(b.headers)).toEqual(pick(a.headers));
    // Before any lock, too: a wrong password on an account and on an unknown e-mail look the same.
    const c = await attempt(app, world.users.siaeAdminS2.email, "devine", "203.0.113.68", same);
    const d = await attempt(app, "inconnu.2@exemple.fr", "devine", "203.0.113.68", same);
    expect(c.statusCode).toBe(401);
    expect(d.body).toBe(c.body);
  });
});

describe("anonymous work", () => {
  test("accepting an invitation with an unknown, malformed or used token computes no password hash", async () => {
    const before = hashCalls.n;
    for (const token of ["A".repeat(43), "court", `${"B".repeat(42)}!`]) {
      const res = await app.inject({
        method: "POST",
        url: `/api/v1/invitations/${encodeURIComponent(token)}/accept`,
        remoteAddress: "203.0.113.90",
        payload: { displayName: "Attaquant", password: "un-mot-de-passe-tres-long-pour-argon2" },
      });
      expect([400, 404]).toContain(res.statusCode);
    }
    expect(hashCalls.n - before).toBe(0);
    // The hash is still computed for a real invitation (the spy sees the server's calls).
    await hashPassword("controle-du-compteur");
    expect(hashCalls.n - before).toBe(1);
  });
});

describe("demo accounts on a public instance", () => {
  test("a demo account never logs in on an https instance, even with the right password; it still does on a local one", async () => {
    await t.handle.db
      .insertInto("app_user")
      .values({
        email: "admin@demo.passerelle.test",
        display_name: "Démo",
        role: "departemental",
        departement_code: "62",
        password_hash: await hashPassword(PASSWORD),
      })
      .execute();
    const publicApp = await buildTestApp(t, testCipher(), { clock, config: { publicUrl: "https://passerelle.example.gouv.fr" } });
    const refused = await attempt(publicApp, "admin@demo.passerelle.test", PASSWORD, "192.0.2.30");
    expect(refused.statusCode).toBe(403);
    expect(refused.cookies.find((c) => c.name === "passerelle_session")).toBeUndefined();
    await publicApp.close();
    expect((await login(app, "admin@demo.passerelle.test")).csrf).toBeTruthy();
  });
});
