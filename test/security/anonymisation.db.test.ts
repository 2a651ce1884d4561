// After retention, an auditor looks for anything still pointing at the person: the ASP's person id
// (which the ASP can resolve to a NIR), the fiche salarié complements (address, France Travail id, birth
// commune), the audit rows about the person. None may remain; what stays is pseudonymous (birth year,
// département, parcours rows) and is listed in docs/SECURITY.md §5.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { recordAudit } from "../../src/db/audit.js";
import { fixedClock } from "../../src/domain/calendar/clock.js";
import { createPerson } from "../../src/operations/createPerson.js";
import { testCipher } from "../../src/security/personalData.js";
import { anonymisePeople } from "../../src/security/retention.js";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";

const pii = testCipher();
const IDENTITY = {
  nir: "180046212345671",
  civility: "M" as const,
  lastName: "Wiltord",
  firstName: "Sylvain",
  birthDate: "1980-04-03",
  addressLine: "3 rue des Écoles",
  postalCode: "62000",
  email: "sylvain.w@exemple.fr",
  phone: "0611223344",
};
const COMPLEMENT = {
  numeroIDE: "1234567A",
  adrNumeroVoie: "3",
  adrLibelleVoie: "RUE DES ECOLES",
  birthCommuneCode: "62041",
  salarieEnEmploi: false,
};

let t: TestDatabase;
let personId: number;

beforeAll(async () => {
  t = await createTestDatabase();
  const db = t.handle.db;
  const s = await db
    .insertInto("structure")
    .values({ kind: "ACI", asp_id: 930001, name: "Ressourcerie", departement_code: "62" })
    .returning("id")
    .executeTakeFirstOrThrow();
  personId = (
    await t.handle.withTransaction(({ db }) =>
      createPerson(db, { clock: fixedClock("2022-01-10"), pii, actor: { userId: null, label: "test" } }, IDENTITY),
    )
  ).id;
  const c = await db
    .insertInto("contract")
    .values({
      person_id: personId,
      structure_id: s.id,
      mesure_code: "ACI_DC",
      contract_type: "CDDI",
      starts_on: "2021-03-01",
      exit_on: "2022-01-10",
      asp_contract_id: 77001,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await sql`INSERT INTO asp_person (asp_pph_id, person_id) VALUES (880001, ${personId})`.execute(db);
  await sql`INSERT INTO person_asp_id (structure_id, asp_pph_id, person_id) VALUES (${s.id}, 880001, ${personId})`.execute(db);
  await sql`INSERT INTO fiche_salarie_complement (contract_id, data) VALUES (${c.id}, ${JSON.stringify(COMPLEMENT)}::jsonb)`.execute(db);
  await recordAudit(
    db,
    { userId: null, label: "test" },
    { action: "fiche_salarie.complete", entity: "contract", entityId: c.id, personId, after: COMPLEMENT },
  );
});
afterAll(async () => t?.destroy());

describe("anonymisation", () => {
  test("drops the ASP person ids, the fiche complements' identity fields; no audit row names the person", async () => {
    const db = t.handle.db;
    await t.handle.withTransaction(({ db }) => anonymisePeople(db, [personId], new Date()));
    const asp = await sql<{
      n: string;
    }>`SELECT (SELECT count(*) FROM asp_person WHERE person_id = ${personId}) + (SELECT count(*) FROM person_asp_id WHERE person_id = ${personId}) AS n`.execute(
      db,
    );
    expect(Number(asp.rows[0]?.n)).toBe(0);
    const complement = await sql<{
      data: Record<string, unknown> | string;
    }>`SELECT data FROM fiche_salarie_complement f JOIN contract c ON c.id = f.contract_id WHERE c.person_id = ${personId}`.execute(db);
    const data = complement.rows[0]?.data;
    const parsed = (typeof data === "string" ? JSON.parse(data) : data) as Record<string, unknown>;
    expect(parsed).toEqual({ salarieEnEmploi: false });
    const person = await db.selectFrom("person").selectAll().where("id", "=", personId).executeTakeFirstOrThrow();
    expect(person).toMatchObject({
      last_name: null,
      first_name: null,
      birth_date: null,
      email: null,
      phone: null,
      nir_hash: null,
      birth_year: 1980,
    });
    const everything = JSON.stringify(await db.selectFrom("audit_event").selectAll().execute());
    for (const value of [
      IDENTITY.nir,
      IDENTITY.lastName,
      IDENTITY.firstName,
      IDENTITY.birthDate,
      IDENTITY.addressLine,
      IDENTITY.email,
      IDENTITY.phone,
      COMPLEMENT.numeroIDE,
      COMPLEMENT.adrLibelleVoie,
      "880001",
    ]) {
      expect(everything.includes(value), value).toBe(false);
    }
  });
});
