// The database itself refuses rows that break the domain's invariants (not only the application).
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Kysely } from "kysely";
import type { Database } from "../../src/db/schema.js";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";

let t: TestDatabase;
let db: Kysely<Database>;
let structureId: number;
let annexId: number;
let personId: number;
let contractId: number;

beforeAll(async () => {
  t = await createTestDatabase();
  db = t.handle.db;
  structureId = (
    await db
      .insertInto("structure")
      .values({ kind: "ACI", siret: "34356040500023", name: "COTIERE AVENIR", departement_code: "01" })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
  annexId = (
    await db
      .insertInto("financial_annex")
      .values({
        structure_id: structureId,
        number_prefix: "ACI001190001",
        mesure_code: "ACI_DC",
        state: "VALIDE",
        starts_on: "2019-01-01",
        ends_on: "2019-12-31",
        etp: "10.00",
        annual_hours: "1820",
        unit_amount: "20199",
        total_amount: "201990.00",
      })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
  personId = (await db.insertInto("person").values({ first_name: "A", last_name: "B" }).returning("id").executeTakeFirstOrThrow()).id;
  contractId = (
    await db
      .insertInto("contract")
      .values({ person_id: personId, structure_id: structureId, mesure_code: "ACI_DC", contract_type: "CDDI", starts_on: "2019-02-01" })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
});
afterAll(() => t.destroy());

async function refused(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await expect(promise).rejects.toThrow(pattern);
}

describe("database constraints", () => {
  test("structure: SIRET of 14 digits, an identity (ASP id or SIRET), unique per kind", async () => {
    await refused(
      db.insertInto("structure").values({ kind: "ACI", siret: "3435604050002", name: "X", departement_code: "01" }).execute(),
      /structure_siret_check/,
    );
    await refused(db.insertInto("structure").values({ kind: "ACI", name: "X", departement_code: "01" }).execute(), /structure_check/);
    await refused(
      db.insertInto("structure").values({ kind: "ACI", siret: "34356040500023", name: "Y", departement_code: "01" }).execute(),
      /structure_siret_kind_key/,
    );
    // Same SIRET, another kind: a second structure (iae-reference §1.1).
    await db.insertInto("structure").values({ kind: "AI", siret: "34356040500023", name: "Y", departement_code: "01" }).execute();
    await refused(
      db
        .insertInto("structure")
        .values({ kind: "GEIQ" as "ACI", siret: "34356040500031", name: "Z", departement_code: "01" })
        .execute(),
      /structure_kind_check/,
    );
    await refused(
      db.insertInto("structure").values({ kind: "EI", siret: "34356040500031", name: "Z", departement_code: "99" }).execute(),
      /foreign key/,
    );
  });

  test("financial annex: period, amounts, states, unique version", async () => {
    const base = {
      structure_id: structureId,
      number_prefix: "ACI001190002",
      mesure_code: "ACI_DC",
      state: "VALIDE" as const,
      starts_on: "2019-01-01",
      ends_on: "2019-12-31",
      etp: "1",
      annual_hours: "1820",
    };
    await refused(
      db
        .insertInto("financial_annex")
        .values({ ...base, ends_on: "2018-12-31" })
        .execute(),
      /financial_annex_check/,
    );
    await refused(
      db
        .insertInto("financial_annex")
        .values({ ...base, etp: "-1" })
        .execute(),
      /financial_annex_etp_check/,
    );
    await refused(
      db
        .insertInto("financial_annex")
        .values({ ...base, annual_hours: "0" })
        .execute(),
      /annual_hours_check/,
    );
    await refused(
      db
        .insertInto("financial_annex")
        .values({ ...base, state: "PERDU" as "VALIDE" })
        .execute(),
      /state_check/,
    );
    await refused(
      db
        .insertInto("financial_annex")
        .values({ ...base, number_prefix: "ACI0011900" })
        .execute(),
      /number_prefix_check/,
    );
    await refused(
      db
        .insertInto("financial_annex")
        .values({ ...base, total_amount: "100", cofinanced: true, cofinanced_amount: "200" })
        .execute(),
      /financial_annex_check/,
    );
    await refused(
      db
        .insertInto("financial_annex")
        .values({ ...base, modulation_percent: "12" })
        .execute(),
      /modulation_percent_check/,
    );
    await refused(
      db
        .insertInto("financial_annex")
        .values({ ...base, mesure_code: "XYZ_DC" })
        .execute(),
      /foreign key/,
    );
    await refused(
      db
        .insertInto("financial_annex")
        .values({ ...base, number_prefix: "ACI001190001" })
        .execute(),
      /financial_annex_number_start_key/,
    );
    const row = await db.selectFrom("financial_annex").select("number").where("id", "=", annexId).executeTakeFirstOrThrow();
    expect(row.number).toBe("ACI001190001A0M0");
  });

  test("monthly declaration: first day of month, plausible hours, one row per AF × contract × month", async () => {
    const base = {
      annex_id: annexId,
      contract_id: contractId,
      person_id: personId,
      structure_id: structureId,
      month: "2019-03-01",
      hours: "120",
    };
    await db.insertInto("monthly_declaration").values(base).execute();
    await refused(db.insertInto("monthly_declaration").values(base).execute(), /monthly_declaration_annex_id_contract_id_month_key/);
    await refused(
      db
        .insertInto("monthly_declaration")
        .values({ ...base, month: "2019-04-15" })
        .execute(),
      /month_check/,
    );
    await refused(
      db
        .insertInto("monthly_declaration")
        .values({ ...base, month: "2019-05-01", hours: "800" })
        .execute(),
      /hours_check/,
    );
    await refused(
      db
        .insertInto("monthly_declaration")
        .values({ ...base, month: "2019-05-01", hours: "-1" })
        .execute(),
      /hours_check/,
    );
  });

  test("monthly declaration: person and structure are its contract's (composite key), cascades through the contract", async () => {
    const newPerson = async (last: string) =>
      (await db.insertInto("person").values({ first_name: "C", last_name: last }).returning("id").executeTakeFirstOrThrow()).id;
    const newContract = async (person: number, structure: number) =>
      (
        await db
          .insertInto("contract")
          .values({ person_id: person, structure_id: structure, mesure_code: "ACI_DC", contract_type: "CDDI", starts_on: "2019-02-01" })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id;
    const declarationsOf = async (contract: number) =>
      db.selectFrom("monthly_declaration").select(["person_id", "structure_id"]).where("contract_id", "=", contract).execute();
    const other = await newPerson("D");
    const otherStructure = (
      await db
        .insertInto("structure")
        .values({ kind: "EI", siret: "34356040500049", name: "AUTRE", departement_code: "01" })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
    const base = {
      annex_id: annexId,
      contract_id: contractId,
      person_id: personId,
      structure_id: structureId,
      month: "2019-07-01",
      hours: "35",
    };
    await refused(
      db
        .insertInto("monthly_declaration")
        .values({ ...base, person_id: other })
        .execute(),
      /monthly_declaration_contract_fkey/,
    );
    await refused(
      db
        .insertInto("monthly_declaration")
        .values({ ...base, structure_id: otherStructure })
        .execute(),
      /monthly_declaration_contract_fkey/,
    );
    await db.insertInto("monthly_declaration").values(base).execute();
    await refused(
      db
        .updateTable("monthly_declaration")
        .set({ person_id: other })
        .where("contract_id", "=", contractId)
        .where("month", "=", "2019-07-01")
        .execute(),
      /monthly_declaration_contract_fkey/,
    );

    // A contract moved to another person carries its declarations' copies along.
    const moved = await newPerson("E");
    const movedContract = await newContract(moved, structureId);
    await db
      .insertInto("monthly_declaration")
      .values({ ...base, contract_id: movedContract, person_id: moved })
      .execute();
    await db.updateTable("contract").set({ person_id: other }).where("id", "=", movedContract).execute();
    expect(await declarationsOf(movedContract)).toEqual([{ person_id: other, structure_id: structureId }]);
    // Deleting the person deletes the contract, hence its declarations.
    await db.deleteFrom("person").where("id", "=", other).execute();
    expect(await declarationsOf(movedContract)).toEqual([]);

    // Deleting a structure deletes its contracts, hence their declarations.
    const elsewhere = await newContract(moved, otherStructure);
    await db
      .insertInto("monthly_declaration")
      .values({ ...base, contract_id: elsewhere, person_id: moved, structure_id: otherStructure })
      .execute();
    expect(await declarationsOf(elsewhere)).toHaveLength(1);
    await db.deleteFrom("structure").where("id", "=", otherStructure).execute();
    expect(await declarationsOf(elsewhere)).toEqual([]);
  });

  test("contracts and exits: renewal chain, dates, referential motif, one exit per recruitment", async () => {
    const base = {
      person_id: personId,
      structure_id: structureId,
      mesure_code: "ACI_DC",
      contract_type: "CDDI" as const,
      starts_on: "2019-06-01",
    };
    await refused(
      db
        .insertInto("contract")
        .values({ ...base, rank: 1 })
        .execute(),
      /contract_check/,
    );
    await refused(
      db
        .insertInto("contract")
        .values({ ...base, planned_end_on: "2019-05-01" })
        .execute(),
      /contract_check/,
    );
    await refused(
      db
        .insertInto("contract")
        .values({ ...base, rsa: "OUI" as "NON" })
        .execute(),
      /contract_rsa_check/,
    );
    await db
      .insertInto("contract")
      .values({ ...base, rank: 1, recruitment_id: contractId })
      .execute();
    const exit = { recruitment_id: contractId, person_id: personId, structure_id: structureId, exit_on: "2019-09-30" };
    await refused(
      db
        .insertInto("exit")
        .values({ ...exit, motif_code: 999 })
        .execute(),
      /foreign key/,
    );
    const motif = await db.selectFrom("ref_exit_motif").select("code").orderBy("code").executeTakeFirstOrThrow();
    await db
      .insertInto("exit")
      .values({ ...exit, motif_code: motif.code })
      .execute();
    await refused(
      db
        .insertInto("exit")
        .values({ ...exit, motif_code: motif.code })
        .execute(),
      /exit_recruitment_id_key/,
    );
  });

  test("people: NIR only as a 64-hex hash, PASS dates ordered, users scoped", async () => {
    await refused(db.insertInto("person").values({ nir_hash: "141068078200557" }).execute(), /nir_hash_check/);
    await refused(
      db.insertInto("approval").values({ person_id: personId, starts_on: "2019-02-01", ends_on: "2019-01-31" }).execute(),
      /approval_check/,
    );
    await refused(
      db.insertInto("app_user").values({ email: "agent@ddets.test", display_name: "A", role: "departemental" }).execute(),
      /app_user_check/,
    );
    await refused(
      db.insertInto("app_user").values({ email: "Agent@DDETS.test", display_name: "A", role: "national" }).execute(),
      /app_user_email_check/,
    );
  });

  test("audit trail is append-only: UPDATE, DELETE and TRUNCATE are refused", async () => {
    await db.insertInto("audit_event").values({ actor_label: "test", action: "create", entity: "person", entity_id: "1" }).execute();
    await refused(db.updateTable("audit_event").set({ action: "tampered" }).execute(), /append-only/);
    await refused(db.deleteFrom("audit_event").execute(), /append-only/);
    await refused(sql`TRUNCATE audit_event`.execute(db), /append-only/);
    const n = await db
      .selectFrom("audit_event")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBeGreaterThanOrEqual(1);
  });
});
