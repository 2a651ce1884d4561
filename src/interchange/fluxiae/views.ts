// The FluxIAE views Passerelle imports, how a file tells which view it holds (DEB marker, file name
// `fluxIAE_<View>_<DDMMYYYY>_<HHMMSS>.csv[.gz]`, or the column prefix of its header), and the order in
// which the views of a delivery are imported (referentials, then structures and AF, then people,
// contracts, monthly states, trainings, support) — iae-reference §7.1.

export const FLUXIAE_VIEWS = [
  "RefCategorieSort",
  "RefMotifSort",
  "RefMontantIae",
  "Structure",
  "AnnexeFinanciere",
  "Salarie",
  "ContratMission",
  "EtatMensuelIndiv",
  "Formations",
  "Accompagnement",
] as const;
export type FluxIaeView = (typeof FLUXIAE_VIEWS)[number];

/** Column prefix of each view (every column of the view starts with it). */
const PREFIXES: Record<FluxIaeView, string> = {
  RefCategorieSort: "rcs_",
  RefMotifSort: "rms_",
  RefMontantIae: "rmi_",
  Structure: "structure_",
  AnnexeFinanciere: "af_",
  Salarie: "salarie_",
  ContratMission: "contrat_",
  EtatMensuelIndiv: "emi_",
  Formations: "formation_",
  Accompagnement: "acc_",
};

/** Columns without which a view cannot be imported at all. */
export const REQUIRED_COLUMNS: Record<FluxIaeView, readonly string[]> = {
  RefCategorieSort: ["rcs_id", "rcs_code", "rcs_libelle"],
  RefMotifSort: ["rms_id", "rms_code", "rms_libelle", "rcs_id"],
  RefMontantIae: ["rmi_id", "rmi_code", "rmi_valeur"],
  Structure: ["structure_id_siae", "structure_denomination"],
  AnnexeFinanciere: [
    "af_id_structure",
    "af_mesure_dispositif_code",
    "af_numero_annexe_financiere",
    "af_numero_avenant_renouvellement",
    "af_numero_avenant_modification",
    "af_id_annexe_financiere",
    "af_id_avenant_modification",
    "af_etat_annexe_financiere_code",
    "af_date_debut_effet",
    "af_date_fin_effet",
  ],
  Salarie: ["salarie_id"],
  ContratMission: ["contrat_id_ctr", "contrat_id_pph", "contrat_id_structure", "contrat_mesure_disp_code", "contrat_date_embauche"],
  EtatMensuelIndiv: ["emi_afi_id", "emi_pph_id", "emi_ctr_id", "emi_sme_mois", "emi_sme_annee", "emi_nb_heures_travail"],
  Formations: ["formation_id_for", "formation_id_ctr", "formation_date_debut"],
  Accompagnement: [],
};

const LOWER: Record<string, FluxIaeView> = Object.fromEntries(FLUXIAE_VIEWS.map((v) => [v.toLowerCase(), v]));

export function viewFromMarker(marker: string | null): FluxIaeView | null {
  return marker ? (LOWER[marker.toLowerCase()] ?? null) : null;
}

/** `…/fluxIAE_EtatMensuelIndiv_07022022_063004.csv.gz` → EtatMensuelIndiv. */
export function viewFromName(name: string): { view: FluxIaeView | null; label: string | null } {
  const base = name.split(/[/:\\]/).pop() ?? name;
  const m = /^fluxIAE_([A-Za-z]+?)(?:_\d{8}_\d{6})?(?:_ASP)?(?:\.[a-z]+)*$/i.exec(base);
  if (!m?.[1]) return { view: null, label: null };
  return { view: LOWER[m[1].toLowerCase()] ?? null, label: m[1] };
}

/** The view whose prefix most header columns carry (at least half of them). */
export function viewFromHeader(header: readonly string[]): FluxIaeView | null {
  let best: FluxIaeView | null = null;
  let bestCount = 0;
  for (const view of FLUXIAE_VIEWS) {
    const prefix = PREFIXES[view];
    const count = header.filter((h) => h.toLowerCase().startsWith(prefix)).length;
    if (count > bestCount) {
      best = view;
      bestCount = count;
    }
  }
  return bestCount * 2 >= header.length ? best : null;
}

export function importOrder(view: FluxIaeView): number {
  return FLUXIAE_VIEWS.indexOf(view);
}
