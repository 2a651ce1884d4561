// The contrôle a posteriori draw on both engines: which hirings are auto-prescriptions (PASS created by the hiring
// on the hiring structure's own diagnosis, in the period, evaluable kind, structure of the département), and the
// same seed drawing the same sample.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/testDb.js";
import { numberToSelect, sampleSize } from "../domain/controle/sampling.js";
import { autoPrescribedHirings, controleSample } from "./controle.js";

let t: TestDatabase;
/** Counted hirings by structure (the ones the query must find). */
const expected = new Map<number, number[]>();

beforeAll(async () => {
  t = await createTestDatabase();
  const db = t.handle.db;
  // Structures 1–8: ACI of 62 with 0, 1, 2, 3, 5, 8, 13, 30 auto-prescribed hirings; 9: EITI of 62; 10: ACI of 59.
  const structures: [number, string, string][] = [
    ...Array.from({ length: 8 }, (_, i) => [i + 1, "ACI", "62"] as [number, string, string]),
    [9, "EITI", "62"],
    [10, "ACI", "59"],
  ];
  await sql`INSERT INTO structure (id, kind, asp_id, name, departement_code) OVERRIDING SYSTEM VALUE VALUES ${sql.join(
    structures.map(([id, kind, d]) => sql`(${id}, ${kind}, ${id}, ${`Structure ${id}`}, ${d})`),
  )}`.execute(db);
  const counts = [0, 1, 2, 3, 5, 8, 13, 30];
  let n = 0;
  const add = async (
    structureId: number,
    o: { author?: "siae" | "prescriber"; authorStructure?: number | null; start?: string; passStart?: string; rank?: number } = {},
  ) => {
    const id = ++n;
    const start = o.start ?? "2019-04-01";
    await sql`INSERT INTO person (id, nir_hash) OVERRIDING SYSTEM VALUE VALUES (${id}, ${id.toString(16).padStart(64, "0")})`.execute(db);
    await sql`INSERT INTO eligibility_diagnosis (id, person_id, author_kind, author_structure_id, made_on, expires_on)
      OVERRIDING SYSTEM VALUE VALUES (${id}, ${id}, ${o.author ?? "siae"}, ${o.author === "prescriber" ? null : (o.authorStructure ?? structureId)}, '2019-03-15', '2019-06-15')`.execute(
      db,
    );
    await sql`INSERT INTO approval (id, person_id, starts_on, ends_on, diagnosis_id) OVERRIDING SYSTEM VALUE VALUES
      (${id}, ${id}, ${o.passStart ?? start}::date, '2021-03-31', ${id})`.execute(db);
    // A renewal (rank 1) belongs to the recruitment of the structure's first hiring.
    const recruitment = o.rank ? (expected.get(structureId)?.[0] ?? null) : null;
    await sql`INSERT INTO contract (id, person_id, structure_id, recruitment_id, rank, mesure_code, contract_type, starts_on, approval_id)
      OVERRIDING SYSTEM VALUE VALUES (${id}, ${id}, ${structureId}, ${recruitment}, ${o.rank ?? 0}, 'ACI_DC', 'CDDI', ${start}::date, ${id})`.execute(
      db,
    );
    return id;
  };
  for (const [i, c] of counts.entries()) {
    const sid = i + 1;
    const ids: number[] = [];
    for (let k = 0; k < c; k++) ids.push(await add(sid, { start: `2019-${String((k % 12) + 1).padStart(2, "0")}-01` }));
    expected.set(sid, ids);
  }
  // Not counted: a prescriber's diagnosis, another SIAE's diagnosis, a PASS not created by the hiring, a renewal,
  // a hiring out of the period, an EITI (not evaluable), a structure of another département.
  await add(8, { author: "prescriber" });
  await add(8, { authorStructure: 7 });
  await add(8, { passStart: "2018-11-01" });
  await add(8, { rank: 1 });
  await add(8, { start: "2020-01-02" });
  await add(9);
  await add(9);
  await add(10);
  await add(10);
});
afterAll(async () => {
  await t.destroy();
});

describe("contrôle a posteriori draw", () => {
  it("finds exactly the auto-prescribed hirings of the département and period", async () => {
    const hirings = await autoPrescribedHirings(t.handle.db, "62", "2019-01-01", "2019-12-31");
    const by = new Map<number, number[]>();
    for (const h of hirings) by.set(h.structureId, [...(by.get(h.structureId) ?? []), h.hiringId]);
    expect(Object.fromEntries(by)).toEqual(Object.fromEntries([...expected].filter(([, ids]) => ids.length > 0)));
  });

  it("the same seed draws the same sample; proportions within the rules", async () => {
    const a = await controleSample(t.handle.db, "62", "2019-01-01", "2019-12-31", 4242);
    const b = await controleSample(t.handle.db, "62", "2019-01-01", "2019-12-31", 4242);
    expect(b).toEqual(a);
    // Eligible: the 6 structures with ≥ 2 hirings; 30 % of 6 = 1.8 → 2 selected.
    expect(a.eligible.map((e) => e.structureId)).toEqual([3, 4, 5, 6, 7, 8]);
    expect(a.selected).toHaveLength(numberToSelect(6, 30));
    for (const s of a.selected) expect(s.sampled).toHaveLength(sampleSize(expected.get(s.structureId)?.length ?? 0));
    const at40 = await controleSample(t.handle.db, "62", "2019-01-01", "2019-12-31", 4242, 40);
    expect(at40.selected).toHaveLength(2);
    const at20 = await controleSample(t.handle.db, "62", "2019-01-01", "2019-12-31", 4242, 20);
    expect(at20.selected).toHaveLength(1);
    const seeds = await Promise.all([1, 2, 3, 4, 5, 6].map((s) => controleSample(t.handle.db, "62", "2019-01-01", "2019-12-31", s)));
    expect(new Set(seeds.map((s) => JSON.stringify(s.selected))).size).toBeGreaterThan(1);
  });
});
