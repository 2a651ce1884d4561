// Imports are territorial (docs/imports.md): an import for a département writes only the rows of that
// département; every other row is refused (file, line, the column that places it) and nothing is written
// for it — whatever the file tries: rows of another département, a structure registered elsewhere, a
// contract or salarié of another département's structure, national referentials.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importAspList } from "../../src/interchange/asp-lists/importAspList.js";
import { importFluxIae } from "../../src/interchange/fluxiae/index.js";
import { type ImportTerritory, NATION } from "../../src/interchange/importTerritory.js";
import { testCipher } from "../../src/security/personalData.js";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";
import { AF_SAMPLE, deliveryFiles, EMI, SALARIE, tempDir, viewText } from "./fluxiae/support.js";

const ddets = (code: string): ImportTerritory => ({ kind: "departement", code });

async function count(t: TestDatabase, table: string, where = sql`true`): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE ${where}`.execute(t.handle.db);
  return r.rows[0]?.n ?? 0;
}

describe("ASP list imported for one département", () => {
  let t: TestDatabase;
  const tmp = tempDir();
  const header = "MESURE;CODE_DEPARTEMENT;LIBELLE_DPT;CODE_POSTAL;COMMUNE;SIRET;DENOMINATION_SOCIALE";
  const list = [
    header,
    "ACI;062;PAS-DE-CALAIS;62300;LENS;39321207100012;ACI DE LENS",
    "EI;059;NORD;59000;LILLE;41273578900023;EI DE LILLE",
    // Registered in the Nord: a Pas-de-Calais list may not move it nor change it.
    "ETTI;062;PAS-DE-CALAIS;62400;BETHUNE;50796672900141;ETTI DEPLACEE",
  ].join("\n");
  beforeAll(async () => {
    t = await createTestDatabase();
    await t.handle.db
      .insertInto("structure")
      .values({ kind: "ETTI", siret: "50796672900141", name: "ETTI DU NORD", departement_code: "59" })
      .execute();
  });
  afterAll(async () => {
    await t?.destroy();
    tmp.remove();
  });

  it("writes the rows of its département; refuses the others on CODE_DEPARTEMENT and writes nothing for them", async () => {
    const file = tmp.write("liste.csv", list);
    const report = await importAspList(t.handle, file, { territory: ddets("62") });
    expect(report).toMatchObject({ rowsRead: 3, inserted: 1, updated: 0, rejected: 2 });
    expect(report.rejections).toEqual([
      { file: "liste.csv", line: 3, column: "CODE_DEPARTEMENT", reason: expect.stringMatching(/département 59.*hors du département 62/) },
      {
        file: "liste.csv",
        line: 4,
        column: "CODE_DEPARTEMENT",
        reason: expect.stringMatching(/déjà enregistrée \(département 59\) hors du département 62/),
      },
    ]);
    expect(await count(t, "structure", sql`departement_code = '59' AND siret = '41273578900023'`)).toBe(0);
    const moved = await t.handle.db
      .selectFrom("structure")
      .select(["name", "departement_code"])
      .where("siret", "=", "50796672900141")
      .executeTakeFirstOrThrow();
    expect(moved).toEqual({ name: "ETTI DU NORD", departement_code: "59" });
    const run = await t.handle.db
      .selectFrom("import_run")
      .selectAll()
      .where("id", "=", report.importRunId ?? -1)
      .executeTakeFirstOrThrow();
    expect(run).toMatchObject({ departement_code: "62", rejected: 2 });
    const stored = await t.handle.db
      .selectFrom("import_rejection")
      .select(["line", "column_name"])
      .where("import_run_id", "=", run.id)
      .orderBy("line")
      .execute();
    expect(stored).toEqual([
      { line: 3, column_name: "CODE_DEPARTEMENT" },
      { line: 4, column_name: "CODE_DEPARTEMENT" },
    ]);
  });

  it("is idempotent, and the same file imported nationally writes every row", async () => {
    const file = tmp.write("liste.csv", list);
    expect(await importAspList(t.handle, file, { territory: ddets("62") })).toMatchObject({
      inserted: 0,
      updated: 0,
      unchanged: 1,
      rejected: 2,
    });
    const national = await importAspList(t.handle, file, { territory: NATION });
    expect(national).toMatchObject({ inserted: 1, updated: 1, unchanged: 1, rejected: 0 });
    const run = await t.handle.db
      .selectFrom("import_run")
      .select("departement_code")
      .where("id", "=", national.importRunId ?? -1)
      .executeTakeFirstOrThrow();
    expect(run.departement_code).toBeNull();
  });
});

describe("FluxIAE annexes imported for one département", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it("creates only the Martinique structures and annexes of the national sample; every other row refused on its AF number", async () => {
    const rows = gunzipSync(readFileSync(AF_SAMPLE))
      .toString("utf8")
      .split("\n")
      .filter((l) => l !== "")
      .slice(2)
      .map((l) => l.split("|"));
    const martinique = rows.filter((r) => /^[A-Z]+972/.test(r[4] ?? "")).length;
    expect(martinique).toBeGreaterThan(0);
    const report = await importFluxIae(t.handle, AF_SAMPLE, { territory: ddets("972") });
    expect(report).toMatchObject({ rowsRead: 85, inserted: martinique, rejected: 85 - martinique });
    expect(new Set(report.rejections.map((r) => r.column))).toEqual(new Set(["af_numero_annexe_financiere"]));
    expect(report.rejections[0]?.reason).toMatch(/hors du département 972/);
    const placed = await t.handle.db.selectFrom("structure").select("departement_code").distinct().execute();
    expect(placed).toEqual([{ departement_code: "972" }]);
    expect(await count(t, "financial_annex")).toBe(martinique);
  });
});

describe("FluxIAE delivery imported for one département", () => {
  let t: TestDatabase;
  const tmp = tempDir();
  const pii = testCipher();
  const files = deliveryFiles();
  // The Martinique delivery, plus a salarié, a contract and monthly hours of the ACI n°112 of Meurthe-et-Moselle (54).
  files["fluxIAE_Salarie_07022022_063004.csv"] = viewText("Salarie", SALARIE, [
    ["501", "M.", "DURAND", "DURAND", "Paul", "15/03/1985", "", "", "", "", "97213", "97232", "LE LAMENTIN", "", ""],
    ["502", "MME", "MARTIN", "LEROY", "Julie", "02/11/1990", "", "", "", "", "", "", "", "", ""],
    ["503", "M.", "NANCEIEN", "NANCEIEN", "Luc", "01/01/1980", "", "", "", "", "54395", "54000", "NANCY", "", ""],
  ]);
  files["fluxIAE_ContratMission_07022022_063004.csv"] = (files["fluxIAE_ContratMission_07022022_063004.csv"] ?? "").replace(
    /\nFIN3\|/,
    `\n${["9004", "503", "112", "2", "ACI_DC", "0", "01/10/2018", "31/03/2019", "", "20:00", "", "", "NON", "false", "N1103"].join("|")}\nFIN4|`,
  );
  files["fluxIAE_EtatMensuelIndiv_07022022_063004.csv"] = viewText("EtatMensuelIndiv", EMI, [
    ["01/08/2018", "4764", "8", "2018", "VALIDE", "501", "9001", "120.00", "", "1450.50", "10/09/2018 08:00:00", ""],
    ["01/10/2018", "4080", "10", "2018", "VALIDE", "503", "9004", "80.00", "", "900.00", "10/11/2018 08:00:00", ""],
  ]);
  beforeAll(async () => {
    t = await createTestDatabase();
    // The annexes of every département, imported nationally (DGEFP).
    await importFluxIae(t.handle, AF_SAMPLE, { territory: NATION });
    for (const [name, content] of Object.entries(files)) tmp.write(name, content);
  });
  afterAll(async () => {
    await t?.destroy();
    tmp.remove();
  });

  it("DDETS 972 writes its salariés, contracts, hours, trainings and support; the Meurthe-et-Moselle rows and the national referentials are refused", async () => {
    const categories = await count(t, "ref_exit_category");
    const report = await importFluxIae(t.handle, tmp.dir, { pii, territory: ddets("972") });
    const refused = report.rejections.map((r) => [r.file.replace(/^fluxIAE_|_07022022_063004\.csv$/g, ""), r.column]);
    expect(refused.sort()).toEqual(
      [
        ["ContratMission", "contrat_id_structure"],
        ["EtatMensuelIndiv", "emi_ctr_id"],
        ["RefCategorieSort", "rcs_id"],
        ["RefMotifSort", "rms_id"],
        ["Salarie", "salarie_id"],
      ].sort(),
    );
    expect(report.rejections.find((r) => r.column === "salarie_id")).toMatchObject({
      line: 5,
      reason: expect.stringMatching(/salarié 503 .*hors du département 972/),
    });
    // Nothing written for the refused rows.
    expect(await count(t, "asp_person", sql`asp_pph_id = 503`)).toBe(0);
    expect(await count(t, "person")).toBe(2);
    expect(await count(t, "contract", sql`asp_contract_id = 9004`)).toBe(0);
    expect(await count(t, "contract")).toBe(3);
    expect(await count(t, "monthly_declaration")).toBe(1);
    expect(await count(t, "monthly_declaration", sql`structure_id IN (SELECT id FROM structure WHERE departement_code <> '972')`)).toBe(0);
    expect(await count(t, "ref_exit_category")).toBe(categories);
    expect(await count(t, "training")).toBe(1);
    expect(await count(t, "asp_support_summary")).toBe(1);
    const run = await t.handle.db
      .selectFrom("import_run")
      .select("departement_code")
      .where("id", "=", report.importRunId ?? -1)
      .executeTakeFirstOrThrow();
    expect(run.departement_code).toBe("972");
  });

  it("the same delivery imported again by DDETS 972 changes nothing; DDETS 54 writes only its own salarié, contract and hours", async () => {
    const again = await importFluxIae(t.handle, tmp.dir, { pii, territory: ddets("972") });
    expect(again).toMatchObject({ inserted: 0, updated: 0, rejected: 5 });
    const nancy = await importFluxIae(t.handle, tmp.dir, { pii, territory: ddets("54") });
    expect(nancy.inserted).toBe(3); // salarié 503, contract 9004, its October hours
    expect(nancy.updated).toBe(0);
    expect(await count(t, "contract", sql`asp_contract_id = 9004`)).toBe(1);
    expect(await count(t, "person")).toBe(3);
    // Every Martinique row was refused to the DDETS 54: its salariés' data untouched.
    const durand = await t.handle.db.selectFrom("person").select("last_name").where("last_name", "=", "DURAND").execute();
    expect(durand).toHaveLength(1);
  });

  it("a Structure row of another département's ASP id is refused, even with an address in the département", async () => {
    const structure = tmp.write(
      "fluxIAE_Structure_08022022_063004.csv",
      viewText(
        "Structure",
        ["structure_id_siae", "structure_denomination", "structure_adresse_gestion_cp", "structure_adresse_gestion_code_insee"],
        [
          ["112", "REPRISE PAR 972", "97232", "97213"],
          ["2855", "ACI DU LAMENTIN", "97232", "97213"],
        ],
      ),
    );
    const report = await importFluxIae(t.handle, structure, { territory: ddets("972") });
    expect(report).toMatchObject({ rowsRead: 2, rejected: 1 });
    expect(report.rejections[0]).toMatchObject({ line: 3, column: "structure_id_siae" });
    const names = await t.handle.db
      .selectFrom("structure")
      .select(["asp_id", "name"])
      .where("asp_id", "in", [112, 2855])
      .orderBy("asp_id")
      .execute();
    expect(names.find((s) => Number(s.asp_id) === 112)?.name).not.toBe("REPRISE PAR 972");
    expect(names.find((s) => Number(s.asp_id) === 2855)?.name).toBe("ACI DU LAMENTIN");
  });
});
