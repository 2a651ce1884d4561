// Two users writing at the same moment into the same rollup rows: two SIAE of one département hiring in the
// same month (same (month, département, kind) group of rollup_entry_scope_month), or two people of one SIAE
// (same (structure, month) cell of rollup_entry_month). Each transaction's triggers recompute rows that the
// other has just written and not yet committed: both writes must succeed and the rollups stay exact.
// PGlite runs transactions one after the other, so the interleaving only exists on PostgreSQL.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase, testEngine } from "../../test/support/testDb.js";
import { findRollupDrift } from "../db/rollups.js";
import { insertDataset, randomDataset } from "./testkit/randomDataset.js";

describe.skipIf(testEngine() !== "postgresql")("rollups under concurrent writes (PostgreSQL)", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    const ds = randomDataset(11, { structures: 4, persons: 30 });
    await t.handle.withTransaction(({ db }) => insertDataset(db, ds));
    // Every structure in one group: same kind, same steering département.
    await sql`UPDATE structure SET kind = 'ACI', departement_code = '59', convention_departement_code = NULL`.execute(t.handle.db);
  });
  afterAll(async () => {
    await t.destroy();
  });

  type Db = Parameters<Parameters<TestDatabase["handle"]["withTransaction"]>[0]>[0]["db"];
  /** Two writes, each in its own transaction; the first commits only once the second has run into its rollup
   * triggers. */
  async function atOnce(write: (db: Db, id: number) => Promise<unknown>, ids: number[]): Promise<string[]> {
    const [a, b] = ids;
    if (a === undefined || b === undefined) throw new Error("two rows needed");
    let reached!: () => void;
    const firstWrote = new Promise<void>((r) => {
      reached = r;
    });
    let release!: () => void;
    const mayCommit = new Promise<void>((r) => {
      release = r;
    });
    const first = t.handle.withTransaction(async ({ db }) => {
      try {
        await write(db, a);
      } finally {
        reached();
      }
      await mayCommit;
    });
    await firstWrote;
    const second = t.handle.withTransaction(async ({ db }) => {
      await write(db, b);
    });
    // Let the second transaction run into the rows the first holds, then commit the first.
    await new Promise((r) => setTimeout(r, 300));
    release();
    return (await Promise.allSettled([first, second])).map((r) => (r.status === "rejected" ? String(r.reason) : "ok"));
  }

  /** Initial contracts moved into a month nobody hired in. */
  const hireAtOnce = (ids: number[], month: string) =>
    atOnce(
      (db, id) =>
        sql`UPDATE contract SET starts_on = ${month}::date, planned_end_on = planned_end_on + (${month}::date - starts_on),
          exit_on = exit_on + (${month}::date - starts_on) WHERE id = ${id}`.execute(db),
      ids,
    );

  const initialContracts = async (sameStructure: boolean) => {
    const rows = await sql<{ id: number; structure_id: number }>`
      SELECT id, structure_id FROM contract WHERE rank = 0 ORDER BY id`.execute(t.handle.db);
    const first = rows.rows[0];
    if (!first) throw new Error("no contract");
    const second = rows.rows.find((r) => r.id !== first.id && (r.structure_id === first.structure_id) === sameStructure);
    if (!second) throw new Error("no second contract");
    return [Number(first.id), Number(second.id)];
  };

  it("two structures of one group hiring in the same month: both succeed, rollups exact", async () => {
    expect(await hireAtOnce(await initialContracts(false), "2019-02-03")).toEqual(["ok", "ok"]);
    expect(await findRollupDrift(t.handle.db)).toEqual([]);
  });

  it("two hirings in one structure and month: both succeed, rollups exact", async () => {
    expect(await hireAtOnce(await initialContracts(true), "2019-03-04")).toEqual(["ok", "ok"]);
    expect(await findRollupDrift(t.handle.db)).toEqual([]);
  });

  it("hours of two persons on one annex and year declared at once: both succeed, rollups exact", async () => {
    const pair = await sql<{ a: number; b: number }>`
      SELECT x.id AS a, y.id AS b FROM monthly_declaration x
      JOIN monthly_declaration y ON y.annex_id = x.annex_id AND date_trunc('year', y.month) = date_trunc('year', x.month) AND y.person_id <> x.person_id
      ORDER BY x.id, y.id LIMIT 1`.execute(t.handle.db);
    const p = pair.rows[0];
    if (!p) throw new Error("no two persons on one annex and year");
    const declare = (db: Db, id: number) => sql`UPDATE monthly_declaration SET hours = hours + 1 WHERE id = ${id}`.execute(db);
    expect(await atOnce(declare, [Number(p.a), Number(p.b)])).toEqual(["ok", "ok"]);
    expect(await findRollupDrift(t.handle.db)).toEqual([]);
  });
});
