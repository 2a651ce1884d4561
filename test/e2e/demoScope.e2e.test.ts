// The demo accounts against every territory route, as the round's review tried them by hand: each plain
// request on the account's own territory and on another, and the attacker's variants (extra structureId,
// personId, departement, region, scope; other-territory ids in each position; an unknown key). An
// out-of-scope answer is a 2xx to a request naming another territory, or a 2xx variant answering
// differently from the plain in-scope request. The demo database gives none.
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/schema.js";
import { DEMO_EMAIL_DOMAIN } from "../../src/demo/demoAccounts.js";
import { routeTableOf } from "../../src/server/auth/plugin.js";
import { createSession } from "../../src/server/auth/sessions.js";
import { attackerVariants, build, isTerritorial, normalisedBody, type Places, urlOf } from "../security/support/requests.js";
import { type RunningApp, startApp } from "./support/server.js";
import { demoAvailable } from "./support/journey.js";

let running: RunningApp;

beforeAll(async () => {
  running = await startApp({ demo: demoAvailable });
}, 20 * 60_000);
afterAll(async () => {
  await running?.close();
});

async function id(q: Promise<{ id: number | string } | undefined>): Promise<number> {
  const row = await q;
  if (!row) throw new Error("demo: no such row");
  return Number(row.id);
}

/** Another territory in the demo database: a structure of the Nord (59) with an AF and an RSA salarié. */
async function seedElsewhere(db: Kysely<Database>): Promise<{ structureId: number; personId: number; annexId: number }> {
  const structureId = await id(
    db
      .insertInto("structure")
      .values({ kind: "ACI", asp_id: 990059, name: "Chantier du Hainaut (test)", departement_code: "59" })
      .returning("id")
      .executeTakeFirst(),
  );
  const personId = await id(
    db
      .insertInto("person")
      .values({ first_name: "Hors", last_name: "Territoire", birth_date: "1980-04-02", departement_code: "59" })
      .returning("id")
      .executeTakeFirst(),
  );
  await db
    .insertInto("contract")
    .values({
      person_id: personId,
      structure_id: structureId,
      mesure_code: "ACI_DC",
      contract_type: "CDDI",
      starts_on: "2025-01-06",
      rsa: "OUI-M",
    })
    .execute();
  const annexId = await id(
    db
      .insertInto("financial_annex")
      .values({
        structure_id: structureId,
        number_prefix: "ACI059259999",
        mesure_code: "ACI_DC",
        state: "VALIDE",
        starts_on: "2025-01-01",
        ends_on: "2025-12-31",
        etp: "2.00",
        annual_hours: "1820",
      })
      .returning("id")
      .executeTakeFirst(),
  );
  return { structureId, personId, annexId };
}

/** The account's own places (its structure, or the first of its département) and the Nord's. */
async function placesOf(
  db: Kysely<Database>,
  userId: number,
  departement: string | null,
  elsewhere: { structureId: number; personId: number; annexId: number },
): Promise<Places> {
  const member = await db.selectFrom("membership").select("structure_id").where("user_id", "=", userId).executeTakeFirst();
  const home = member
    ? Number(member.structure_id)
    : await id(
        db
          .selectFrom("structure")
          .select("id")
          .where("departement_code", "=", departement ?? "62")
          .orderBy("id")
          .executeTakeFirst(),
      );
  const p1 = await id(
    db
      .selectFrom("contract")
      .select("person_id as id")
      .where("structure_id", "=", home)
      .where("rsa", "<>", "NON")
      .orderBy("person_id")
      .executeTakeFirst(),
  );
  const a1 = await id(db.selectFrom("financial_annex").select("id").where("structure_id", "=", home).orderBy("id").executeTakeFirst());
  return {
    s1: home,
    s2: elsewhere.structureId,
    p1,
    p2: elsewhere.personId,
    a1,
    a2: elsewhere.annexId,
    territories: {
      home: { departement: "62", region: "32", scope: member ? `structure:${home}` : "departement:62" },
      other: { departement: "59", region: "11", scope: "departement:59" },
    },
  };
}

describe.skipIf(!demoAvailable)("demo accounts on every territory route", () => {
  it("0 out-of-scope answers for ddets62, aviee and cd62", { timeout: 600_000 }, async () => {
    const { app, handle } = running;
    const db = handle.db;
    const elsewhere = await seedElsewhere(db);
    const outOfScope: string[] = [];
    let requests = 0;
    for (const account of ["ddets62", "aviee", "cd62"]) {
      const user = await db
        .selectFrom("app_user")
        .select(["id", "departement_code"])
        .where("email", "=", `${account}@${DEMO_EMAIL_DOMAIN}`)
        .executeTakeFirstOrThrow();
      const places = await placesOf(db, Number(user.id), user.departement_code, elsewhere);
      const session = await createSession(db, Number(user.id), { ip: null, userAgent: "demo-scope" }, new Date());
      const headers = { cookie: `passerelle_session=${session.token}` };
      const get = async (url: string) => {
        requests += 1;
        const res = await app.inject({ method: "GET", url, headers });
        return { status: res.statusCode, body: normalisedBody(res.body) };
      };
      const routes = routeTableOf(app).filter((r) => r.method === "GET" && r.contract && isTerritorial(r));
      expect(routes.length).toBeGreaterThan(10);
      for (const route of routes) {
        const foreign = build(route, places, "other");
        const foreignAnswer = await get(urlOf(foreign));
        if (foreignAnswer.status < 300) outOfScope.push(`${account} GET ${urlOf(foreign)}: ${foreignAnswer.status}`);
        const plain = build(route, places, "home");
        const base = await get(urlOf(plain));
        for (const v of attackerVariants(route, plain, places)) {
          const res = await get(urlOf(v.built));
          if (res.status >= 300) continue;
          if (base.status >= 300 || res.body !== base.body) outOfScope.push(`${account} GET ${urlOf(v.built)} (${v.label}): ${res.status}`);
        }
      }
    }
    expect(requests).toBeGreaterThan(500);
    expect(outOfScope).toEqual([]);
  });
});
