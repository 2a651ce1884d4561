// A draft amendment never changes an indicator: the version in force of an AF is its highest VALIDATED version
// (view counting_annex, migration 0410; twin countingAfs). On PGlite and PostgreSQL (TEST_DATABASE_URL).
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/testDb.js";
import { findRollupDrift } from "../db/rollups.js";
import { countingAfs } from "../domain/indicators/formulas.js";
import { computeIndicators } from "./computeIndicators.js";
import { computeDepartementRsa } from "./departementRsa.js";
import { insertDataset, randomDataset, twinRecords } from "./testkit/randomDataset.js";

describe("counting AF versions: a draft amendment over a validated version", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t.destroy();
  });

  it("SAISI/BROUILLON modifications above VALIDE versions change no indicator, no exit and no rollup", async () => {
    const ds = randomDataset(13, { structures: 8, persons: 40 });
    await t.handle.withTransaction(({ db }) => insertDataset(db, ds));
    const db = t.handle.db;
    const read = async () => ({
      nation: await computeIndicators(db, { scope: "nation", from: "2018-01-01", to: "2018-12-31" }),
      partial: await computeIndicators(db, { scope: "nation", from: "2018-03-15", to: "2019-02-10" }),
      rsa: await computeDepartementRsa(db, { departement: "62", year: 2018 }),
      exits: (await sql<{ n: number }>`SELECT coalesce(sum(examined), 0)::int AS n FROM rollup_exit_month`.execute(db)).rows[0]?.n,
    });
    const before = await read();
    expect(before.nation.etp.conventionnes).toBeGreaterThan(0);
    expect(before.exits).toBeGreaterThan(0);

    // A draft amendment (M+1) on top of every validated version in force, as `POST …/annexes/:id/modification`
    // would start one; half SAISI, half BROUILLON; ETP and amounts doubled so that counting it would show.
    const added = await sql<{ id: number }>`
      INSERT INTO financial_annex (structure_id, number_prefix, renewal, modification, mesure_code, state, starts_on, ends_on, etp,
        annual_hours, unit_amount, total_amount, cofinanced, cofinanced_amount)
      SELECT a.structure_id, a.number_prefix, a.renewal, top.m + 1, a.mesure_code, CASE WHEN a.id % 2 = 0 THEN 'SAISI' ELSE 'BROUILLON' END,
        a.starts_on, a.ends_on, a.etp * 2, a.annual_hours, a.unit_amount, a.total_amount * 2, a.cofinanced, a.cofinanced_amount
      FROM counting_annex a
      CROSS JOIN LATERAL (SELECT max(b.modification) AS m FROM financial_annex b WHERE b.number_prefix = a.number_prefix AND b.renewal = a.renewal) top
      WHERE top.m < 9
      RETURNING id`.execute(db);
    expect(added.rows.length).toBeGreaterThan(3);
    expect(await findRollupDrift(db)).toEqual([]);
    const after = await read();
    expect(after).toEqual(before);

    // Once validated, the amendment is the version in force (and the one below stops counting): ETP doubled.
    const inForce = await sql<{ n: number }>`SELECT count(*)::int AS n FROM counting_annex`.execute(db);
    await sql`UPDATE financial_annex SET state = 'VALIDE' WHERE id = ANY(${sql.val(added.rows.map((r) => r.id))}::bigint[])`.execute(db);
    expect(await findRollupDrift(db)).toEqual([]);
    const counted = await sql<{ n: number; added: number }>`
      SELECT count(*)::int AS n, count(*) FILTER (WHERE id = ANY(${sql.val(added.rows.map((r) => r.id))}::bigint[]))::int AS added FROM counting_annex`.execute(
      db,
    );
    expect(counted.rows[0]).toEqual({ n: inForce.rows[0]?.n, added: added.rows.length });
    const validated = await computeIndicators(db, { scope: "nation", from: "2018-01-01", to: "2018-12-31" });
    expect(validated.etp.conventionnes).toBeGreaterThan(before.nation.etp.conventionnes * 1.5);
  });

  it("the pure twin keeps the validated version under a draft", () => {
    const ds = randomDataset(13, { structures: 8, persons: 40 });
    const { afs } = twinRecords(ds);
    const valide = afs.find(
      (a) =>
        a.state === "VALIDE" &&
        a.modification < 9 &&
        !afs.some((b) => b.prefix === a.prefix && b.renewal === a.renewal && b.modification > a.modification),
    );
    if (!valide) throw new Error("dataset without a VALIDE version in force");
    const draft = { ...valide, id: "draft", modification: valide.modification + 1, state: "SAISI" as const, etp: "99" };
    const ids = countingAfs([...afs, draft]).map((a) => a.id);
    expect(ids).toContain(valide.id);
    expect(ids).not.toContain("draft");
    expect(countingAfs([...afs, { ...draft, state: "VALIDE" as const }]).map((a) => a.id)).not.toContain(valide.id);
  });
});
