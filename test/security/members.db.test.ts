// Invitations by link with expiry, members management and the last-admin rule.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { INVITATION_TTL_DAYS } from "../../src/server/auth/invitations.js";
import type { App } from "../../src/server/context.js";
import { testCipher } from "../../src/security/personalData.js";
import { smtpMailer } from "../../src/server/mail/mailer.js";
import { bodyOf, type ReceivedMail, type SmtpSink, startSmtpSink } from "../support/smtpSink.js";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";
import { buildTestApp, type LoggedIn, login, movableClock, seedWorld, type World } from "./support/fixture.js";

let t: TestDatabase;
let app: App;
let world: World;
let admin: LoggedIn;
let sink: SmtpSink;
const clock = movableClock();

beforeAll(async () => {
  t = await createTestDatabase();
  world = await seedWorld(t.handle.db, testCipher());
  // Invitations leave by SMTP, to a local sink: the link is read where the invitee reads it.
  sink = await startSmtpSink();
  app = await buildTestApp(t, testCipher(), {
    clock,
    config: { mailer: smtpMailer(sink.url, "Passerelle <ne-pas-repondre@passerelle.test>") },
  });
  admin = await login(app, world.users.siaeAdmin.email);
});
afterAll(async () => {
  await app?.close();
  await sink?.close();
  await t?.destroy();
});

async function invite(email: string, isAdmin = false) {
  const res = await app.inject({
    method: "POST",
    url: `/api/v1/structures/${world.s1}/invitations`,
    headers: admin.headers,
    payload: { email, isAdmin },
  });
  expect(res.statusCode, res.body).toBe(201);
  const mail = sink.received.filter((m) => m.to.includes(email.toLowerCase())).at(-1) as ReceivedMail;
  expect(mail, `no e-mail to ${email}`).toBeDefined();
  const token = bodyOf(mail).match(/\/invitation\/([A-Za-z0-9_-]{20,})/)?.[1] as string;
  expect(token).toBeDefined();
  // The inviter's answer never carries the link.
  expect(res.body).not.toContain(token);
  return { ...(res.json() as { id: number; expiresAt: string; delivery: string }), token, mail };
}

