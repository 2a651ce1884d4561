import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase, testEngine } from "../../test/support/testDb.js";
import { toCsvLine } from "../db/bulkLoad.js";
import { findRollupDrift, rebuildRollups } from "../db/rollups.js";
import { insertDataset, randomDataset } from "./testkit/randomDataset.js";

describe("rollups maintained by triggers", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t.destroy();
  });
  const count = async (table: string) =>
    Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(t.handle.db)).rows[0]?.n);

  it("stay exact through INSERT, UPDATE, DELETE, COPY, contract moves and cascades, and rebuild gives the same rows", async () => {
    const ds = randomDataset(7, { structures: 5, persons: 20 });
    await t.handle.withTransaction(({ db }) => insertDataset(db, ds));
    expect(ds.declarations.length).toBeGreaterThan(20);
    expect(await count("rollup_annex_month")).toBeGreaterThan(0);
    expect(await findRollupDrift(t.handle.db)).toEqual([]);

    const db = t.handle.db;
    // UPDATE: hours, month, annex and person changes.
    await sql`UPDATE monthly_declaration SET hours = hours / 2 WHERE id % 3 = 0`.execute(db);
    const d0 = ds.declarations[0];
    const d1 = ds.declarations.find((d) => d.personId !== d0?.personId && d.annexId !== d0?.annexId);
    if (!d0 || !d1) throw new Error("dataset too small");
    await sql`UPDATE monthly_declaration SET person_id = ${d1.personId}, structure_id = ${d1.structureId}, contract_id = ${d1.contractId}, annex_id = ${d1.annexId}, month = '2030-01-01'
      WHERE id = ${d0.id}`.execute(db);
    expect(await findRollupDrift(db)).toEqual([]);
    // DELETE a few declarations (rollup rows reaching 0 declarations disappear).
    await sql`DELETE FROM monthly_declaration WHERE id % 4 = 1`.execute(db);
    expect(await findRollupDrift(db)).toEqual([]);
    // A renewal attached to another recruitment.
    const renewal = ds.contracts.find((c) => c.rank === 1);
    const otherInitial = ds.contracts.find((c) => c.rank === 0 && c.id !== renewal?.recruitmentId);
    if (renewal && otherInitial) {
      await sql`UPDATE contract SET recruitment_id = ${otherInitial.id} WHERE id = ${renewal.id}`.execute(db);
      expect(await findRollupDrift(db)).toEqual([]);
    }
    // COPY (bulk path used by the importers) in a transaction.
    const c = ds.contracts[0];
    const af = ds.afs.find((a) => a.structureId === c?.structureId);
    if (!c || !af) throw new Error("dataset too small");
    await t.handle.withTransaction(async ({ bulk }) => {
      const lines = ["2031-01-01", "2031-02-01", "2031-03-01"].map((m) => toCsvLine([af.id, c.id, c.personId, c.structureId, m, "12.50"]));
      await bulk.copyCsv("monthly_declaration", ["annex_id", "contract_id", "person_id", "structure_id", "month", "hours"], lines);
    });
    expect(await findRollupDrift(db)).toEqual([]);
    // Cascades: deleting an annex, a contract, a person.
    await sql`DELETE FROM financial_annex WHERE id = ${af.id}`.execute(db);
    await sql`DELETE FROM contract WHERE id = ${ds.contracts[1]?.id ?? 0}`.execute(db);
    await sql`DELETE FROM person WHERE id = ${ds.persons[2] ?? 0}`.execute(db);
    expect(await findRollupDrift(db)).toEqual([]);
    // Entries, exits and annex × year rollups (migrations 0102, 0103) are populated by the dataset.
    for (const table of ["rollup_entry_month", "rollup_exit_month", "rollup_annex_year"])
      expect(await count(table), table).toBeGreaterThan(0);
    // A second initial contract of a person (distinct entries), then its deletion.
    const person = ds.contracts.find((k) => k.rank === 0 && k.structureId === ds.structures[0]?.id) ?? ds.contracts[0];
    if (!person) throw new Error("dataset too small");
    const extra = await sql<{ id: number }>`
      INSERT INTO contract (person_id, structure_id, rank, mesure_code, contract_type, starts_on, rsa)
      SELECT person_id, structure_id, 0, mesure_code, contract_type, starts_on + 40, 'OUI-M' FROM contract WHERE id = ${person.id}
      RETURNING id`.execute(db);
    expect(await count("rollup_entry_repeat")).toBeGreaterThan(0);
    expect(await findRollupDrift(db)).toEqual([]);
    await sql`UPDATE contract SET rsa = 'NON', starts_on = starts_on + 31 WHERE id = ${extra.rows[0]?.id ?? 0}`.execute(db);
    expect(await findRollupDrift(db)).toEqual([]);
    // The RSA flag of a solo person present (solo_present_rsa, migration 0661) follows their contracts.
    const solo = await sql<{ person_id: number; structure_id: number }>`
      SELECT py.person_id, fa.structure_id FROM rollup_person_year py JOIN financial_annex fa ON fa.id = py.annex_id
      WHERE py.hours >= 1 AND NOT EXISTS (SELECT 1 FROM rollup_multi_person_year m WHERE m.year = py.year AND m.person_id = py.person_id)
      ORDER BY py.person_id LIMIT 1`.execute(db);
    const soloRsa = async () =>
      Number((await sql<{ n: string }>`SELECT coalesce(sum(solo_present_rsa), 0) AS n FROM rollup_annex_year`.execute(db)).rows[0]?.n);
    const flag = (rsa: string) =>
      sql`UPDATE contract SET rsa = ${rsa} WHERE person_id = ${solo.rows[0]?.person_id ?? 0} AND structure_id = ${solo.rows[0]?.structure_id ?? 0}`.execute(
        db,
      );
    await flag("NON");
    const without = await soloRsa();
    expect(await findRollupDrift(db)).toEqual([]);
    await flag("OUI-M");
    expect(await soloRsa()).toBeGreaterThan(without);
    expect(await findRollupDrift(db)).toEqual([]);
    // Exits: a new exit, a moved one, a deleted one.
    const exited = await sql<{ recruitment_id: number }>`SELECT recruitment_id FROM exit ORDER BY id LIMIT 2`.execute(db);
    const free = await sql<{ id: number }>`
      SELECT c.id FROM contract c WHERE c.rank = 0 AND NOT EXISTS (SELECT 1 FROM exit e WHERE e.recruitment_id = c.id)
        AND EXISTS (SELECT 1 FROM monthly_declaration d WHERE d.contract_id = c.id) ORDER BY c.id LIMIT 1`.execute(db);
    if (free.rows[0]) {
      await sql`INSERT INTO exit (recruitment_id, person_id, structure_id, exit_on, motif_code)
        SELECT id, person_id, structure_id, starts_on + 200, (SELECT min(code) FROM ref_exit_motif) FROM contract WHERE id = ${free.rows[0].id}`.execute(
        db,
      );
      expect(await findRollupDrift(db)).toEqual([]);
    }
    await sql`UPDATE exit SET exit_on = exit_on + 45 WHERE recruitment_id = ${exited.rows[0]?.recruitment_id ?? 0}`.execute(db);
    await sql`DELETE FROM exit WHERE recruitment_id = ${exited.rows[1]?.recruitment_id ?? 0}`.execute(db);
    expect(await findRollupDrift(db)).toEqual([]);
    // Annex state and version changes, a structure changing kind.
    const someAf = ds.afs.find((a) => a.state === "VALIDE") ?? ds.afs[0];
    await sql`UPDATE financial_annex SET state = 'ANNULE' WHERE id = ${someAf?.id ?? 0}`.execute(db);
    expect(await findRollupDrift(db)).toEqual([]);
    await sql`UPDATE financial_annex SET state = 'VALIDE' WHERE id = ${someAf?.id ?? 0}`.execute(db);
    await sql`UPDATE structure SET kind = CASE kind WHEN 'AI' THEN 'ACI' ELSE 'AI' END WHERE id = ${ds.structures[1]?.id ?? 0}`.execute(db);
    expect(await findRollupDrift(db)).toEqual([]);
    // A person declared on a second annex the same year (multi-annex people of rollup_annex_year).
    const two = await sql<{ annex_id: number; other: number; contract_id: number; person_id: number; structure_id: number; month: string }>`
      SELECT d.annex_id, o.id AS other, d.contract_id, d.person_id, d.structure_id, to_char(d.month, 'YYYY-MM-DD') AS month
      FROM monthly_declaration d JOIN financial_annex o ON o.id <> d.annex_id
      WHERE NOT EXISTS (SELECT 1 FROM monthly_declaration x WHERE x.annex_id = o.id AND x.contract_id = d.contract_id AND x.month = d.month)
      ORDER BY d.id LIMIT 1`.execute(db);
    const t2 = two.rows[0];
    if (t2) {
      await sql`INSERT INTO monthly_declaration (annex_id, contract_id, person_id, structure_id, month, hours)
        VALUES (${t2.other}, ${t2.contract_id}, ${t2.person_id}, ${t2.structure_id}, ${t2.month}::date, 0.5)`.execute(db);
      expect(await count("rollup_multi_person_year")).toBeGreaterThan(0);
      expect(await findRollupDrift(db)).toEqual([]);
      await sql`DELETE FROM monthly_declaration WHERE annex_id = ${t2.other} AND contract_id = ${t2.contract_id} AND month = ${t2.month}::date`.execute(
        db,
      );
      expect(await findRollupDrift(db)).toEqual([]);
    }

    // A failed write leaves the rollups untouched (same transaction).
    const before = await count("rollup_annex_month");
    await expect(
      t.handle.withTransaction(async ({ db: tx }) => {
        await sql`INSERT INTO monthly_declaration (annex_id, contract_id, person_id, structure_id, month, hours)
          SELECT ${d1.annexId}, ${d1.contractId}, ${d1.personId}, ${d1.structureId}, '2040-01-01', 5`.execute(tx);
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    expect(await count("rollup_annex_month")).toBe(before);

    // Rebuild: scoped then full, identical to the trigger-maintained state.
    const snapshot = async () =>
      (
        await sql<{ k: string }>`SELECT annex_id || '/' || month || '/' || hours || '/' || declarations AS k FROM rollup_annex_month
        UNION ALL SELECT annex_id || '/' || year || '/' || person_id || '/' || hours || '/' || declarations FROM rollup_person_year
        UNION ALL SELECT recruitment_id || '/' || annex_id || '/' || hours || '/' || declarations FROM rollup_recruitment_annex
        UNION ALL SELECT 'y' || annex_id || '/' || year || '/' || hours || '/' || declarations || '/' || solo_present FROM rollup_annex_year
        UNION ALL SELECT 'm' || year || '/' || person_id FROM rollup_multi_person_year
        UNION ALL SELECT 'e' || structure_id || '/' || month || '/' || mesure_code || '/' || entries || '/' || rsa_entries FROM rollup_entry_month
        UNION ALL SELECT 'r' || contract_id FROM rollup_entry_repeat
        UNION ALL SELECT 'x' || structure_id || '/' || month || '/' || motif_code || '/' || mesure_code || '/' || examined FROM rollup_exit_month ORDER BY 1`.execute(
          db,
        )
      ).rows.map((r) => r.k);
    const expected = await snapshot();
    await t.handle.withTransaction(({ db: tx }) => rebuildRollups(tx, { structureIds: [ds.structures[0]?.id ?? 0] }));
    expect(await snapshot()).toEqual(expected);
    await sql`DELETE FROM rollup_annex_month`.execute(db);
    await sql`UPDATE rollup_person_year SET hours = hours + 1`.execute(db);
    await sql`DELETE FROM rollup_exit_month`.execute(db);
    await sql`UPDATE rollup_entry_month SET entries = entries + 1`.execute(db);
    expect((await findRollupDrift(db)).length).toBeGreaterThan(0);
    const res = await t.handle.withTransaction(({ db: tx }) => rebuildRollups(tx));
    expect(res.annexMonths).toBeGreaterThan(0);
    expect(await snapshot()).toEqual(expected);
    await expect(rebuildRollups(db, { structureIds: [-1] })).rejects.toThrow(/invalide/);
  });

  it("per (month, département, kind): follow a structure's kind and steering département, its deletion, and writes made with triggers off", async () => {
    const db = t.handle.db;
    await sql`DELETE FROM structure`.execute(db);
    await sql`DELETE FROM person`.execute(db);
    const ds = randomDataset(13, { structures: 6, persons: 30 });
    await t.handle.withTransaction(({ db: tx }) => insertDataset(tx, ds));
    for (const table of ["rollup_exit_scope_month", "rollup_entry_scope_month"]) expect(await count(table), table).toBeGreaterThan(0);
    expect(await findRollupDrift(db)).toEqual([]);
    const [s0, s1, s2, s3] = ds.structures;
    if (!s0 || !s1 || !s2 || !s3) throw new Error("dataset too small");
    // The convention's département (an AF number moved to another DDETS: trigger of migration 0411), then the
    // address's once the structure has no convention département.
    await sql`UPDATE financial_annex SET number_prefix = substring(number_prefix FROM '^[A-Z]+') || '075' || substr(number_prefix, length(substring(number_prefix FROM '^[A-Z]+')) + 4) WHERE structure_id = ${s0.id}`.execute(
      db,
    );
    expect(
      (await sql<{ d: string }>`SELECT convention_departement_code AS d FROM structure WHERE id = ${s0.id}`.execute(db)).rows[0]?.d,
    ).toBe("75");
    expect(await findRollupDrift(db)).toEqual([]);
    await sql`UPDATE structure SET convention_departement_code = NULL, departement_code = '80' WHERE id = ${s1.id}`.execute(db);
    expect(await findRollupDrift(db)).toEqual([]);
    await sql`UPDATE structure SET kind = CASE kind WHEN 'EI' THEN 'ACI' ELSE 'EI' END, departement_code = '59' WHERE id IN (${s1.id}, ${s2.id})`.execute(
      db,
    );
    expect(await findRollupDrift(db)).toEqual([]);
    // A structure deleted (its cells go by cascade: the groups of their months are recomputed whole).
    await sql`DELETE FROM structure WHERE id = ${s3.id}`.execute(db);
    expect(await findRollupDrift(db)).toEqual([]);
    // Triggers off (the bulk loads): a structure moved and exits written, then the scoped rebuild of the bulk path.
    await t.handle.withTransaction(async ({ db: tx }) => {
      await sql`SET LOCAL session_replication_role = replica`.execute(tx);
      await sql`UPDATE structure SET convention_departement_code = '62', kind = 'ETTI' WHERE id = ${s2.id}`.execute(tx);
      await sql`DELETE FROM exit WHERE structure_id = ${s0.id}`.execute(tx);
      await sql`SET LOCAL session_replication_role = origin`.execute(tx);
      await rebuildRollups(tx, { structureIds: [s0.id, s2.id] });
    });
    expect(await findRollupDrift(db)).toEqual([]);
    // Two transactions writing cells of the same group: the second waits for the first and recomputes from its
    // commit (before, its INSERT broke the primary key). Needs two connections: PostgreSQL only.
    if (testEngine() === "postgresql") {
      const ids = await sql<{ id: number }>`SELECT id FROM structure ORDER BY id LIMIT 2`.execute(db);
      const [ia, ib] = ids.rows.map((r) => r.id);
      if (ia === undefined || ib === undefined) throw new Error("dataset too small");
      // Both structures in one group (kind and steering département of the first).
      await sql`UPDATE structure b SET kind = a.kind, convention_departement_code = coalesce(a.convention_departement_code, a.departement_code)
        FROM structure a WHERE a.id = ${ia} AND b.id = ${ib}`.execute(db);
      expect(await findRollupDrift(db)).toEqual([]);
      const p = { a: ia, b: ib, month: "2019-03-01" };
      let release: () => void = () => {};
      const held = new Promise<void>((r) => {
        release = r;
      });
      // A (motif, mesure) key neither structure has that month.
      const key = await sql<{ motif: number; mesure: string }>`
        SELECT mo.code AS motif, me.code AS mesure FROM ref_exit_motif mo CROSS JOIN ref_mesure me
        WHERE NOT EXISTS (SELECT 1 FROM rollup_exit_month r WHERE r.month = ${p.month}::date AND r.motif_code = mo.code
          AND r.mesure_code = me.code AND r.structure_id IN (${p.a}, ${p.b}))
        ORDER BY 1, 2 LIMIT 1`.execute(db);
      const k = key.rows[0];
      if (!k) throw new Error("no free key");
      const cell = (tx: typeof db, id: number) =>
        sql`INSERT INTO rollup_exit_month (structure_id, month, motif_code, mesure_code, examined)
          VALUES (${id}, ${p.month}::date, ${k.motif}, ${k.mesure}, 1)`.execute(tx);
      const first = t.handle.withTransaction(async ({ db: tx }) => {
        await cell(tx, p.a);
        await held;
      });
      await new Promise((r) => setTimeout(r, 100));
      const second = t.handle.withTransaction(({ db: tx }) => cell(tx, p.b));
      await new Promise((r) => setTimeout(r, 200));
      release();
      await Promise.all([first, second]);
      const both = await sql<{ scope: number; cells: number }>`
        SELECT (SELECT sum(x.examined)::int FROM rollup_exit_scope_month x JOIN structure s
                  ON x.departement_code = coalesce(s.convention_departement_code, s.departement_code) AND x.kind = s.kind
                WHERE s.id = ${p.a} AND x.month = ${p.month}::date AND x.motif_code = ${k.motif} AND x.mesure_code = ${k.mesure}) AS scope,
          (SELECT sum(r.examined)::int FROM rollup_exit_month r JOIN structure s ON s.id = r.structure_id JOIN structure o ON o.id = ${p.a}
                WHERE coalesce(s.convention_departement_code, s.departement_code) = coalesce(o.convention_departement_code, o.departement_code)
                  AND s.kind = o.kind AND r.month = ${p.month}::date AND r.motif_code = ${k.motif} AND r.mesure_code = ${k.mesure}) AS cells`.execute(
        db,
      );
      expect(both.rows[0]?.cells).toBeGreaterThanOrEqual(2);
      expect(both.rows[0]?.scope).toBe(both.rows[0]?.cells);
      await sql`DELETE FROM rollup_exit_month WHERE month = ${p.month}::date AND motif_code = ${k.motif} AND mesure_code = ${k.mesure}
        AND structure_id IN (${p.a}, ${p.b})`.execute(db);
    }
    // Repair of the tables themselves.
    await sql`UPDATE rollup_exit_scope_month SET examined = examined + 1`.execute(db);
    await sql`DELETE FROM rollup_entry_scope_month WHERE kind = 'AI'`.execute(db);
    await sql`INSERT INTO rollup_exit_scope_month (month, departement_code, kind, motif_code, mesure_code, examined)
      SELECT '1990-01-01', '62', 'ACI', min(code), 'ACI_DC', 3 FROM ref_exit_motif`.execute(db);
    expect((await findRollupDrift(db)).length).toBeGreaterThan(0);
    await t.handle.withTransaction(({ db: tx }) => rebuildRollups(tx));
    expect(await findRollupDrift(db)).toEqual([]);
  });
});
