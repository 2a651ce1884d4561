// Account creation rules (API for platform admins, CLI for operators).
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { buildProgram } from "../../src/cli/index.js";
import { SYSTEM_ACTOR } from "../../src/db/audit.js";
import { verifyPassword } from "../../src/security/passwords.js";
import { testCipher } from "../../src/security/personalData.js";
import { createUser, UserInputError } from "../../src/security/users.js";
import type { App } from "../../src/server/context.js";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";
import { buildTestApp, login, seedWorld, type World } from "./support/fixture.js";

let t: TestDatabase;
let world: World;
let app: App;
beforeAll(async () => {
  t = await createTestDatabase();
  world = await seedWorld(t.handle.db, testCipher());
  app = await buildTestApp(t, testCipher());
});
afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

describe("createUser", () => {
  test("role and scope must agree; duplicates and short passwords refused", async () => {
    const db = t.handle.db;
    await expect(createUser(db, { email: "a@b.fr", displayName: "Agent", role: "regional" }, SYSTEM_ACTOR)).rejects.toThrow(UserInputError);
    await expect(
      createUser(db, { email: "a@b.fr", displayName: "Agent", role: "departemental", departementCode: "99" }, SYSTEM_ACTOR),
    ).rejects.toThrow(/inconnu/);
    await expect(createUser(db, { email: "a@b.fr", displayName: "Agent", role: "siae" }, SYSTEM_ACTOR)).rejects.toThrow(/structure/);
    await expect(
      createUser(db, { email: "a@b.fr", displayName: "Agent", role: "national", password: "court" }, SYSTEM_ACTOR),
    ).rejects.toThrow(/12 caractères/);
    await expect(createUser(db, { email: world.users.admin.email, displayName: "Agent", role: "admin" }, SYSTEM_ACTOR)).rejects.toThrow(
      /existe déjà/,
    );
    const { id } = await createUser(
      db,
      {
        email: " Agent@DDETS62.gouv.fr ",
        displayName: "Agent 62",
        role: "departemental",
        departementCode: "62",
        password: "mot-de-passe-assez-long",
      },
      SYSTEM_ACTOR,
    );
    const row = await db.selectFrom("app_user").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ email: "agent@ddets62.gouv.fr", region_code: "32", departement_code: "62" });
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(row.password_hash ?? "", "mot-de-passe-assez-long")).toBe(true);
  });

  test("admin API: creates accounts, refuses others; disabling closes sessions", async () => {
    const admin = await login(app, world.users.admin.email);
    const created = await app.inject({
      method: "POST",
      url: "/api/v1/admin/users",
      headers: admin.headers,
      payload: { email: "membre2@aci.fr", displayName: "Membre 2", role: "siae", structureId: world.s1 },
    });
    expect(created.statusCode, created.body).toBe(201);
    const bad = await app.inject({
      method: "POST",
      url: "/api/v1/admin/users",
      headers: admin.headers,
      payload: { email: "x@y.fr", displayName: "X Y", role: "regional" },
    });
    expect(bad.statusCode).toBe(400);
    const victim = await login(app, world.users.national.email);
    const off = await app.inject({
      method: "PATCH",
      url: `/api/v1/admin/users/${world.users.national.id}`,
      headers: admin.headers,
      payload: { disabled: true },
    });
    expect(off.statusCode).toBe(204);
    expect((await app.inject({ method: "GET", url: "/api/v1/auth/me", headers: { cookie: victim.cookie } })).statusCode).toBe(401);
    const list = await app.inject({ method: "GET", url: "/api/v1/admin/users?role=siae", headers: admin.headers });
    expect(list.json().map((u: { email: string }) => u.email)).toContain("membre2@aci.fr");
  });

  test.runIf(Boolean(process.env.TEST_DATABASE_URL))("CLI: users create --json, exit 1 on an invalid role", async () => {
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = t.url;
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    const errSpy = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      await (await buildProgram()).parseAsync([
        "node",
        "passerelle",
        "users",
        "create",
        "--email",
        "cd13@exemple.fr",
        "--name",
        "CD 13",
        "--role",
        "conseil_departemental",
        "--departement",
        "13",
        "--json",
      ]);
      expect(JSON.parse(out.join(""))).toMatchObject({ email: "cd13@exemple.fr", role: "conseil_departemental", login: "ProConnect" });
      process.exitCode = 0;
      await (await buildProgram()).parseAsync([
        "node",
        "passerelle",
        "users",
        "create",
        "--email",
        "z@exemple.fr",
        "--name",
        "Z",
        "--role",
        "roi",
      ]);
      expect(process.exitCode).toBe(1);
    } finally {
      process.exitCode = 0;
      spy.mockRestore();
      errSpy.mockRestore();
      process.env.DATABASE_URL = previous;
      if (previous === undefined) delete process.env.DATABASE_URL;
    }
  });
});
