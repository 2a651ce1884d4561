// Small FluxIAE files made for the tests (written to a temp folder, never committed).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { zipSync } from "fflate";
import { fictitiousNir } from "../../../src/demo/fictitiousNir.js";

export interface TempDir {
  dir: string;
  write(name: string, content: string | Uint8Array): string;
  writeGzip(name: string, content: string): string;
  writeZip(name: string, files: Record<string, string | Uint8Array>): string;
  remove(): void;
}

export function tempDir(): TempDir {
  const dir = mkdtempSync(path.join(tmpdir(), "passerelle-fluxiae-"));
  return {
    dir,
    write(name, content) {
      const p = path.join(dir, name);
      writeFileSync(p, content);
      return p;
    },
    writeGzip(name, content) {
      const p = path.join(dir, name);
      writeFileSync(p, gzipSync(Buffer.from(content, "utf8")));
      return p;
    },
    writeZip(name, files) {
      const p = path.join(dir, name);
      const data: Record<string, Uint8Array> = {};
      for (const [n, c] of Object.entries(files)) data[n] = typeof c === "string" ? new TextEncoder().encode(c) : c;
      writeFileSync(p, zipSync(data));
      return p;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A view file: optional DEB marker, header, rows, optional FIN line (n = rows unless given). */
export function viewText(
  view: string,
  header: readonly string[],
  rows: readonly (readonly (string | null)[])[],
  opts: { deb?: boolean; fin?: boolean | number; bom?: boolean } = {},
): string {
  const pad = "|".repeat(header.length - 1);
  const lines: string[] = [];
  if (opts.deb !== false) lines.push(`DEB${view}07022022_063004${pad}`);
  lines.push(header.join("|"));
  for (const r of rows) lines.push(r.map((v) => v ?? "").join("|"));
  if (opts.fin !== undefined && opts.fin !== false) lines.push(`FIN${opts.fin === true ? rows.length : opts.fin}${pad}`);
  return `${opts.bom ? "\ufeff" : ""}${lines.join("\n")}\n`;
}

export const AF_SAMPLE = path.resolve("test/fixtures/external/fluxiae/fluxIAE_AnnexeFinanciere_22022022_112211.csv.gz");
export const NIR_A = fictitiousNir(1, "1985-03-15", 1);
export const NIR_B = fictitiousNir(2, "1990-11-02", 2);

export const SALARIE = [
  "salarie_id",
  "salarie_rci_libelle",
  "salarie_nom_usage",
  "salarie_nom_naissance",
  "salarie_prenom",
  "salarie_date_naissance",
  "salarie_nir",
  "salarie_agrement",
  "salarie_adr_numero_voie",
  "salarie_adr_libelle_voie",
  "salarie_codeinseecom",
  "salarie_codepostalcedex",
  "salarie_commune",
  "salarie_adr_qpv_type",
  "salarie_adr_is_zrr",
];
export const CONTRAT = [
  "contrat_id_ctr",
  "contrat_id_pph",
  "contrat_id_structure",
  "contrat_mesure_disp_id",
  "contrat_mesure_disp_code",
  "contrat_type_contrat",
  "contrat_date_embauche",
  "contrat_date_fin_contrat",
  "contrat_date_sortie_definitive",
  "contrat_duree_hebdo_travail",
  "contrat_motif_sortie_id",
  "contrat_motif_sortie_code",
  "contrat_salarie_rsa",
  "contrat_salarie_rqth",
  "contrat_code_rome",
];
export const EMI = [
  "emi_date_creation",
  "emi_afi_id",
  "emi_sme_mois",
  "emi_sme_annee",
  "emi_esm_etat_code",
  "emi_pph_id",
  "emi_ctr_id",
  "emi_nb_heures_travail",
  "emi_nb_heures_facturees",
  "emi_mt_salaire_brut",
  "emi_date_validation",
  "emi_motif_sortie_code",
];

/** A small delivery of every view for the ACI of ASP id 2855 (Martinique, 972) of the February 2022 AF sample. */
export function deliveryFiles(): Record<string, string> {
  const text = gunzipSync(readFileSync(AF_SAMPLE)).toString("utf8");
  const lines = text.split("\n").filter((l) => l !== "");
  const header = (lines[1] ?? "").split("|");
  const af = lines
    .slice(2)
    .map((l) => l.split("|"))
    .filter((r) => r[0] === "2855" && r[3] === "ACI_DC");
  return {
    "fluxIAE_EtatMensuelIndiv_07022022_063004.csv": viewText(
      "EtatMensuelIndiv",
      EMI,
      [
        ["01/08/2018", "4764", "8", "2018", "VALIDE", "501", "9001", "120.00", "", "1450.50", "10/09/2018 08:00:00", ""],
        ["01/09/2018", "4764", "9", "2018", "VALIDE", "501", "9001", "130.50", "", "1570.00", "10/10/2018 08:00:00", ""],
        ["01/10/2018", "4764", "10", "2018", "VALIDE", "501", "9002", "140.00", "", "1650.00", "10/11/2018 08:00:00", "3"],
        ["01/10/2018", "4764", "10", "2018", "VALIDE", "502", "9003", "80.00", "", "900.00", "10/11/2018 08:00:00", ""],
        ["01/10/2018", "999999", "10", "2018", "VALIDE", "502", "9003", "10.00", "", "", "", ""],
      ],
      { fin: true },
    ),
    "fluxIAE_ContratMission_07022022_063004.csv": viewText(
      "ContratMission",
      CONTRAT,
      [
        [
          "9002",
          "501",
          "2855",
          "2",
          "ACI_DC",
          "1",
          "01/10/2018",
          "31/12/2018",
          "15/12/2018",
          "26:00",
          "3",
          "3",
          "OUI-NM",
          "false",
          "F1603",
        ],
        ["9001", "501", "2855", "2", "ACI_DC", "0", "01/08/2018", "30/09/2018", "", "26:00", "", "", "OUI-NM", "false", "F1603"],
        ["9003", "502", "2855", "2", "ACI_DC", "0", "01/10/2018", "31/03/2019", "", "20:00", "", "", "NON", "true", "N1103"],
      ],
      { fin: true },
    ),
    "fluxIAE_Salarie_07022022_063004.csv": viewText("Salarie", SALARIE, [
      [
        "501",
        "M.",
        "DURAND",
        "DURAND",
        "Paul",
        "15/03/1985",
        NIR_A,
        "999991812345",
        "3",
        "rue des Palmiers",
        "97213",
        "97232",
        "LE LAMENTIN",
        "QP",
        "false",
      ],
      ["502", "MME", "MARTIN", "LEROY", "Julie", "02/11/1990", NIR_B, "", "", "", "", "", "", "", ""],
    ]),
    "fluxIAE_AnnexeFinanciere_07022022_063004.csv": viewText("AnnexeFinanciere", header, af, { fin: true }),
    "fluxIAE_Formations_07022022_063004.csv": viewText(
      "Formations",
      [
        "formation_id_for",
        "formation_id_ctr",
        "formation_date_debut",
        "formation_date_fin",
        "formation_duree_jours",
        "formation_duree_heures",
        "formation_duree_minutes",
        "formation_objectif_for_code",
        "formation_type_for_code",
      ],
      [["7001", "9001", "03/09/2018", "07/09/2018", "5", "35", "30", "QUALIF", "INTERNE"]],
    ),
    "fluxIAE_Accompagnement_07022022_063004.csv": viewText(
      "Accompagnement",
      ["acc_afi_id", "acc_nb_sal_sante", "acc_nb_sal_hebergement"],
      [["4764", "3", "1"]],
    ),
    "fluxIAE_RefCategorieSort_07022022_063004.csv": viewText(
      "RefCategorieSort",
      ["rcs_id", "rcs_code", "rcs_libelle"],
      [["1", "1", "Emploi durable"]],
    ),
    "fluxIAE_RefMotifSort_07022022_063004.csv": viewText(
      "RefMotifSort",
      ["rms_id", "rms_code", "rms_libelle", "rcs_id"],
      [["3", "3", "Embauche en CDI non aidé", "1"]],
    ),
  };
}
