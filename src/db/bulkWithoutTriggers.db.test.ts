// bulkWithoutTriggers: what the skipped triggers would have refused is refused afterwards (foreign keys),
// what they would have written is written (rollups).
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/testDb.js";
import { findRollupDrift } from "./rollups.js";
import type { Db, RsaFlag } from "./schema.js";
import { bulkWithoutTriggers, canSkipTriggers, foreignKeyViolations } from "./bulkWithoutTriggers.js";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
}, 120_000);
afterAll(async () => {
  await t?.destroy();
});

let prefixSerial = 2;
async function seedStructureAndAnnex(): Promise<{ structureId: number; annexId: number; personId: number; contractId: number }> {
  return t.handle.withTransaction(async ({ db }) => {
    const s = await sql<{
      id: number;
    }>`insert into structure (kind, name, siret, departement_code) values ('ACI', 'Test triggers', ${`9999999990${String(prefixSerial).padStart(4, "0")}`}, '62') returning id`.execute(
      db,
    );
    const structureId = Number(s.rows[0]?.id);
    const a = await sql<{
      id: number;
    }>`insert into financial_annex (structure_id, number_prefix, mesure_code, state, starts_on, ends_on, etp, annual_hours)
      values (${structureId}, ${`ACI06${prefixSerial++}`.padEnd(12, "0")}, 'ACI_DC', 'VALIDE', '2019-01-01', '2019-12-31', 2, 1607) returning id`.execute(
      db,
    );
    const { personId, contractId } = await personWithContract(db, structureId, { firstName: "Déclencheur", birthDate: "1980-01-01" });
    return { structureId, annexId: Number(a.rows[0]?.id), personId, contractId };
  });
}

/** A synthetic person and their CDDI in the structure from 1 January 2019 (RSA flag and exit as given). */
async function personWithContract(
  db: Db,
  structureId: number,
  o: { firstName: string; birthDate: string; rsa?: RsaFlag; exitOn?: string },
): Promise<{ personId: number; contractId: number }> {
  const p = await sql<{ id: number }>`insert into person (last_name, first_name, birth_date, is_synthetic)
    values ('Test', ${o.firstName}, ${o.birthDate}, true) returning id`.execute(db);
  const personId = Number(p.rows[0]?.id);
  const c = await sql<{
    id: number;
  }>`insert into contract (person_id, structure_id, mesure_code, contract_type, starts_on, weekly_hours, rsa, exit_on)
    values (${personId}, ${structureId}, 'ACI_DC', 'CDDI', '2019-01-01', 26, ${o.rsa ?? "NON"}, ${o.exitOn ?? null}) returning id`.execute(
    db,
  );
  return { personId, contractId: Number(c.rows[0]?.id) };
}

