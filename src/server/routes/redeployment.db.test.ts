// Redeployment API: the what-if recomputed by the domain, the acceptance that writes DRAFT AF versions (M+1,
// SAISI) whose totals are afTotal(new ETP, unit amount, months) to the cent, audited, counting nothing until
// validated; only the State agents of the département.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestUser, testApp, userWithSession } from "../../../test/api/support/apiKit.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/testDb.js";
import { afTotal } from "../../domain/conventions/amounts.js";
import { computeIndicators } from "../../indicators/computeIndicators.js";
import { insertDataset, randomDataset } from "../../indicators/testkit/randomDataset.js";
import type { App } from "../context.js";

let t: TestDatabase;
let app: App;
const users: Record<string, TestUser> = {};
let structureIn62 = 0;

beforeAll(async () => {
  t = await createTestDatabase();
  const ds = randomDataset(29, { structures: 40, persons: 160 });
  await t.handle.withTransaction(({ db }) => insertDataset(db, ds));
  // The random AFs carry a total but no unit amount (as some imported AFs): give them the unit amount of their total.
  await sql`UPDATE financial_annex SET unit_amount = round(total_amount / (etp * ((extract(year FROM ends_on) - extract(year FROM starts_on)) * 12 + extract(month FROM ends_on) - extract(month FROM starts_on) + 1) / 12), 2) WHERE etp > 0`.execute(
    t.handle.db,
  );
  structureIn62 = ds.structures.find((s) => s.departement === "62")?.id ?? 0;
  users.ddets62 = await userWithSession(t, { email: "agent@ddets62.test", role: "departemental", departementCode: "62" });
  users.ddets59 = await userWithSession(t, { email: "agent@ddets59.test", role: "departemental", departementCode: "59" });
  users.cd62 = await userWithSession(t, { email: "rsa@cd62.test", role: "conseil_departemental", departementCode: "62" });
  users.siae = await userWithSession(t, { email: "staff@siae.test", role: "siae", structureIds: [structureIn62] });
  app = await testApp(t);
});
afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

const BASE = "/api/v1/steering/departements/62/redeployment";
const get = (who: string, url: string) => app.inject({ url, headers: users[who]?.headers ?? {} });
const post = (who: string, url: string, body: unknown) =>
  app.inject({ method: "POST", url, headers: users[who]?.headers ?? {}, payload: body as object });

