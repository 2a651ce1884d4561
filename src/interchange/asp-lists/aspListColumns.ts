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
  {
    key: "postalCode",
    label: "code postal",
    required: false,
    synonyms: ["code_postal", "cp", "code_post_com", "codepostal", "code_postal_commune"],
  },
  {
    key: "commune",
    label: "commune",
    required: false,
    synonyms: ["commune", "lib_com", "ville", "libelle_commune", "nom_commune", "localite"],
  },
  {
    key: "communeCode",
    label: "code commune INSEE",
    required: false,
    synonyms: ["code_insee", "code_commune_insee", "code_commune", "insee", "code_insee_commune"],
  },
  {
    key: "streetNumber",
    label: "numéro de voie",
    required: false,
    synonyms: ["num_rue", "numero_rue", "numero_voie", "num_voie", "no_voie", "numero"],
  },
  { key: "streetName", label: "voie", required: false, synonyms: ["nom_rue", "libelle_voie", "nom_voie", "rue", "voie"] },
  { key: "address", label: "adresse", required: false, synonyms: ["adresse", "adresse_postale", "adresse_structure"] },
  {
    key: "phone",
    label: "téléphone",
    required: false,
    synonyms: ["telephone", "tel", "telephone_siae", "tel_siae", "telephone_structure"],
  },
  {
    key: "email",
    label: "courriel",
    required: false,
    synonyms: ["mail_siae", "mail", "email", "e_mail", "courriel", "adresse_mail", "adresse_electronique"],
  },
  { key: "naf", label: "code NAF", required: false, synonyms: ["code_naf2", "code_naf", "naf", "code_ape", "ape", "naf_code"] },
  {
    key: "legalForm",
    label: "nature juridique",
    required: false,
    synonyms: ["nature_juridique", "forme_juridique", "categorie_juridique", "statut_juridique"],
  },
];