describe("invitations", () => {
  test("a new person accepts an invitation: account created, member of the structure, logged in", async () => {
    const inv = await invite("Nouvelle.Recrue@exemple.fr");
    // Only to the invitee's mailbox, over SMTP; the answer says how it left and holds no token or link.
    expect(inv.mail.to).toEqual(["nouvelle.recrue@exemple.fr"]);
    expect(inv.mail.from).toBe("ne-pas-repondre@passerelle.test");
    expect(bodyOf(inv.mail)).toContain(`http://localhost/invitation/${inv.token}`);
    expect(inv.mail.raw).toMatch(/Subject: .*Invitation/);
    expect(inv.delivery).toBe("email");
    expect(Object.keys(inv)).not.toContain("link");
    const stored = await t.handle.db.selectFrom("invitation").select("token_hash").where("id", "=", inv.id).executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toBe(inv.token);
    const info = await app.inject({ method: "GET", url: `/api/v1/invitations/${inv.token}` });
    expect(info.json()).toMatchObject({ email: "nouvelle.recrue@exemple.fr", structureName: "Atelier du Littoral", accountExists: false });
    const weak = await app.inject({
      method: "POST",
      url: `/api/v1/invitations/${inv.token}/accept`,
      payload: { displayName: "Nouvelle Recrue", password: "court" },
    });
    expect(weak.statusCode).toBe(400);
    const res = await app.inject({
      method: "POST",
      url: `/api/v1/invitations/${inv.token}/accept`,
      payload: { displayName: "Nouvelle Recrue", password: "un-mot-de-passe-long" },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().user).toMatchObject({ email: "nouvelle.recrue@exemple.fr", role: "siae", structureIds: [world.s1] });
    expect(res.cookies.find((c) => c.name === "passerelle_session")).toBeDefined();
    // The link works once.
    const again = await app.inject({
      method: "POST",
      url: `/api/v1/invitations/${inv.token}/accept`,
      payload: { displayName: "Xavier", password: "un-mot-de-passe-long" },
    });
    expect(again.statusCode).toBe(410);
  });

  test(`an invitation expires after ${INVITATION_TTL_DAYS} days`, async () => {
    const inv = await invite("en.retard@exemple.fr");
    clock.advance(INVITATION_TTL_DAYS * 24 * 3600 * 1000 + 1000);
    admin = await login(app, world.users.siaeAdmin.email);
    const info = await app.inject({ method: "GET", url: `/api/v1/invitations/${inv.token}` });
    expect(info.statusCode).toBe(410);
    expect(info.json().detail).toContain("expiré");
    const accept = await app.inject({
      method: "POST",
      url: `/api/v1/invitations/${inv.token}/accept`,
      payload: { displayName: "En Retard", password: "un-mot-de-passe-long" },
    });
    expect(accept.statusCode).toBe(410);
    expect(
      await t.handle.db.selectFrom("app_user").select("id").where("email", "=", "en.retard@exemple.fr").executeTakeFirst(),
    ).toBeUndefined();
    const list = await app.inject({ method: "GET", url: `/api/v1/structures/${world.s1}/invitations`, headers: admin.headers });
    expect(list.json().find((i: { id: number }) => i.id === inv.id).state).toBe("expired");
  });

  test("an existing account joins by logging in first; another account cannot use the link", async () => {
    const inv = await invite(world.users.siaeAdminS2.email, true);
    const anonymous = await app.inject({ method: "POST", url: `/api/v1/invitations/${inv.token}/accept`, payload: {} });
    expect(anonymous.statusCode).toBe(409);
    const intruder = await login(app, world.users.siaeMember.email);
    const wrong = await app.inject({
      method: "POST",
      url: `/api/v1/invitations/${inv.token}/accept`,
      headers: intruder.headers,
      payload: {},
    });
    expect(wrong.statusCode).toBe(403);
    const owner = await login(app, world.users.siaeAdminS2.email);
    const ok = await app.inject({ method: "POST", url: `/api/v1/invitations/${inv.token}/accept`, headers: owner.headers, payload: {} });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().user.structureIds.sort()).toEqual([world.s1, world.s2].sort());
  });

  test("a non-admin member cannot invite; nobody invites into another structure; unknown tokens are 404", async () => {
    const member = await login(app, world.users.siaeMember.email);
    expect(
      (
        await app.inject({
          method: "POST",
          url: `/api/v1/structures/${world.s1}/invitations`,
          headers: member.headers,
          payload: { email: "x@exemple.fr" },
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await app.inject({
          method: "POST",
          url: `/api/v1/structures/${world.s2}/invitations`,
          headers: admin.headers,
          payload: { email: "x@exemple.fr" },
        })
      ).statusCode,
    ).toBe(403);
    expect((await app.inject({ method: "GET", url: `/api/v1/invitations/${"A".repeat(43)}` })).statusCode).toBe(404);
    const bad = await app.inject({
      method: "POST",
      url: `/api/v1/structures/${world.s1}/invitations`,
      headers: admin.headers,
      payload: { email: "pas-une-adresse" },
    });
    expect(bad.statusCode).toBe(400);
  });
});

describe("last admin", () => {
  test("the last admin can be neither removed nor demoted; with a second admin it can", async () => {
    // S2's admins: siaeAdminS2 only (it joined S1 above, S2 still has one admin).
    const s2admin = await login(app, world.users.siaeAdminS2.email);
    const self = world.users.siaeAdminS2.id;
    const demote = await app.inject({
      method: "PATCH",
      url: `/api/v1/structures/${world.s2}/members/${self}`,
      headers: s2admin.headers,
      payload: { isAdmin: false },
    });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().title).toBe("Dernier administrateur");
    const remove = await app.inject({ method: "DELETE", url: `/api/v1/structures/${world.s2}/members/${self}`, headers: s2admin.headers });
    expect(remove.statusCode).toBe(409);
    // S1 has two admins now (siaeAdmin and siaeAdminS2): one can go.
    const members = await app.inject({ method: "GET", url: `/api/v1/structures/${world.s1}/members`, headers: admin.headers });
    expect(members.json().filter((m: { isAdmin: boolean }) => m.isAdmin)).toHaveLength(2);
    const ok = await app.inject({ method: "DELETE", url: `/api/v1/structures/${world.s1}/members/${self}`, headers: admin.headers });
    expect(ok.statusCode).toBe(204);
    const last = await app.inject({
      method: "DELETE",
      url: `/api/v1/structures/${world.s1}/members/${world.users.siaeAdmin.id}`,
      headers: admin.headers,
    });
    expect(last.statusCode).toBe(409);
    const audit = await t.handle.db
      .selectFrom("audit_event")
      .select(["action", "before"])
      .where("action", "=", "membership.remove")
      .execute();
    expect(audit).toHaveLength(1);
  });

  test("the database refuses it too (trigger), whatever the path", async () => {
    await expect(
      t.handle.db.deleteFrom("membership").where("structure_id", "=", world.s2).where("is_admin", "=", true).execute(),
    ).rejects.toThrow(/last admin/);
    await expect(
      t.handle.db.updateTable("membership").set({ is_admin: false }).where("structure_id", "=", world.s2).execute(),
    ).rejects.toThrow(/last admin/);
    // Removing a plain member is fine.
    await t.handle.db
      .deleteFrom("membership")
      .where("structure_id", "=", world.s1)
      .where("user_id", "=", world.users.siaeMember.id)
      .execute();
  });
});