describe("redeployment what-if and acceptance", () => {
  it("only the State agents of the département", async () => {
    expect((await get("ddets62", `${BASE}?year=2019&at=2019-06-30`)).statusCode).toBe(200);
    for (const who of ["ddets59", "cd62", "siae"]) {
      expect((await get(who, `${BASE}?year=2019&at=2019-06-30`)).statusCode, who).toBe(403);
      expect((await post(who, BASE, { year: 2019, at: "2019-06-30", moves: [] })).statusCode, who).toBe(403);
    }
  });

  it("an accepted move creates draft AF versions whose totals the domain recomputes to the cent", async () => {
    const view = (await get("ddets62", `${BASE}?year=2019&at=2019-06-30`)).json();
    const same = view.names.filter((n: { kind: string }) => n.kind === view.names[0]?.kind);
    expect(view.structures.length, "structures with one AF in 2019").toBeGreaterThanOrEqual(2);
    // A donor with room (ETP above what it realised so far) and any other structure.
    const donor = view.structures.find(
      (s: { etpBefore: string; structureId: number }) =>
        Number(s.etpBefore) >= 2 && same.some((n: { structureId: number }) => n.structureId === s.structureId),
    );
    const receiver = view.structures.find((s: { structureId: number }) => s.structureId !== donor?.structureId);
    expect(donor && receiver).toBeTruthy();
    const moves = [{ from: donor.structureId, to: receiver.structureId, etp: "0.25" }];
    const preview = await post("ddets62", `${BASE}/preview`, { year: 2019, at: "2019-01-31", moves });
    expect(preview.statusCode, preview.body).toBe(200);
    const p = preview.json();
    const before = await computeIndicators(t.handle.db, {
      scope: "departement:62",
      from: "2019-01-01",
      to: "2019-12-31",
      withPrevious: false,
    });
    const versionsBefore = await sql<{ n: number }>`SELECT count(*)::int AS n FROM financial_annex`.execute(t.handle.db);

    const res = await post("ddets62", BASE, { year: 2019, at: "2019-01-31", moves });
    expect(res.statusCode, res.body).toBe(201);
    const { drafts } = res.json();
    expect(drafts).toHaveLength(2);
    for (const d of drafts) {
      const row = await t.handle.db
        .selectFrom("financial_annex")
        .select(["state", "etp", "unit_amount", "total_amount", "starts_on", "ends_on", "modification", "number_prefix"])
        .where("id", "=", d.annexId)
        .executeTakeFirstOrThrow();
      const base = await t.handle.db
        .selectFrom("financial_annex")
        .select(["modification", "number_prefix"])
        .where("id", "=", d.baseAnnexId)
        .executeTakeFirstOrThrow();
      expect(row.state).toBe("SAISI");
      expect(row.number_prefix).toBe(base.number_prefix);
      expect(row.modification).toBeGreaterThan(base.modification);
      const months =
        (Number(row.ends_on.slice(0, 4)) - Number(row.starts_on.slice(0, 4))) * 12 +
        Number(row.ends_on.slice(5, 7)) -
        Number(row.starts_on.slice(5, 7)) +
        1;
      expect(row.total_amount).toBe(afTotal(row.etp, row.unit_amount ?? "0", months).toFixed(2));
      expect(row.total_amount).toBe(p.structures.find((s: { structureId: number }) => s.structureId === d.structureId).totalAfter);
      const funding = await t.handle.db
        .selectFrom("financial_annex_funding")
        .select(["amount"])
        .where("annex_id", "=", d.annexId)
        .execute();
      expect(funding.reduce((a, f) => a + Number(f.amount) * 100, 0)).toBe(Math.round(Number(row.total_amount) * 100));
    }
    const versionsAfter = await sql<{ n: number }>`SELECT count(*)::int AS n FROM financial_annex`.execute(t.handle.db);
    expect(versionsAfter.rows[0]?.n).toBe((versionsBefore.rows[0]?.n ?? 0) + 2);
    // Drafts count nothing until an agent validates them.
    const after = await computeIndicators(t.handle.db, {
      scope: "departement:62",
      from: "2019-01-01",
      to: "2019-12-31",
      withPrevious: false,
    });
    expect(after.etp).toEqual(before.etp);
    // Audited: the acceptance and each draft, with the agent as actor.
    const audit = await sql<{ action: string; n: number }>`
      SELECT action, count(*)::int AS n FROM audit_event WHERE actor_label = 'agent@ddets62.test' AND action IN ('redeployment.accept', 'financial_annex.create') GROUP BY action ORDER BY action`.execute(
      t.handle.db,
    );
    expect(audit.rows).toEqual([
      { action: "financial_annex.create", n: 2 },
      { action: "redeployment.accept", n: 1 },
    ]);
  });

  it("refuses moves against the rules (422) and malformed bodies (400)", async () => {
    const view = (await get("ddets62", `${BASE}?year=2019&at=2019-06-30`)).json();
    const a = view.structures[0].structureId;
    const self = await post("ddets62", `${BASE}/preview`, { year: 2019, at: "2019-06-30", moves: [{ from: a, to: a, etp: "1" }] });
    expect(self.statusCode).toBe(422);
    const bad = await post("ddets62", `${BASE}/preview`, { year: 2019, at: "2019-06-30", moves: [{ from: a, to: a, etp: "1.234" }] });
    expect(bad.statusCode).toBe(400);
    const outside = await post("ddets62", BASE, { year: 2019, at: "2020-06-30", moves: [{ from: a, to: a + 1, etp: "1" }] });
    expect(outside.statusCode).toBe(400);
  });
});
