// The baseline of the indicators benchmark must compute the same figures as computeIndicators (else the
// speedup it reports would compare different things): checked on random datasets with edge cases.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeIndicators } from "../src/indicators/computeIndicators.js";
import { insertDataset, randomDataset } from "../src/indicators/testkit/randomDataset.js";
import { createTestDatabase, type TestDatabase } from "../test/support/testDb.js";
import { baselineDisagreements, baselinePeriodFigures } from "./baseline.js";

describe("indicators benchmark baseline (full scans, no rollups)", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    const ds = randomDataset(11, { structures: 6, persons: 30 });
    await t.handle.withTransaction(({ db }) => insertDataset(db, ds));
  });
  afterAll(async () => {
    await t.destroy();
  });

  it("agrees with computeIndicators on every scope and period it is compared on", async () => {
    const db = t.handle.db;
    const structures = await db.selectFrom("structure").select(["id", "departement_code"]).orderBy("id").execute();
    const first = structures[0];
    if (!first) throw new Error("empty dataset");
    const scopes = [
      { type: "nation" as const },
      { type: "departement" as const, code: first.departement_code },
      { type: "structure" as const, id: first.id },
    ];
    let nonZero = 0;
    for (const scope of scopes) {
      for (const [from, to] of [
        ["2018-01-01", "2018-12-31"],
        ["2018-03-01", "2019-02-28"],
      ] as const) {
        const real = await computeIndicators(db, { scope, from, to, withPrevious: false });
        const base = await baselinePeriodFigures(db, scope, { from, to }, to);
        expect(baselineDisagreements(base, real), `${JSON.stringify(scope)} ${from}..${to}`).toEqual([]);
        if (base.etpRealises > 0 && base.present > 0) nonZero++;
      }
    }
    expect(nonZero).toBeGreaterThan(0);
  });
});
