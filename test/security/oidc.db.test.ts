// Single sign-on against a local OIDC provider (test/support/oidcProvider.ts): code flow with PKCE,
// state bound to the browser, nonce, ID-token checks, mapping to an existing account.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { securityDb } from "../../src/server/auth/securityTables.js";
import type { App } from "../../src/server/context.js";
import { testCipher } from "../../src/security/personalData.js";
import { startOidcProvider, type OidcTestProvider } from "../support/oidcProvider.js";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";
import { buildTestApp, movableClock, seedWorld, type World } from "./support/fixture.js";

let t: TestDatabase;
let app: App;
let world: World;
let provider: OidcTestProvider;
const REDIRECT = "http://localhost/api/v1/auth/oidc/callback";

beforeAll(async () => {
  t = await createTestDatabase();
  world = await seedWorld(t.handle.db, testCipher());
  // An administrator allowed the DDETS agent's account to be linked at its first ProConnect login.
  await securityDb(t.handle.db)
    .updateTable("app_user")
    .set({ oidc_link_allowed: true })
    .where("id", "=", world.users.departemental.id)
    .execute();
  provider = await startOidcProvider();
  app = await buildTestApp(t, testCipher(), {
    clock: movableClock(new Date()),
    config: { oidc: { issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret, redirectUri: REDIRECT } },
  });
});
afterAll(async () => {
  await app?.close();
  await provider?.close();
  await t?.destroy();
});

/** Browser: start at Passerelle, follow the provider's redirect; returns the callback URL and the state cookie. */
async function startLogin(returnTo?: string): Promise<{ callback: string; stateCookie: string }> {
  const start = await app.inject({
    method: "GET",
    url: `/api/v1/auth/oidc/login${returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : ""}`,
  });
  expect(start.statusCode).toBe(302);
  const location = String(start.headers.location);
  const authorize = new URL(location);
  expect(authorize.origin).toBe(provider.issuer);
  expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
  expect(authorize.searchParams.get("nonce")).toBeTruthy();
  const stateCookie = start.cookies.find((c) => c.name === "passerelle_oidc_state");
  expect(stateCookie?.httpOnly).toBe(true);
  const back = await fetch(location, { redirect: "manual" });
  expect(back.status).toBe(302);
  const callback = new URL(back.headers.get("location") ?? "");
  expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT);
  return { callback: `${callback.pathname}${callback.search}`, stateCookie: `passerelle_oidc_state=${stateCookie?.value}` };
}

