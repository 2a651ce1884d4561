// Columns of the ASP lists of conventioned SIAE. The July 2019 layout is
//   MESURE;CODE_DEPARTEMENT;LIBELLE_DPT;CODE_POSTAL;COMMUNE;CODE_NAF2;NATURE_JURIDIQUE;SIRET;
//   DENOMINATION_SOCIALE;NUM_RUE;NOM_RUE;CODE_POST_COM;LIB_COM;TELEPHONE;MAIL_SIAE
// (data/reference/les-emplois/siae_lists/2019_07_liste_siae.csv); other lists name the same things
// differently, so columns are found by header name (normalizeHeader: accents, case, spacing) and synonyms.
import type { ColumnSpec } from "../text/headerMatch.js";

export type AspListColumn =
  | "kind"
  | "siret"
  | "name"
  | "departement"
  | "postalCode"
  | "commune"
  | "communeCode"
  | "streetNumber"
  | "streetName"
  | "address"
  | "phone"
  | "email"
  | "naf"
  | "legalForm";

/** A column the import reads when present (address, contact, activity): found by its synonyms. */
function optional(key: AspListColumn, label: string, synonyms: readonly string[]): ColumnSpec<AspListColumn> {
  return { key, label, required: false, synonyms };
}

export const ASP_LIST_COLUMNS: readonly ColumnSpec<AspListColumn>[] = [
  {
    key: "kind",
    label: "type de structure (MESURE)",
    required: true,
    synonyms: [
      "mesure",
      "type_structure",
      "type_siae",
      "type_de_structure",
      "type",
      "kind",
      "dispositif",
      "mesure_dispositif",
      "af_mesure_dispositif_code",
      "categorie",
    ],
  },
  {
    key: "siret",
    label: "SIRET",
    required: true,
    synonyms: [
      "siret",
      "n_siret",
      "no_siret",
      "num_siret",
      "numero_siret",
      "siret_structure",
      "siret_siae",
      "siret_signature",
      "structure_siret_actualise",
    ],
  },
  {
    key: "name",
    label: "dénomination (DENOMINATION_SOCIALE)",
    required: true,
    synonyms: [
      "denomination_sociale",
      "denomination",
      "raison_sociale",
      "nom_structure",
      "nom_de_la_structure",
      "nom_siae",
      "nom",
      "structure",
      "structure_denomination",
      "enseigne",
    ],
  },
  {
    key: "departement",
    label: "code département (CODE_DEPARTEMENT)",
    required: true,
    synonyms: [
      "code_departement",
      "code_dpt",
      "code_dept",
      "code_dep",
      "departement",
      "dpt",
      "dept",
      "dep",
      "num_departement",
      "numero_departement",
      "no_departement",
    ],
  },
  optional("postalCode", "code postal", ["code_postal", "cp", "code_post_com", "codepostal", "code_postal_commune"]),
  optional("commune", "commune", ["commune", "lib_com", "ville", "libelle_commune", "nom_commune", "localite"]),
  optional("communeCode", "code commune INSEE", ["code_insee", "code_commune_insee", "code_commune", "insee", "code_insee_commune"]),
  optional("streetNumber", "numéro de voie", ["num_rue", "numero_rue", "numero_voie", "num_voie", "no_voie", "numero"]),
  optional("streetName", "voie", ["nom_rue", "libelle_voie", "nom_voie", "rue", "voie"]),
  optional("address", "adresse", ["adresse", "adresse_postale", "adresse_structure"]),
  optional("phone", "téléphone", ["telephone", "tel", "telephone_siae", "tel_siae", "telephone_structure"]),
  optional("email", "courriel", ["mail_siae", "mail", "email", "e_mail", "courriel", "adresse_mail", "adresse_electronique"]),
  optional("naf", "code NAF", ["code_naf2", "code_naf", "naf", "code_ape", "ape", "naf_code"]),
  optional("legalForm", "nature juridique", ["nature_juridique", "forme_juridique", "categorie_juridique", "statut_juridique"]),
];
