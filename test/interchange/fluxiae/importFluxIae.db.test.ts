import { readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AF_COLUMNS, importFluxIae, renderFluxValue } from "../../../src/interchange/fluxiae/index.js";
import { ImportInputError } from "../../../src/interchange/importReport.js";
import { createTestDatabase, type TestDatabase } from "../../support/testDb.js";
import { tempDir, viewText } from "./support.js";

const AF_SAMPLE = path.resolve("test/fixtures/external/fluxiae/fluxIAE_AnnexeFinanciere_22022022_112211.csv.gz");

function sampleLines(): { header: string[]; rows: string[][] } {
  const text = gunzipSync(readFileSync(AF_SAMPLE)).toString("utf8");
  const lines = text.split("\n").filter((l) => l !== "");
  const header = (lines[1] ?? "").split("|");
  return { header, rows: lines.slice(2).map((l) => l.split("|")) };
}

async function count(t: TestDatabase, table: "financial_annex" | "structure"): Promise<number> {
  const r = await t.handle.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

describe("FluxIAE AnnexeFinanciere — the real February 2022 sample", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it("imports all 85 rows (a repeated AF version merged, the last line wins, and reported), then nothing changes on a second run", async () => {
    const first = await importFluxIae(t.handle, AF_SAMPLE);
    expect(first).toMatchObject({
      format: "fluxiae:AnnexeFinanciere",
      rowsRead: 85,
      inserted: 84,
      updated: 0,
      unchanged: 1,
      rejected: 0,
      rejections: [],
    });
    expect(first.warnings).toHaveLength(1);
    expect(first.warnings[0]).toMatchObject({
      column: "af_id_avenant_modification",
      file: "fluxIAE_AnnexeFinanciere_22022022_112211.csv.gz",
    });
    expect(first.warnings[0]?.reason).toMatch(/AI092181008A2M1 .*déjà lue ligne/);
    expect(await count(t, "financial_annex")).toBe(84);
    const run = await t.handle.db
      .selectFrom("import_run")
      .selectAll()
      .where("id", "=", first.importRunId ?? -1)
      .executeTakeFirstOrThrow();
    expect(run).toMatchObject({ status: "succeeded", rows_read: 85, inserted: 84, format: "fluxiae:AnnexeFinanciere" });
    expect(run.checksum).toMatch(/^[0-9a-f]{64}$/);

    const second = await importFluxIae(t.handle, AF_SAMPLE);
    expect(second).toMatchObject({ rowsRead: 85, inserted: 0, updated: 0, unchanged: 85, rejected: 0 });
    expect(await count(t, "financial_annex")).toBe(84);
  });

  it("creates one structure per (ASP id, kind), FDI annexes attached to an existing one", async () => {
    const structures = await t.handle.db
      .selectFrom("structure")
      .select(["asp_id", "kind", "departement_code", "name", "source"])
      .orderBy("asp_id")
      .orderBy("kind")
      .execute();
    const { rows } = sampleLines();
    const expected = new Set(rows.filter((r) => r[3] !== "FDI_DC").map((r) => `${r[0]}|${(r[3] ?? "").replace(/_(DC|MP)$/, "")}`));
    expect(structures.map((s) => `${s.asp_id}|${s.kind}`).sort()).toEqual([...expected].sort());
    const martinique = structures.find((s) => s.asp_id === 2855);
    expect(martinique).toMatchObject({ kind: "ACI", departement_code: "972", source: "fluxiae", name: "Structure ASP n°2855" });
    const fdi = await t.handle.db.selectFrom("financial_annex").select(["structure_id"]).where("mesure_code", "=", "FDI_DC").execute();
    expect(fdi).toHaveLength(14);
  });

  it("keeps every column: rendering the stored rows gives back each line of the file (ETP, unit amount, total, state…)", async () => {
    const { header, rows } = sampleLines();
    const stored = await t.handle.db.selectFrom("financial_annex").selectAll().execute();
    const byAspId = new Map(stored.map((r) => [r.asp_af_id, r]));
    const mapped = new Map(AF_COLUMNS.map((c) => [c.column, c]));
    const idColumn = header.indexOf("af_id_avenant_modification");
    const lastOfEach = new Map(rows.map((r) => [r[idColumn], r]));
    expect(lastOfEach.size).toBe(84);
    for (const raw of lastOfEach.values()) {
      const row = byAspId.get(Number(raw[idColumn]));
      expect(row).toBeDefined();
      if (!row) continue;
      const extra = row.extra as Record<string, string | null>;
      const rendered = header.map((column) => {
        if (Object.hasOwn(extra, column)) return extra[column] ?? "";
        const m = mapped.get(column);
        return m ? (renderFluxValue(m.type, (row as unknown as Record<string, string | number | boolean | null>)[m.field]) ?? "") : "";
      });
      expect(rendered).toEqual(raw);
    }
    const one = byAspId.get(12265);
    expect(one).toMatchObject({
      number: "ACI972180024A0M1",
      etp: "5.94",
      unit_amount: "19897.00",
      total_amount: "59094.12",
      state: "VALIDE",
      starts_on: "2018-07-01",
    });
  });

  it("keeps both AFs when the ASP reuses one number for two years (distinct ASP ids)", async () => {
    const reused = await t.handle.db
      .selectFrom("financial_annex")
      .select(["asp_af_id", "starts_on", "state"])
      .where("number", "=", "ACI972190115A2M0")
      .orderBy("starts_on")
      .execute();
    expect(reused).toEqual([
      { asp_af_id: 48295, starts_on: "2021-01-01", state: "HISTORISE" },
      { asp_af_id: 66240, starts_on: "2022-01-01", state: "PROVISOIRE" },
    ]);
  });
});

