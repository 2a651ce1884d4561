// Second factor (TOTP + recovery codes) as an attacker holding a stolen password meets it; the demo never
// loaded on a public instance; invitation links never leave through the API, with or without SMTP.
import { generate } from "otplib";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadDemoOnFirstStart } from "../../src/demo/demoGate.js";
import { cipherCells, testCipher } from "../../src/security/personalData.js";
import { securityDb } from "../../src/server/auth/securityTables.js";
import type { App } from "../../src/server/context.js";
import { consoleMailer } from "../../src/server/mail/mailer.js";
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

const post = (payload: Record<string, string>, remoteAddress = "192.0.2.50") =>
  app.inject({ method: "POST", url: "/api/v1/auth/login", remoteAddress, payload });
const codeAt = (secret: string, at = clock.now()) => generate({ secret, epoch: Math.floor(at.getTime() / 1000) });

describe("TOTP for admin and national accounts", () => {
  let secret = "";
  let recovery: string[] = [];

  test("the right password alone opens no session for an admin: enrolment first, confirmed by a code; recovery codes once", async () => {
    const email = world.users.admin.email;
    const first = await post({ email, password: PASSWORD });
    expect(first.statusCode).toBe(200);
    expect(first.cookies.find((c) => c.name === "passerelle_session")).toBeUndefined();
    const challenge = first.json() as { secondFactor: string; enrolment: { secret: string; otpauthUri: string } };
    expect(challenge.secondFactor).toBe("enrol");
    expect(challenge.enrolment.otpauthUri).toMatch(/^otpauth:\/\/totp\/Passerelle:admin%40test\.passerelle\?/);
    secret = challenge.enrolment.secret;
    // Stored encrypted, never in clear.
    const stored = await securityDb(t.handle.db)
      .selectFrom("user_totp")
      .select("secret_encrypted")
      .where("user_id", "=", world.users.admin.id)
      .executeTakeFirstOrThrow();
    expect(stored.secret_encrypted).not.toContain(secret);
    expect(testCipher().decrypt(stored.secret_encrypted, cipherCells.totpSecret(world.users.admin.id))).toBe(secret);
    // Reloading the page shows the same pending secret (the one already scanned).
    expect((await post({ email, password: PASSWORD })).json().enrolment.secret).toBe(secret);
    expect((await post({ email, password: PASSWORD, code: "000000" })).statusCode).toBe(401);
    const ok = await post({ email, password: PASSWORD, code: await codeAt(secret) });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.cookies.find((c) => c.name === "passerelle_session")).toBeDefined();
    recovery = ok.json().recoveryCodes;
    expect(recovery).toHaveLength(10);
    const hashes = await securityDb(t.handle.db)
      .selectFrom("user_recovery_code")
      .select("code_hash")
      .where("user_id", "=", world.users.admin.id)
      .execute();
    expect(JSON.stringify(hashes)).not.toContain(recovery[0]);
  });

  test("once enrolled: no session without a valid code; a code works once; a recovery code works once", async () => {
    const email = world.users.admin.email;
    clock.advance(60_000);
    expect((await post({ email, password: PASSWORD })).json()).toEqual({ secondFactor: "totp" });
    const bad = await post({ email, password: PASSWORD, code: "123456" });
    expect(bad.statusCode).toBe(401);
    expect(bad.cookies.find((c) => c.name === "passerelle_session")).toBeUndefined();
    const code = await codeAt(secret);
    expect((await post({ email, password: PASSWORD, code })).statusCode).toBe(200);
    // Replayed (a code seen over a shoulder): refused.
    expect((await post({ email, password: PASSWORD, code })).statusCode).toBe(401);
    // The code of a stolen device does not help without the password.
    clock.advance(60_000);
    expect((await post({ email, password: "pas-le-bon", code: await codeAt(secret) })).statusCode).toBe(401);
    const rc = recovery[0] as string;
    expect((await post({ email, password: PASSWORD, code: rc.toLowerCase() }, "192.0.2.51")).statusCode).toBe(200);
    expect((await post({ email, password: PASSWORD, code: rc }, "192.0.2.51")).statusCode).toBe(401);
  });

  test("guessing codes is throttled like passwords", async () => {
    clock.advance(16 * 60_000);
    const email = world.users.admin.email;
    const codes: number[] = [];
    for (let i = 0; i < 7; i++)
      codes.push((await post({ email, password: PASSWORD, code: String(100000 + i) }, "203.0.113.80")).statusCode);
    expect(codes.slice(-2)).toEqual([429, 429]);
  });

  test("a national (DGEFP) account is enrolled the same way; other roles may opt in from their account page; an enforced factor cannot be removed", async () => {
    const national = await post({ email: world.users.national.email, password: PASSWORD });
    expect(national.json().secondFactor).toBe("enrol");
    const dd = await login(app, world.users.departemental.email);
    expect((await app.inject({ method: "GET", url: "/api/v1/me/second-factor", headers: dd.headers })).json()).toMatchObject({
      enabled: false,
      required: false,
    });
    const begin = await app.inject({ method: "POST", url: "/api/v1/me/second-factor", headers: dd.headers });
    expect(begin.statusCode).toBe(200);
    const confirm = await app.inject({
      method: "POST",
      url: "/api/v1/me/second-factor/confirm",
      headers: dd.headers,
      payload: { code: await codeAt(begin.json().secret) },
    });
    expect(confirm.statusCode, confirm.body).toBe(200);
    expect(confirm.json().recoveryCodes).toHaveLength(10);
    clock.advance(60_000);
    expect((await post({ email: world.users.departemental.email, password: PASSWORD }, "192.0.2.52")).json()).toEqual({
      secondFactor: "totp",
    });
    clock.advance(60_000);
    const adminLogin = await post({ email: world.users.admin.email, password: PASSWORD, code: await codeAt(secret) }, "192.0.2.53");
    const cookie = `passerelle_session=${adminLogin.cookies.find((c) => c.name === "passerelle_session")?.value}`;
    const headers = { cookie, "x-csrf-token": adminLogin.json().csrfToken as string };
    const remove = await app.inject({ method: "POST", url: "/api/v1/me/second-factor/remove", headers, payload: { password: PASSWORD } });
    expect(remove.statusCode).toBe(403);
  });
});