describe("OIDC (ProConnect-compatible)", () => {
  test("an agent with an account logs in; the subject is linked; the session works", async () => {
    provider.tamper = "none";
    provider.user = {
      sub: "pc-ddets-62",
      email: world.users.departemental.email.toUpperCase(),
      emailInIdToken: false,
      emailVerified: true,
    };
    const { callback, stateCookie } = await startLogin("/tableau-de-bord");
    const res = await app.inject({ method: "GET", url: callback, headers: { cookie: stateCookie } });
    expect(res.statusCode, res.body).toBe(302);
    expect(res.headers.location).toBe("/tableau-de-bord");
    const session = res.cookies.find((c) => c.name === "passerelle_session");
    expect(session?.httpOnly).toBe(true);
    const me = await app.inject({ method: "GET", url: "/api/v1/auth/me", headers: { cookie: `passerelle_session=${session?.value}` } });
    expect(me.json().user).toMatchObject({ email: world.users.departemental.email, role: "departemental" });
    const linked = await t.handle.db
      .selectFrom("app_user")
      .select("oidc_subject")
      .where("id", "=", world.users.departemental.id)
      .executeTakeFirstOrThrow();
    expect(linked.oidc_subject).toBe("pc-ddets-62");
    // Replaying the same callback fails: the state was consumed.
    const replay = await app.inject({ method: "GET", url: callback, headers: { cookie: stateCookie } });
    expect(replay.statusCode).toBe(400);
  });

  test("the next login finds the account by subject even if the e-mail changed", async () => {
    provider.user = { sub: "pc-ddets-62", email: "nouvelle.adresse@exemple.gouv.fr" };
    const { callback, stateCookie } = await startLogin();
    const res = await app.inject({ method: "GET", url: callback, headers: { cookie: stateCookie } });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe("/");
  });

  test("an unknown person gets 403 with a clear French message", async () => {
    provider.user = { sub: "pc-inconnu", email: "inconnu@exemple.gouv.fr" };
    const { callback, stateCookie } = await startLogin();
    const res = await app.inject({ method: "GET", url: callback, headers: { cookie: stateCookie } });
    expect(res.statusCode).toBe(403);
    expect(res.json().detail).toContain("Aucun compte Passerelle n'est associé à inconnu@exemple.gouv.fr");
  });

  test("a callback without the browser's state cookie is refused (login CSRF)", async () => {
    provider.user = { sub: "pc-admin", email: world.users.admin.email };
    const { callback } = await startLogin();
    const res = await app.inject({ method: "GET", url: callback });
    expect(res.statusCode).toBe(400);
    expect(res.cookies.find((c) => c.name === "passerelle_session")).toBeUndefined();
  });

  for (const tamper of ["nonce", "audience", "issuer", "expired", "signature"] as const) {
    test(`an ID token with a bad ${tamper} is refused`, async () => {
      provider.user = { sub: "pc-admin", email: world.users.admin.email };
      const { callback, stateCookie } = await startLogin();
      provider.tamper = tamper;
      try {
        const res = await app.inject({ method: "GET", url: callback, headers: { cookie: stateCookie } });
        expect(res.statusCode, res.body).toBe(401);
        expect(res.cookies.find((c) => c.name === "passerelle_session")).toBeUndefined();
      } finally {
        provider.tamper = "none";
      }
    });
  }

  test("an identity provider that claims the admin's e-mail does not get the admin account", async () => {
    const adminSubject = async () =>
      (await t.handle.db.selectFrom("app_user").select("oidc_subject").where("id", "=", world.users.admin.id).executeTakeFirstOrThrow())
        .oidc_subject;
    // Unverified, or verification not said: refused, nothing linked.
    for (const emailVerified of [false, undefined]) {
      provider.user = { sub: "pc-attaquant", email: world.users.admin.email, emailVerified, amr: ["pwd", "otp", "mfa"] };
      const { callback, stateCookie } = await startLogin();
      const res = await app.inject({ method: "GET", url: callback, headers: { cookie: stateCookie } });
      expect(res.statusCode, res.body).toBe(403);
      expect(res.cookies.find((c) => c.name === "passerelle_session")).toBeUndefined();
      expect(await adminSubject()).toBeNull();
    }
    // Verified, but no administrator allowed this account to be linked and no invitation names it.
    provider.user = { sub: "pc-attaquant", email: world.users.admin.email, emailVerified: true, amr: ["pwd", "otp", "mfa"] };
    const { callback, stateCookie } = await startLogin();
    const res = await app.inject({ method: "GET", url: callback, headers: { cookie: stateCookie } });
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json().title).toBe("Connexion ProConnect non autorisée");
    expect(await adminSubject()).toBeNull();
  });

  test("a structure account invited at that very address is linked on a verified e-mail", async () => {
    const email = "invitee.sso@exemple.fr";
    const user = await t.handle.db
      .insertInto("app_user")
      .values({ email, display_name: "Invitée", role: "siae" })
      .returning("id")
      .executeTakeFirstOrThrow();
    await t.handle.db
      .insertInto("invitation")
      .values({ token_hash: "h".repeat(64), email, structure_id: world.s1, expires_at: new Date(Date.now() + 86_400_000) })
      .execute();
    provider.user = { sub: "pc-invitee", email, emailVerified: true };
    const { callback, stateCookie } = await startLogin();
    const res = await app.inject({ method: "GET", url: callback, headers: { cookie: stateCookie } });
    expect(res.statusCode, res.body).toBe(302);
    const linked = await t.handle.db.selectFrom("app_user").select("oidc_subject").where("id", "=", user.id).executeTakeFirstOrThrow();
    expect(linked.oidc_subject).toBe("pc-invitee");
  });

  test("an admin or national account logs in by SSO only when the provider used a second factor (amr)", async () => {
    await securityDb(t.handle.db)
      .updateTable("app_user")
      .set({ oidc_link_allowed: true })
      .where("id", "=", world.users.national.id)
      .execute();
    provider.user = { sub: "pc-dgefp", email: world.users.national.email, emailVerified: true, amr: ["pwd"] };
    let { callback, stateCookie } = await startLogin();
    const single = await app.inject({ method: "GET", url: callback, headers: { cookie: stateCookie } });
    expect(single.statusCode, single.body).toBe(403);
    expect(single.json().title).toBe("Double authentification requise");
    provider.user = { sub: "pc-dgefp", email: world.users.national.email, emailVerified: true, amr: ["pwd", "otp"] };
    ({ callback, stateCookie } = await startLogin());
    const multi = await app.inject({ method: "GET", url: callback, headers: { cookie: stateCookie } });
    expect(multi.statusCode, multi.body).toBe(302);
  });

  test("the provider saw correct PKCE verifiers and client credentials", () => {
    expect(provider.refused).toEqual([]);
  });

  test("open redirects are ignored; SSO off answers 404", async () => {
    const start = await app.inject({ method: "GET", url: "/api/v1/auth/oidc/login?returnTo=//evil.example/x" });
    expect(start.statusCode).toBe(302);
    const pending = await securityDb(t.handle.db).selectFrom("oidc_login").select("return_to").execute();
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.some((p) => (p.return_to ?? "").includes("evil"))).toBe(false);
    const off = await buildTestApp(t, testCipher(), { config: { oidc: null } });
    expect((await off.inject({ method: "GET", url: "/api/v1/auth/oidc/login" })).statusCode).toBe(404);
    await off.close();
  });
});
