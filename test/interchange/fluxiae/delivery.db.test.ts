// A whole FluxIAE delivery (Structure, AF, Salarie, ContratMission, EtatMensuelIndiv, referentials):
// people with encrypted NIR, contracts and renewals, monthly hours through COPY, exits per recruitment,
// idempotence, pseudonymised mode.
import { cipherCells } from "../../../src/security/personalData.js";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findRollupDrift } from "../../../src/db/rollups.js";
import { importFluxIae } from "../../../src/interchange/fluxiae/index.js";
import { testCipher } from "../../../src/security/personalData.js";
import { createTestDatabase, type TestDatabase } from "../../support/testDb.js";
import { deliveryFiles, NIR_A, tempDir } from "./support.js";

describe("FluxIAE delivery with people, contracts and monthly states", () => {
  let t: TestDatabase;
  const tmp = tempDir();
  const pii = testCipher();
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t?.destroy();
    tmp.remove();
  });

  it("imports every view, encrypts the NIR, links renewals to their recruitment and derives the exit", async () => {
    for (const [name, content] of Object.entries(deliveryFiles())) tmp.write(`delivery/${name}`.replace("delivery/", ""), content);
    const report = await importFluxIae(t.handle, tmp.dir, { pii });
    expect(report.format).toBe("fluxiae");
    expect(report.rejections).toEqual([
      {
        file: "fluxIAE_EtatMensuelIndiv_07022022_063004.csv",
        line: 7,
        column: "emi_afi_id",
        reason: "annexe financière ASP n°999999 inconnue : importez la vue AnnexeFinanciere",
      },
    ]);
    expect(report.rejected).toBe(1);

    const people = await t.handle.db.selectFrom("person").selectAll().orderBy("id").execute();
    expect(people).toHaveLength(2);
    expect(people[0]).toMatchObject({
      last_name: "DURAND",
      first_name: "Paul",
      civility: "M",
      birth_date: "1985-03-15",
      birth_year: 1985,
      commune_code: "97213",
      is_qpv: true,
      pseudonymised: false,
    });
    expect(people[0]?.nir_hash).toBe(pii.hash("nir", NIR_A));
    expect(pii.decrypt(people[0]?.nir_encrypted ?? "", cipherCells.personNir(people[0]?.id ?? 0))).toBe(NIR_A);
    const everything =
      JSON.stringify(await sql`SELECT * FROM person`.execute(t.handle.db)) +
      JSON.stringify(await sql`SELECT * FROM audit_event`.execute(t.handle.db));
    expect(everything).not.toContain(NIR_A);
    expect(everything).not.toContain("999991812345");

    const contracts = await t.handle.db.selectFrom("contract").selectAll().orderBy("asp_contract_id").execute();
    expect(contracts.map((c) => [c.asp_contract_id, c.rank, c.contract_type, c.weekly_hours, c.rsa])).toEqual([
      [9001, 0, "CDDI", "26.00", "OUI-NM"],
      [9002, 1, "CDDI", "26.00", "OUI-NM"],
      [9003, 0, "CDDI", "20.00", "NON"],
    ]);
    expect(contracts[1]?.recruitment_id).toBe(contracts[0]?.id);
    const exits = await t.handle.db.selectFrom("exit").selectAll().execute();
    expect(exits).toEqual([expect.objectContaining({ recruitment_id: contracts[0]?.id, exit_on: "2018-12-15", motif_code: 3 })]);

    const declarations = await t.handle.db.selectFrom("monthly_declaration").selectAll().orderBy("month").orderBy("hours").execute();
    expect(declarations.map((d) => [d.month, d.hours, d.gross_pay])).toEqual([
      ["2018-08-01", "120.00", "1450.50"],
      ["2018-09-01", "130.50", "1570.00"],
      ["2018-10-01", "80.00", "900.00"],
      ["2018-10-01", "140.00", "1650.00"],
    ]);
    const annex = await t.handle.db
      .selectFrom("financial_annex")
      .select(["id", "number"])
      .where("id", "=", declarations[0]?.annex_id ?? -1)
      .executeTakeFirstOrThrow();
    expect(annex.number).toBe("ACI972180024A0M1");
    expect(await findRollupDrift(t.handle.db)).toEqual([]);
    const links = await sql<{ n: number }>`SELECT count(*)::int AS n FROM person_asp_id`.execute(t.handle.db);
    expect(links.rows[0]?.n).toBe(2);
    const trainings = await t.handle.db.selectFrom("training").selectAll().execute();
    expect(trainings).toEqual([
      expect.objectContaining({
        asp_training_id: 7001,
        contract_id: contracts[0]?.id,
        starts_on: "2018-09-03",
        ends_on: "2018-09-07",
        hours: "35.50",
        objective_code: "QUALIF",
        type_code: "INTERNE",
      }),
    ]);
    const support = await sql<{ annex_id: number; raw: Record<string, string> }>`SELECT annex_id, raw FROM asp_support_summary`.execute(
      t.handle.db,
    );
    expect(support.rows).toEqual([
      { annex_id: declarations[0]?.annex_id, raw: { acc_afi_id: "4764", acc_nb_sal_sante: "3", acc_nb_sal_hebergement: "1" } },
    ]);
  });

  it("re-importing the same delivery changes nothing; a newer delivery updates by natural keys", async () => {
    const again = await importFluxIae(t.handle, tmp.dir, { pii });
    expect(again.inserted).toBe(0);
    expect(again.updated).toBe(0);
    const files = deliveryFiles();
    const emi = (files["fluxIAE_EtatMensuelIndiv_07022022_063004.csv"] ?? "").replace("130.50", "131.00");
    const newer = tmp.write("fluxIAE_EtatMensuelIndiv_14022022_063004.csv", emi);
    const update = await importFluxIae(t.handle, newer);
    expect(update).toMatchObject({ format: "fluxiae:EtatMensuelIndiv", inserted: 0, updated: 1, unchanged: 3, rejected: 1 });
    const sept = await t.handle.db
      .selectFrom("monthly_declaration")
      .select("hours")
      .where("month", "=", "2018-09-01")
      .executeTakeFirstOrThrow();
    expect(sept.hours).toBe("131.00");
    expect(await findRollupDrift(t.handle.db)).toEqual([]);
    // Company hours stated in Passerelle (an AI's mises à disposition; no such column in the ASP's file) are
    // kept, and brought down to the ASP's hours when these become lower.
    await t.handle.db.updateTable("monthly_declaration").set({ company_hours: "130.00" }).where("month", "=", "2018-09-01").execute();
    const lower = tmp.write("fluxIAE_EtatMensuelIndiv_21022022_063004.csv", emi.replace("131.00", "125.00"));
    expect(await importFluxIae(t.handle, lower)).toMatchObject({ updated: 1 });
    const clamped = await t.handle.db
      .selectFrom("monthly_declaration")
      .select(["hours", "company_hours"])
      .where("month", "=", "2018-09-01")
      .executeTakeFirstOrThrow();
    expect(clamped).toEqual({ hours: "125.00", company_hours: "125.00" });
    const others = await t.handle.db.selectFrom("monthly_declaration").select("company_hours").where("month", "<>", "2018-09-01").execute();
    expect(others.every((d) => d.company_hours === null)).toBe(true);
  });
});

describe("FluxIAE pseudonymised import (statistics-only deployment)", () => {
  let t: TestDatabase;
  const tmp = tempDir();
  const pii = testCipher();
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t?.destroy();
    tmp.remove();
  });

  it("keeps only the keyed hash of the NIR, drops names and contacts, cuts the birth date to the year", async () => {
    const files = deliveryFiles();
    const file = tmp.write("fluxIAE_Salarie_07022022_063004.csv", files["fluxIAE_Salarie_07022022_063004.csv"] ?? "");
    const report = await importFluxIae(t.handle, file, { pii, pseudonymise: true });
    expect(report).toMatchObject({ inserted: 2, rejected: 0 });
    const people = await t.handle.db.selectFrom("person").selectAll().orderBy("id").execute();
    expect(people[0]).toMatchObject({
      nir_encrypted: null,
      last_name: null,
      birth_name: null,
      first_name: null,
      civility: null,
      birth_date: null,
      birth_year: 1985,
      address_line: null,
      postal_code: null,
      commune_code: null,
      departement_code: "972",
      pseudonymised: true,
    });
    expect(people[0]?.nir_hash).toBe(pii.hash("nir", NIR_A));
  });
});
