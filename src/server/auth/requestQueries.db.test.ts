// Per-request cost of the security layer (scenario 3): how many statements a salarié page
// costs (session + principal in one; access check, page and its audit row in one), that the read is still
// audited — in the same statement — while a refused read writes nothing and returns nothing personal, and
// what an attacker tries against the folded access check: another structure's person, unknown or malformed
// ids, extra parameters naming a visible person, each role outside its scope.
import type { KyselyPlugin } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildTestApp, type LoggedIn, login, type Persona, seedWorld, type World } from "../../../test/security/support/fixture.js";
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

const allReads = async () =>
  Number(
    (
      await t.handle.db
        .selectFrom("audit_event")
        .select((eb) => eb.fn.countAll().as("n"))
        .where("action", "=", "person.read")
        .executeTakeFirstOrThrow()
    ).n,
  );

const readsOf = (personId: number) =>
  t.handle.db
    .selectFrom("audit_event")
    .select(["actor_user_id", "action", "person_id"])
    .where("person_id", "=", personId)
    .where("action", "=", "person.read")
    .execute();

describe("GET /api/v1/persons/:personId (SIAE member)", () => {
  test("two statements: session with principal; access check, page and its audit row", async () => {
    const before = (await readsOf(world.p1)).length;
    statements.length = 0;
    const res = await app.inject({ method: "GET", url: `/api/v1/persons/${world.p1}`, headers: siae.headers });
    expect(res.statusCode, res.body).toBe(200);
    expect(statements, statements.join("\n")).toHaveLength(2);
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

describe("the salarié page's access check, attacked", () => {
  const sessions = new Map<string, LoggedIn>();
  const as = async (who: Persona | "siaeAdminS2") => {
    let s = sessions.get(who);
    if (!s) {
      s = await login(app, world.users[who].email);
      sessions.set(who, s);
    }
    return s;
  };
  const NAMES = ["Vandamme", "Olivieri", "Delattre", "Josiane", "Marius", "Kevin"];

  /** A refused read: the status, no person.read row written at all, no name in the answer. */
  async function refused(who: Persona | "siaeAdminS2", url: string, status: number) {
    const before = await allReads();
    const res = await app.inject({ method: "GET", url, headers: (await as(who)).headers });
    expect(res.statusCode, `${who} ${url}: ${res.body}`).toBe(status);
    for (const name of NAMES) expect(res.body).not.toContain(name);
    expect(await allReads(), `${who} ${url}: audit rows`).toBe(before);
    return res;
  }
  async function granted(who: Persona | "siaeAdminS2", personId: number, lastName: string) {
    const before = (await readsOf(personId)).length;
    const res = await app.inject({ method: "GET", url: `/api/v1/persons/${personId}`, headers: (await as(who)).headers });
    expect(res.statusCode, `${who} ${personId}: ${res.body}`).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ id: personId, lastName });
    const reads = await readsOf(personId);
    expect(reads).toHaveLength(before + 1);
    expect(reads.at(-1)).toMatchObject({ actor_user_id: world.users[who].id });
  }

  test("a SIAE member: its persons yes, another structure's person no (403, nothing written)", async () => {
    await granted("siaeMember", world.p1, "Vandamme");
    await granted("siaeMember", world.p3, "Delattre");
    const res = await refused("siaeMember", `/api/v1/persons/${world.p2}`, 403);
    expect(res.body).toContain("n'est pas salariée de vos structures");
    await refused("siaeAdminS2", `/api/v1/persons/${world.p1}`, 403);
    await refused("siaeAdminS2", `/api/v1/persons/${world.p3}`, 403);
    await granted("siaeAdminS2", world.p2, "Olivieri");
  });

  test("unknown and malformed ids: 404 / 400, nothing written", async () => {
    const unknown = world.p1 + world.p2 + world.p3 + 1_000_000;
    for (const who of ["siaeAdmin", "admin", "conseil_departemental"] as const) await refused(who, `/api/v1/persons/${unknown}`, 404);
    for (const id of ["0", "-1", `${world.p2}%20OR%201=1`, `${world.p1},${world.p2}`, "abc", "99999999999999999999999"])
      await refused("siaeAdmin", `/api/v1/persons/${id}`, 400);
  });

  test("extra parameters naming a visible person or structure do not open another's page", async () => {
    for (const query of [`personId=${world.p1}`, `structureId=${world.s1}`, `id=${world.p1}`, `personId=${world.p1}&personId=${world.p2}`])
      await refused("siaeAdmin", `/api/v1/persons/${world.p2}?${query}`, 400);
    await refused("siaeAdmin", `/api/v1/persons/${world.p1}?structureId=${world.s2}`, 400);
  });

  test("the conseil départemental: RSA beneficiaries employed in its département only", async () => {
    await granted("conseil_departemental", world.p1, "Vandamme");
    const res = await refused("conseil_departemental", `/api/v1/persons/${world.p3}`, 403);
    expect(res.body).toContain("bénéficiaire du RSA dans votre département");
    await refused("conseil_departemental", `/api/v1/persons/${world.p2}`, 403);
  });

  test("State agents open no personal page, even one of their territory; an admin opens all", async () => {
    for (const who of ["national", "regional", "departemental"] as const) await refused(who, `/api/v1/persons/${world.p1}`, 403);
    await granted("admin", world.p2, "Olivieri");
  });

  test("a diagnosis made by the structure, or its ASP id for the person, opens the page as before", async () => {
    const db = t.handle.db;
    const { reserveId } = await import("../../db/reserveIds.js");
    const lone = await reserveId(db, "person");
    await db
      .insertInto("person")
      .values({ id: lone, first_name: "Solène", last_name: "Seule", birth_date: "1990-01-01", departement_code: "13" })
      .execute();
    await refused("siaeAdminS2", `/api/v1/persons/${lone}`, 403);
    await db
      .insertInto("eligibility_diagnosis")
      .values({ person_id: lone, author_kind: "siae", author_structure_id: world.s2, made_on: "2026-05-02", expires_on: "2026-11-01" })
      .execute();
    await granted("siaeAdminS2", lone, "Seule");
    await refused("siaeAdmin", `/api/v1/persons/${lone}`, 403);
    await db.insertInto("person_asp_id").values({ structure_id: world.s1, asp_pph_id: 424242, person_id: lone }).execute();
    await granted("siaeAdmin", lone, "Seule");
  });
});