describe("FluxIAE import — malformed input writes nothing", () => {
  let t: TestDatabase;
  const tmp = tempDir();
  const { header, rows } = sampleLines();
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t?.destroy();
    tmp.remove();
  });

  it("a missing required column stops before writing, listing what is missing and what was found", async () => {
    const keep = header.filter((h) => h !== "af_date_debut_effet" && h !== "af_etat_annexe_financiere_code");
    const file = tmp.write(
      "fluxIAE_AnnexeFinanciere_01012022_000000.csv",
      viewText(
        "AnnexeFinanciere",
        keep,
        rows.slice(0, 3).map((r) => r.filter((_, i) => keep.includes(header[i] ?? ""))),
      ),
    );
    const error = await importFluxIae(t.handle, file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportInputError);
    expect((error as ImportInputError).message).toMatch(
      /af_etat_annexe_financiere_code, af_date_debut_effet — colonnes trouvées : af_id_structure/,
    );
    expect((error as ImportInputError).issues.map((i) => i.column)).toEqual(["af_etat_annexe_financiere_code", "af_date_debut_effet"]);
    expect(await count(t, "financial_annex")).toBe(0);
    const failed = await t.handle.db.selectFrom("import_run").select(["status", "error"]).orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(failed.status).toBe("failed");
  });

  it("a bad date rejects its row with file, line and column; the other rows are imported", async () => {
    const bad = rows.slice(1, 4).map((r) => [...r]);
    const col = header.indexOf("af_date_fin_effet");
    (bad[1] as string[])[col] = "31/13/2018";
    const file = tmp.write("af-bad-date.csv", viewText("AnnexeFinanciere", header, bad));
    const report = await importFluxIae(t.handle, file);
    expect(report).toMatchObject({ rowsRead: 3, inserted: 2, rejected: 1 });
    expect(report.rejections).toEqual([
      { file: "af-bad-date.csv", line: 4, column: "af_date_fin_effet", reason: "date inexistante « 31/13/2018 »" },
    ]);
    const stored = await t.handle.db
      .selectFrom("import_rejection")
      .select(["line", "column_name", "severity"])
      .where("import_run_id", "=", report.importRunId ?? -1)
      .execute();
    expect(stored).toEqual([{ line: 4, column_name: "af_date_fin_effet", severity: "error" }]);
  });

  it("--dry-run counts exactly like a real run and writes nothing but its import_run record", async () => {
    const before = await count(t, "financial_annex");
    const report = await importFluxIae(t.handle, AF_SAMPLE, { dryRun: true });
    expect(report).toMatchObject({ dryRun: true, rowsRead: 85, rejected: 0 });
    expect(report.inserted + report.updated + report.unchanged).toBe(85);
    expect(await count(t, "financial_annex")).toBe(before);
    const run = await t.handle.db
      .selectFrom("import_run")
      .select(["status"])
      .where("id", "=", report.importRunId ?? -1)
      .executeTakeFirstOrThrow();
    expect(run.status).toBe("dry_run");
  });

  it("a FIN count that does not match rolls the whole delivery back", async () => {
    const before = await count(t, "financial_annex");
    const file = tmp.write("af-truncated.csv", viewText("AnnexeFinanciere", header, rows.slice(10, 14), { fin: 40 }));
    await expect(importFluxIae(t.handle, file)).rejects.toThrow(/FIN annonce 40 lignes/);
    expect(await count(t, "financial_annex")).toBe(before);
  });
});

