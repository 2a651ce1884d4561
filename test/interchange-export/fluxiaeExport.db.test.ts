import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportFluxiaeView } from "../../src/interchange/fluxiae-export/exportFluxiaeView.js";
import { PASSERELLE_ID_OFFSET } from "../../src/interchange/fluxiae-export/views.js";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";
import { buildDataset, type Dataset, NIR, pii, readFluxiae } from "./dataset.js";

let t: TestDatabase;
let data: Dataset;
let dir: string;
const actor = { userId: null, label: "test" };
const now = new Date("2022-03-15T10:20:30Z");

beforeAll(async () => {
  t = await createTestDatabase();
  data = await buildDataset(t.handle);
  dir = mkdtempSync(path.join(tmpdir(), "passerelle-fluxiae-export-"));
});
afterAll(async () => {
  await t?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const exportText = async (
  view: Parameters<typeof exportFluxiaeView>[1]["view"],
  extra: Partial<Parameters<typeof exportFluxiaeView>[1]> = {},
) => {
  const out = path.join(dir, `${view}-${Math.random().toString(36).slice(2)}.csv`);
  const result = await exportFluxiaeView(t.handle, { view, out, actor, now, pageSize: 1, ...extra });
  return { result, text: readFileSync(out, "utf8"), out };
};

describe("export fluxiae (FluxIAE format written from Passerelle's data)", () => {
  it("AnnexeFinanciere: DEB/header/FIN markers, 128 columns, every version with its state, ETP, amounts and dates", async () => {
    const { result, text } = await exportText("AnnexeFinanciere");
    const f = readFluxiae(text);
    expect(f.deb).toBe(`DEBAnnexeFinanciere15032022_112030${"|".repeat(127)}`);
    expect(f.header).toHaveLength(128);
    expect(f.header).toContain("af_nb_banques numeric");
    expect(f.fin).toBe(3);
    expect(result.rows).toBe(3);
    const byNumber = f.rows.map(
      (r) =>
        `${r["af_numero_annexe_financiere"]}A${r["af_numero_avenant_renouvellement"]}M${r["af_numero_avenant_modification"]}:${r["af_etat_annexe_financiere_code"]}`,
    );
    expect(byNumber.slice(0, 2)).toEqual(["ACI062220001A0M0:HISTORISE", "ACI062220001A0M1:VALIDE"]);
    const current = f.rows[1] ?? {};
    const annex = await t.handle.db.selectFrom("financial_annex").selectAll().where("id", "=", data.annex).executeTakeFirstOrThrow();
    expect(current).toMatchObject({
      af_etp_postes_insertion: "12.25",
      af_montant_unitaire_annuel_valeur: annex.unit_amount,
      af_montant_total_annuel: annex.total_amount,
      af_duree_heure_annuel_etp_valeur: annex.annual_hours,
      af_date_debut_effet: "01/01/2022",
      af_date_fin_effet: "31/12/2022",
      af_mesure_dispositif_code: "ACI_DC",
      af_mesure_dispositif_id: "2",
      af_etat_annexe_financiere_id: "3",
      af_indic_cofinancement: "false",
      af_id_avenant_modification: String(PASSERELLE_ID_OFFSET + data.annex),
      af_id_structure: String(PASSERELLE_ID_OFFSET + data.aci),
      af_date_etat_valide: "15/03/2022",
    });
    expect(f.rows[0]?.["af_numero_convention"]).toBe("062 010122 ACI 00001");
    // The versions of one AF share its af_id_annexe_financiere (the lowest version id), each keeps its own version id.
    expect(f.rows[0]?.["af_id_annexe_financiere"]).toBe(f.rows[1]?.["af_id_annexe_financiere"]);
    expect(f.rows[0]?.["af_id_avenant_modification"]).not.toBe(f.rows[1]?.["af_id_avenant_modification"]);
    // The AI shares the ACI's SIRET: FluxIAE knows one structure id per SIRET.
    expect(f.rows[2]?.["af_id_structure"]).toBe(String(PASSERELLE_ID_OFFSET + data.aci));
  });

  it("AnnexeFinanciere: columns kept in financial_annex.extra by the importer (unmapped, or raw text that would not render back) are written from it", async () => {
    await t.handle.db
      .updateTable("financial_annex")
      .set({
        asp_af_id: 4348,
        extra: JSON.stringify({
          af_id_annexe_financiere: "4080",
          af_etp_postes_insertion: null,
          af_nb_effectif_total_annee_prec: "285",
          af_duree_collective_hebdo: "35:00",
          af_description_action: "ligne 1\nligne | 2",
        }),
      })
      .where("id", "=", data.annex)
      .execute();
    const f = readFluxiae((await exportText("AnnexeFinanciere")).text);
    expect(f.rows[1]).toMatchObject({
      af_id_annexe_financiere: "4080",
      af_id_avenant_modification: "4348",
      af_etp_postes_insertion: "",
      af_nb_effectif_total_annee_prec: "285",
      af_duree_collective_hebdo: "35:00",
      af_description_action: "ligne 1 ligne \u00a6 2",
    });
  });

  it("Structure: one row per SIRET, 37 columns, `|` inside a value never breaks the row", async () => {
    const f = readFluxiae((await exportText("Structure")).text);
    expect(f.header).toHaveLength(37);
    expect(f.rows).toHaveLength(1);
    expect(f.rows[0]).toMatchObject({
      structure_id_siae: String(PASSERELLE_ID_OFFSET + data.aci),
      structure_siret_signature: "41071771400035",
      structure_denomination: "Chantier \u00a6 Bruaysien",
      structure_adresse_gestion_code_insee: "62178",
      structure_adresse_gestion_cp: "62700",
    });
  });

  it("Salarie: no NIR nor PASS number unless the export is authorised; an authorised export decrypts them and is audited", async () => {
    const plain = await exportText("Salarie");
    expect(plain.text).not.toContain(NIR);
    expect(plain.text).not.toContain(data.passNumber);
    const f = readFluxiae(plain.text);
    expect(f.rows).toHaveLength(1);
    expect(f.rows[0]).toMatchObject({
      salarie_id: String(PASSERELLE_ID_OFFSET + data.person),
      salarie_rci_libelle: "MME",
      salarie_nom_usage: "Lefèvre-Dupont",
      salarie_date_naissance: "12/06/1985",
      salarie_nir: "",
      salarie_agrement: "",
      salarie_code_dpt: "062",
    });
    const before = await t.handle.db.selectFrom("audit_event").select("id").where("action", "=", "export.fluxiae.personal_data").execute();
    expect(before).toHaveLength(0);
    const authorised = readFluxiae((await exportText("Salarie", { personalData: pii })).text);
    expect(authorised.rows[0]).toMatchObject({ salarie_nir: NIR, salarie_agrement: data.passNumber });
    const audit = await t.handle.db
      .selectFrom("audit_event")
      .select(["after"])
      .where("action", "=", "export.fluxiae.personal_data")
      .execute();
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(NIR);
  });

  it("ContratMission and EtatMensuelIndiv: ids join across views, renewal rank, exit, durations HH:MM", async () => {
    const contracts = readFluxiae((await exportText("ContratMission")).text).rows;
    expect(contracts).toHaveLength(2);
    expect(contracts[0]).toMatchObject({
      contrat_id_ctr: String(PASSERELLE_ID_OFFSET + data.contract),
      contrat_id_pph: String(PASSERELLE_ID_OFFSET + data.person),
      contrat_id_structure: String(PASSERELLE_ID_OFFSET + data.aci),
      contrat_type_contrat: "0",
      contrat_date_embauche: "01/02/2022",
      contrat_duree_hebdo_travail: "26:30",
      contrat_salarie_rsa: "OUI-NM",
      contrat_orienteur_code: "03",
      contrat_mesure_disp_code: "ACI_DC",
    });
    expect(contracts[1]).toMatchObject({
      contrat_type_contrat: "1",
      contrat_date_sortie_definitive: "30/11/2022",
      contrat_motif_sortie_code: "3",
    });
    const emi = readFluxiae((await exportText("EtatMensuelIndiv")).text);
    expect(emi.header).toHaveLength(31);
    expect(
      emi.rows.map((r) => [
        r["emi_sme_annee"],
        r["emi_sme_mois"],
        r["emi_nb_heures_travail"],
        r["emi_afi_id"],
        r["emi_ctr_id"],
        r["emi_pph_id"],
      ]),
    ).toEqual([
      ["2022", "2", "110", "4080", String(PASSERELLE_ID_OFFSET + data.contract), String(PASSERELLE_ID_OFFSET + data.person)],
      ["2022", "3", "112", "4080", String(PASSERELLE_ID_OFFSET + data.contract), String(PASSERELLE_ID_OFFSET + data.person)],
    ]);
  });

  it("referentials RefMotifSort / RefCategorieSort: motif → category from the referential tables", async () => {
    const motifs = readFluxiae((await exportText("RefMotifSort")).text);
    const categories = readFluxiae((await exportText("RefCategorieSort")).text);
    const refMotifs = await t.handle.db.selectFrom("ref_exit_motif").select(["code", "category_code"]).execute();
    expect(motifs.rows).toHaveLength(refMotifs.length);
    expect(motifs.rows.find((r) => r["rms_code"] === "3")?.["rcs_id"]).toBe(String(refMotifs.find((m) => m.code === 3)?.category_code));
    expect(categories.rows.length).toBeGreaterThanOrEqual(5);
  });

  it("gzip when the file ends with .gz; a failing export leaves no file behind", async () => {
    const out = path.join(dir, "fluxIAE_EtatMensuelIndiv.csv.gz");
    const r = await exportFluxiaeView(t.handle, { view: "EtatMensuelIndiv", out, actor, now });
    expect(r.gzip).toBe(true);
    expect(readFluxiae(gunzipSync(readFileSync(out)).toString("utf8")).fin).toBe(2);
    const bad = path.join(dir, "missing-folder", "x.csv");
    await expect(exportFluxiaeView(t.handle, { view: "Structure", out: bad, actor, now })).rejects.toThrow();
    expect(existsSync(bad)).toBe(false);
    expect(existsSync(`${bad}.partial`)).toBe(false);
  });
});
