// A structure's figures belong to the département of its convention (its AF numbers: the DDETS that signed), not to
// the département of its address — as the ASP and the Pilotage attach them (migration 0411, scope.ts).
// On PGlite and PostgreSQL (TEST_DATABASE_URL).
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/testDb.js";
import { rebuildRollups } from "../db/rollups.js";
import { computeIndicators } from "./computeIndicators.js";
import { computeDepartementRsa } from "./departementRsa.js";
import { insertDataset, randomDataset } from "./testkit/randomDataset.js";

describe("département of a structure = département of its convention", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t.destroy();
  });

  it("a structure whose address moved to 59 but whose AFs are signed in 62 counts in 62 (indicators, RSA table, region unchanged)", async () => {
    const ds = randomDataset(31, { structures: 8, persons: 40 });
    await t.handle.withTransaction(({ db }) => insertDataset(db, ds));
    const db = t.handle.db;
    const moved = ds.structures.find((s) => s.departement === "62" && ds.afs.some((a) => a.structureId === s.id && a.state === "VALIDE"));
    if (!moved) throw new Error("dataset without a structure of 62 with a validated AF");
    const read = async () => ({
      d62: await computeIndicators(db, { scope: "departement:62", from: "2018-01-01", to: "2018-12-31" }),
      d59: await computeIndicators(db, { scope: "departement:59", from: "2018-01-01", to: "2018-12-31" }),
      r32: await computeIndicators(db, { scope: "region:32", from: "2018-01-01", to: "2018-12-31" }),
      rsa62: (await computeDepartementRsa(db, { departement: "62", year: 2018 })).structures.map((s) => s.id),
    });
    const before = await read();
    expect(before.rsa62).toContain(moved.id);

    // The address moves to the Nord: the convention (AF numbers ACI062…) stays in the Pas-de-Calais.
    await sql`UPDATE structure SET departement_code = '59' WHERE id = ${moved.id}`.execute(db);
    const row = await sql<{
      convention_departement_code: string | null;
    }>`SELECT convention_departement_code FROM structure WHERE id = ${moved.id}`.execute(db);
    expect(row.rows[0]?.convention_departement_code).toBe("62");
    expect(await read()).toEqual(before);

    // A structure without any AF follows its address; an AF signed in the Nord moves it there.
    const af = ds.afs.find((a) => a.structureId === moved.id);
    if (!af) throw new Error("no AF");
    await sql`UPDATE financial_annex SET number_prefix = 'ACI059' || substr(number_prefix, length(number_prefix) - 5) WHERE structure_id = ${moved.id}`.execute(
      db,
    );
    const after = await read();
    expect(after.rsa62).not.toContain(moved.id);
    expect(after.r32.etp.conventionnes).toBeCloseTo(before.r32.etp.conventionnes, 6);
    expect(after.d62.etp.conventionnes + after.d59.etp.conventionnes).toBeCloseTo(
      before.d62.etp.conventionnes + before.d59.etp.conventionnes,
      6,
    );
    expect(after.d59.etp.conventionnes).toBeGreaterThan(before.d59.etp.conventionnes);

    // rebuildRollups recomputes it too (e.g. after a load with triggers disabled).
    await sql`UPDATE structure SET convention_departement_code = NULL WHERE id = ${moved.id}`.execute(db);
    await t.handle.withTransaction(({ db: tx }) => rebuildRollups(tx, { structureIds: [moved.id] }));
    const rebuilt = await sql<{
      convention_departement_code: string | null;
    }>`SELECT convention_departement_code FROM structure WHERE id = ${moved.id}`.execute(db);
    expect(rebuilt.rows[0]?.convention_departement_code).toBe("59");
  });
});
