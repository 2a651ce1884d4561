// Per-request cost of the security layer (scenario 3): how many statements a salarié page
// costs (session + principal in one, scope check in one, page + its audit row in one), and that the
// read is still audited — in the same statement — while a refused read writes nothing.
import type { KyselyPlugin } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildTestApp, type LoggedIn, login, seedWorld, type World } from "../../../test/security/support/fixture.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/testDb.js";
import type { DatabaseHandle } from "../../db/connection.js";
import { testCipher } from "../../security/personalData.js";
import type { App } from "../context.js";

let t: TestDatabase;
let app: App;
let world: World;
let siae: LoggedIn;
const statements: string[] = [];

// transformResult runs once per executed statement (transformQuery also runs for embedded builders).
const counter: KyselyPlugin = {
  transformQuery: (args) => args.node,
  transformResult: async (args) => {
    statements.push(String(args.queryId.queryId));
    return args.result;
  },
};

beforeAll(async () => {
  t = await createTestDatabase();
  const pii = testCipher();
  world = await seedWorld(t.handle.db, pii);
  const counted = t.handle.db.withPlugin(counter);
  const handle = new Proxy(t.handle, {
    get: (target, prop) => (prop === "db" ? counted : Reflect.get(target, prop, target)),
  }) as DatabaseHandle;
  app = await buildTestApp({ ...t, handle }, pii);
  siae = await login(app, world.users.siaeAdmin.email);
});
afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

const readsOf = (personId: number) =>
  t.handle.db
    .selectFrom("audit_event")
    .select(["actor_user_id", "action", "person_id"])
    .where("person_id", "=", personId)
    .where("action", "=", "person.read")
    .execute();

describe("GET /api/v1/persons/:personId (SIAE member)", () => {
  test("three statements: session with principal, scope check, page with its audit row", async () => {
    const before = (await readsOf(world.p1)).length;
    statements.length = 0;
    const res = await app.inject({ method: "GET", url: `/api/v1/persons/${world.p1}`, headers: siae.headers });
    expect(res.statusCode, res.body).toBe(200);
    expect(statements, statements.join("\n")).toHaveLength(3);
    const reads = await readsOf(world.p1);
    expect(reads).toHaveLength(before + 1);
    expect(reads.at(-1)).toMatchObject({ actor_user_id: world.users.siaeAdmin.id, action: "person.read" });
  });

  test("a refused read (person of another structure) writes no read audit and returns nothing personal", async () => {
    const before = (await readsOf(world.p2)).length;
    const res = await app.inject({ method: "GET", url: `/api/v1/persons/${world.p2}`, headers: siae.headers });
    expect([403, 404]).toContain(res.statusCode);
    expect(await readsOf(world.p2)).toHaveLength(before);
  });
});