describe("FluxIAE delivery — Structure, AF and referentials in one ZIP named .tar.gz", () => {
  let t: TestDatabase;
  const tmp = tempDir();
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t?.destroy();
    tmp.remove();
  });

  it("imports the views in dependency order whatever the order of the files", async () => {
    const { header, rows } = sampleLines();
    const structureHeader = [
      "structure_id_siae",
      "structure_siret_actualise",
      "structure_denomination",
      "structure_code_naf",
      "structure_adresse_gestion_numero",
      "structure_adresse_gestion_type_voie",
      "structure_adresse_gestion_nom_voie",
      "structure_adresse_gestion_cp",
      "structure_adresse_gestion_commune",
      "structure_adresse_gestion_code_insee",
      "structure_date_creation",
    ];
    const zip = tmp.writeZip("fluxIAE_ITOU_20220207.tar.gz", {
      "fluxIAE_AnnexeFinanciere_07022022_063004.csv": viewText(
        "AnnexeFinanciere",
        header,
        rows.filter((r) => r[0] === "2855"),
        { fin: true },
      ),
      "fluxIAE_Structure_07022022_063004.csv": viewText(
        "Structure",
        structureHeader,
        [
          [
            "2855",
            "41071771400035",
            "CHANTIER DU LAMENTIN",
            "8899B",
            "12",
            "RUE",
            "DES FLEURS",
            "97232",
            "LE LAMENTIN",
            "97213",
            "03/02/2015 10:11:12",
          ],
        ],
        { fin: true },
      ),
      "fluxIAE_RefMotifSort_07022022_063004.csv": viewText(
        "RefMotifSort",
        ["rms_id", "rms_code", "rms_libelle", "rcs_id"],
        [["31", "96", "CDI Inclusion", "12"]],
      ),
      "fluxIAE_RefCategorieSort_07022022_063004.csv": viewText(
        "RefCategorieSort",
        ["rcs_id", "rcs_code", "rcs_libelle"],
        [["12", "2", "Emploi de transition"]],
      ),
      "fluxIAE_Missions_07022022_063004.csv": viewText("Missions", ["mission_id", "mission_descriptif"], [["1", "x"]]),
    });
    const report = await importFluxIae(t.handle, zip);
    expect(report.format).toBe("fluxiae");
    expect(report.rejected).toBe(0);
    expect(report.warnings.map((w) => w.reason)).toEqual(["vue Missions non importée par Passerelle : fichier ignoré"]);
    const structure = await t.handle.db.selectFrom("structure").selectAll().where("asp_id", "=", 2855).executeTakeFirstOrThrow();
    expect(structure).toMatchObject({
      kind: "ACI",
      name: "CHANTIER DU LAMENTIN",
      siret: "41071771400035",
      commune_code: "97213",
      departement_code: "972",
      departement_asp_code: "972",
    });
    const motif = await t.handle.db.selectFrom("ref_exit_motif").selectAll().where("code", "=", 96).executeTakeFirstOrThrow();
    expect(motif).toMatchObject({ label: "CDI Inclusion", category_code: 2, confidence: "H" });
    const again = await importFluxIae(t.handle, zip);
    expect(again.inserted + again.updated).toBe(0);
    const staged = await sql<{ n: string }>`SELECT count(*)::text AS n FROM asp_structure`.execute(t.handle.db);
    expect(staged.rows[0]?.n).toBe("1");
  });
});

describe("FluxIAE AnnexeFinanciere — the structure's territory decides the barème", () => {
  let t: TestDatabase;
  const tmp = tempDir();
  const { header, rows } = sampleLines();
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t?.destroy();
    tmp.remove();
  });

  it("an AF of a Mayotte structure at the droit-commun amount is imported as the ASP has it, with a warning naming its line", async () => {
    const col = (name: string) => {
      const i = header.indexOf(name);
      if (i < 0) throw new Error(`no column ${name}`);
      return i;
    };
    // The Martinique ACI's 2022 AF (droit commun, 21,096 € — the 2021 amount, still in use in January 2022), moved to Mayotte.
    const source = rows.find(
      (r) => r[col("af_numero_annexe_financiere")] === "ACI972190115" && r[col("af_id_avenant_modification")] === "66240",
    );
    if (!source) throw new Error("sample row not found");
    const mayotte = (aspAfId: string, aspStructureId: string, prefix: string, amount: string) => {
      const r = [...source];
      r[col("af_id_avenant_modification")] = aspAfId;
      r[col("af_id_structure")] = aspStructureId;
      r[col("af_numero_annexe_financiere")] = prefix;
      r[col("af_montant_unitaire_annuel_valeur")] = amount;
      return r;
    };
    const file = tmp.write(
      "fluxIAE_AnnexeFinanciere_01022022_000000.csv",
      viewText("AnnexeFinanciere", header, [
        mayotte("990001", "990001", "ACI976220001", "21096.00"),
        mayotte("990002", "990002", "ACI976220002", "16067.00"),
        source,
      ]),
    );
    const report = await importFluxIae(t.handle, file);
    expect(report).toMatchObject({ inserted: 3, rejected: 0 });
    expect(report.warnings).toHaveLength(1);
    expect(report.warnings[0]).toMatchObject({ line: 3, column: "af_montant_unitaire_annuel_valeur" });
    expect(report.warnings[0]?.reason).toMatch(
      /ACI976220001A2M0 : montant unitaire 21096\.00 € du barème de droit commun.*barème de Mayotte \(16067\.00 €/,
    );
    const stored = await t.handle.db
      .selectFrom("financial_annex")
      .select("unit_amount")
      .where("number_prefix", "=", "ACI976220001")
      .executeTakeFirstOrThrow();
    expect(Number(stored.unit_amount)).toBe(21096);
  });
});