describe("bulkWithoutTriggers", () => {
  it("is allowed on the test engine (superuser), rebuilds the rollups the trigger would have written", async () => {
    expect(await t.handle.withTransaction(({ db }) => canSkipTriggers(db))).toBe(true);
    const ids = await seedStructureAndAnnex();
    const { skipped } = await t.handle.withTransaction(({ db }) =>
      bulkWithoutTriggers(db, ["monthly_declaration"], [ids.structureId], async () => {
        await sql`insert into monthly_declaration (annex_id, contract_id, person_id, structure_id, month, hours) values
          (${ids.annexId}, ${ids.contractId}, ${ids.personId}, ${ids.structureId}, '2019-01-01', 100),
          (${ids.annexId}, ${ids.contractId}, ${ids.personId}, ${ids.structureId}, '2019-02-01', 110.5)`.execute(db);
        // A whole recruitment written without triggers: entry, hours, exit (entry and exit rollups).
        const { personId, contractId } = await personWithContract(db, ids.structureId, {
          firstName: "Sortie",
          birthDate: "1975-05-05",
          rsa: "OUI-M",
          exitOn: "2019-06-30",
        });
        for (const month of ["2019-01-01", "2019-02-01", "2019-03-01", "2019-04-01", "2019-05-01", "2019-06-01"])
          await sql`insert into monthly_declaration (annex_id, contract_id, person_id, structure_id, month, hours) values (${ids.annexId}, ${contractId}, ${personId}, ${ids.structureId}, ${month}, 112)`.execute(
            db,
          );
        await sql`insert into exit (recruitment_id, person_id, structure_id, exit_on, motif_code) select ${contractId}, ${personId}, ${ids.structureId}, '2019-06-30', min(code) from ref_exit_motif`.execute(
          db,
        );
        // Triggers are off here: the rollup is still empty for this annex.
        const r = await sql<{ n: string }>`select count(*) as n from rollup_annex_month where annex_id = ${ids.annexId}`.execute(db);
        expect(Number(r.rows[0]?.n)).toBe(0);
      }),
    );
    expect(skipped).toBe(true);
    expect(await findRollupDrift(t.handle.db)).toEqual([]);
    const { rows } = await sql<{
      month: string;
      hours: string;
      declarations: number;
    }>`select month, hours, declarations from rollup_annex_month where annex_id = ${ids.annexId} order by month`.execute(t.handle.db);
    expect(rows.map((r) => [String(r.month), Number(r.hours), r.declarations])).toEqual([
      ["2019-01-01", 212, 2],
      ["2019-02-01", 222.5, 2],
      ["2019-03-01", 112, 1],
      ["2019-04-01", 112, 1],
      ["2019-05-01", 112, 1],
      ["2019-06-01", 112, 1],
    ]);
    const entries = await sql<{
      entries: number;
      rsa_entries: number;
    }>`select entries, rsa_entries from rollup_entry_month where structure_id = ${ids.structureId}`.execute(t.handle.db);
    expect(entries.rows).toEqual([{ entries: 2, rsa_entries: 1 }]);
    const exits = await sql<{
      month: string;
      examined: number;
    }>`select month, examined from rollup_exit_month where structure_id = ${ids.structureId}`.execute(t.handle.db);
    expect(exits.rows.map((r) => [String(r.month), r.examined])).toEqual([["2019-06-01", 1]]);
  });

  it("a person-year row gone since the last rebuild takes its annex-year cell with it (no trigger does it)", async () => {
    const ids = await seedStructureAndAnnex();
    await t.handle.withTransaction(({ db }) =>
      sql`insert into monthly_declaration (annex_id, contract_id, person_id, structure_id, month, hours) values
        (${ids.annexId}, ${ids.contractId}, ${ids.personId}, ${ids.structureId}, '2019-01-01', 100)`.execute(db),
    );
    const cells = () => sql`select year from rollup_annex_year where annex_id = ${ids.annexId}`.execute(t.handle.db);
    expect((await cells()).rows).toHaveLength(1);
    const { skipped } = await t.handle.withTransaction(({ db }) =>
      bulkWithoutTriggers(db, ["monthly_declaration"], [ids.structureId], async () => {
        await sql`delete from monthly_declaration where annex_id = ${ids.annexId}`.execute(db);
      }),
    );
    expect(skipped).toBe(true);
    expect((await cells()).rows).toEqual([]);
    expect(await findRollupDrift(t.handle.db)).toEqual([]);
  });

  it("refuses rows whose foreign key points nowhere, and rolls everything back", async () => {
    const ids = await seedStructureAndAnnex();
    const before = await t.handle.db
      .selectFrom("monthly_declaration")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow();
    await expect(
      t.handle.withTransaction(({ db }) =>
        bulkWithoutTriggers(db, ["monthly_declaration"], [ids.structureId], async () => {
          await sql`insert into monthly_declaration (annex_id, contract_id, person_id, structure_id, month, hours) values
            (${ids.annexId}, 987654321, ${ids.personId}, ${ids.structureId}, '2019-03-01', 100)`.execute(db);
        }),
      ),
    ).rejects.toThrow(/monthly_declaration\.monthly_declaration_contract_fkey : 1 ligne\(s\) sans contract/);
    const after = await t.handle.db
      .selectFrom("monthly_declaration")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    expect(await foreignKeyViolations(t.handle.db, ["monthly_declaration"])).toEqual([]);
  });

  it("checks every column of a composite foreign key (a declaration's person must be its contract's)", async () => {
    const ids = await seedStructureAndAnnex();
    const other = await seedStructureAndAnnex();
    await expect(
      t.handle.withTransaction(({ db }) =>
        bulkWithoutTriggers(db, ["monthly_declaration"], [ids.structureId], async () => {
          await sql`insert into monthly_declaration (annex_id, contract_id, person_id, structure_id, month, hours) values
            (${ids.annexId}, ${ids.contractId}, ${other.personId}, ${ids.structureId}, '2019-03-01', 100)`.execute(db);
        }),
      ),
    ).rejects.toThrow(/monthly_declaration\.monthly_declaration_contract_fkey : 1 ligne\(s\) sans contract/);
  });
});
