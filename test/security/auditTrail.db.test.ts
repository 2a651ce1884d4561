// The audit trail: append-only on the engine (UPDATE / DELETE / TRUNCATE fail), reads of personal
// pages and exports recorded, admin screen and CSV export; and NIR never in logs, audit or exports.
import { Writable } from "node:stream";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { App } from "../../src/server/context.js";
import { testCipher } from "../../src/security/personalData.js";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";
import { buildTestApp, type LoggedIn, login, NIR_P1, NIR_P2, seedWorld, type World } from "./support/fixture.js";

let t: TestDatabase;
let app: App;
let world: World;
let logs = "";
const pii = testCipher();

beforeAll(async () => {
  t = await createTestDatabase();
  world = await seedWorld(t.handle.db, pii);
  const stream = new Writable({
    write(chunk, _enc, cb) {
      logs += chunk.toString();
      cb();
    },
  });
  app = await buildTestApp(t, pii, {}, { logger: { level: "trace", stream } });
});
afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

const nirForms = (nir: string) => [
  nir,
  `${nir.slice(0, 1)} ${nir.slice(1, 3)} ${nir.slice(3, 5)} ${nir.slice(5, 7)} ${nir.slice(7, 10)} ${nir.slice(10, 13)}`,
];

describe("append-only", () => {
  test("UPDATE, DELETE and TRUNCATE on audit_event fail on this engine", async () => {
    await t.handle.db.insertInto("audit_event").values({ actor_label: "test", action: "probe", entity: "test" }).execute();
    await expect(t.handle.db.updateTable("audit_event").set({ action: "forged" }).execute()).rejects.toThrow(/append-only/);
    await expect(t.handle.db.deleteFrom("audit_event").execute()).rejects.toThrow(/append-only/);
    await expect(sql`TRUNCATE audit_event`.execute(t.handle.db)).rejects.toThrow(/append-only/);
    const probe = await t.handle.db.selectFrom("audit_event").select("action").where("entity", "=", "test").execute();
    expect(probe.map((p) => p.action)).toEqual(["probe"]);
  });
});

describe("reads and exports of personal data", () => {
  let siae: LoggedIn;
  let admin: LoggedIn;
  beforeAll(async () => {
    siae = await login(app, world.users.siaeAdmin.email);
    admin = await login(app, world.users.admin.email);
  });

  test("person export: scoped, masked NIR, audited as person.export", async () => {
    const res = await app.inject({ method: "GET", url: `/api/v1/persons/${world.p1}/export`, headers: siae.headers });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers["content-disposition"]).toContain(`personne-${world.p1}.json`);
    const body = res.json();
    expect(body.person).toMatchObject({ lastName: "Vandamme", firstName: "Josiane", nir: "1 69 05 ** *** *** **" });
    expect(body.contracts).toHaveLength(1);
    for (const form of nirForms(NIR_P1)) expect(res.body).not.toContain(form);
    const events = await t.handle.db
      .selectFrom("audit_event")
      .selectAll()
      .where("person_id", "=", world.p1)
      .where("action", "=", "person.export")
      .execute();
    expect(events).toHaveLength(1);
    expect(events[0]?.actor_user_id).toBe(world.users.siaeAdmin.id);
    // Another structure's person: refused, nothing returned.
    const other = await app.inject({ method: "GET", url: `/api/v1/persons/${world.p2}/export`, headers: siae.headers });
    expect(other.statusCode).toBe(403);
    expect(other.body).not.toContain("Olivieri");
  });

  test("the conseil départemental gets the RSA view only, without NIR", async () => {
    const cd = await login(app, world.users.conseil_departemental.email);
    const res = await app.inject({ method: "GET", url: `/api/v1/persons/${world.p1}/export`, headers: cd.headers });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.person.nir).toBeUndefined();
    expect(body.person.email).toBeUndefined();
    expect(body.contracts.every((c: { rsa: string }) => c.rsa !== "NON")).toBe(true);
    expect(body.eligibilityDiagnoses).toBeUndefined();
  });

  test("admin screen lists events, filters by person, and the CSV export is itself audited", async () => {
    const screen = await app.inject({ method: "GET", url: `/api/v1/audit?personId=${world.p1}&limit=10`, headers: admin.headers });
    expect(screen.statusCode).toBe(200);
    expect(screen.json().events.length).toBeGreaterThanOrEqual(2);
    expect(screen.json().events.every((e: { personId: number }) => e.personId === world.p1)).toBe(true);
    const page1 = await app.inject({ method: "GET", url: "/api/v1/audit?limit=2", headers: admin.headers });
    const next = page1.json().nextBefore;
    expect(next).toBeTypeOf("number");
    const page2 = await app.inject({ method: "GET", url: `/api/v1/audit?limit=2&before=${next}`, headers: admin.headers });
    expect(page2.json().events[0].id).toBeLessThan(next);
    const csv = await app.inject({ method: "GET", url: "/api/v1/audit/export", headers: admin.headers });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers["content-type"]).toContain("text/csv");
    expect(csv.body).toContain("person.export");
    expect((await app.inject({ method: "GET", url: "/api/v1/audit", headers: siae.headers })).statusCode).toBe(403);
    const exported = await t.handle.db.selectFrom("audit_event").select("id").where("action", "=", "audit.export").execute();
    expect(exported).toHaveLength(1);
  });

  test("writes through the API are audited with who, when and what", async () => {
    const res = await app.inject({
      method: "POST",
      url: `/api/v1/structures/${world.s1}/invitations`,
      headers: siae.headers,
      payload: { email: "audit@exemple.fr" },
    });
    expect(res.statusCode).toBe(201);
    const row = await t.handle.db.selectFrom("audit_event").selectAll().where("action", "=", "invitation.create").executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      actor_user_id: world.users.siaeAdmin.id,
      actor_label: world.users.siaeAdmin.email,
      structure_id: world.s1,
    });
    expect(row.at).toBeInstanceOf(Date);
    expect(JSON.stringify(row.after)).not.toContain(res.json().token);
  });

  test("no NIR in the logs, the audit trail or any answer (grep of everything captured)", async () => {
    // Requests that carry a NIR in their body or URL, including malformed ones.
    await app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email: NIR_P1, password: NIR_P2 } });
    await app.inject({
      method: "POST",
      url: `/api/v1/structures/${world.s1}/invitations`,
      headers: siae.headers,
      payload: { email: `${NIR_P1}@exemple.fr`, nir: NIR_P2 },
    });
    await app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      headers: { "content-type": "application/json" },
      payload: `{"email":"${NIR_P2}",`,
    });
    const answers: string[] = [];
    for (const url of [
      `/api/v1/persons/${world.p1}/export`,
      `/api/v1/persons/${world.p1}`,
      `/api/v1/audit/export`,
      `/api/v1/audit?limit=500`,
    ]) {
      const r = await app.inject({ method: "GET", url, headers: url.includes("audit") ? admin.headers : siae.headers });
      answers.push(r.body);
    }
    const audit = JSON.stringify(await t.handle.db.selectFrom("audit_event").selectAll().execute());
    expect(logs.length).toBeGreaterThan(1000);
    for (const nir of [NIR_P1, NIR_P2]) {
      for (const form of nirForms(nir)) {
        expect(logs).not.toContain(form);
        expect(audit).not.toContain(form);
        for (const a of answers) expect(a).not.toContain(form);
      }
    }
    // Session secrets are redacted from the logs too.
    expect(logs).not.toContain(siae.csrf);
    expect(logs).not.toContain(siae.cookie.split("=")[1] ?? "???");
  });
});