describe("the demo on a public instance", () => {
  test("an https instance on an empty database loads no demo and has no demo account", async () => {
    const empty = await createTestDatabase();
    try {
      const started: string[] = [];
      const summary = await loadDemoOnFirstStart(
        empty.handle,
        { pii: testCipher(), progress: (_p, step) => started.push(step), onStart: () => started.push("start") },
        { PASSERELLE_PUBLIC_URL: "https://passerelle.example.gouv.fr" },
      );
      expect(summary).toBeNull();
      expect(started).toEqual([]);
      const demo = await empty.handle.db.selectFrom("app_user").select("email").where("email", "like", "%@demo.passerelle.test").execute();
      expect(demo).toEqual([]);
      // NODE_ENV=production alone is public too.
      expect(
        await loadDemoOnFirstStart(empty.handle, { pii: testCipher(), onStart: () => started.push("start") }, { NODE_ENV: "production" }),
      ).toBeNull();
      expect(started).toEqual([]);
    } finally {
      await empty.destroy();
    }
  });
});

describe("invitation links without SMTP", () => {
  test("a public instance without PASSERELLE_SMTP_URL refuses to invite (503 naming it); a local one writes the link on the server console, never in the answer", async () => {
    const s1Admin = world.users.siaeAdmin.email;
    const publicApp = await buildTestApp(t, testCipher(), {
      clock,
      config: { publicUrl: "https://passerelle.example.gouv.fr", mailer: undefined },
    });
    const session = await login(publicApp, s1Admin);
    const refused = await publicApp.inject({
      method: "POST",
      url: `/api/v1/structures/${world.s1}/invitations`,
      headers: session.headers,
      payload: { email: "x@exemple.fr" },
    });
    expect(refused.statusCode).toBe(503);
    expect(refused.json().detail).toContain("PASSERELLE_SMTP_URL");
    await publicApp.close();
    const printed: string[] = [];
    const localApp = await buildTestApp(t, testCipher(), { clock, config: { mailer: consoleMailer((s) => printed.push(s)) } });
    const local = await login(localApp, s1Admin);
    const res = await localApp.inject({
      method: "POST",
      url: `/api/v1/structures/${world.s1}/invitations`,
      headers: local.headers,
      payload: { email: "console@exemple.fr" },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().delivery).toBe("console");
    const token = printed.join("").match(/\/invitation\/([A-Za-z0-9_-]{20,})/)?.[1] as string;
    expect(token).toBeDefined();
    expect(res.body).not.toContain(token);
    await localApp.close();
  });
});
