// ASP code lists of the fiche salarié's situationSalarie, with their labels for the complement form — one copy,
// read by the pre-send validation (buildRecord.ts) and by the complement operation (completeFicheSalarie.ts).
// Sources: les-emplois itou/asp/models.py (AllocationDuration = ASP ref_duree_allocation_emploi_v2.csv,
// EITIContributions), itou/users/models.py (labels of the situation fields), itou/employee_record/serializers.py
// (which fields the ASP requires, for which mesure).

/** Durations "depuis" (sans emploi, inscrit à France Travail, RSA, ASS, AAH, ARE, prime d'activité). */
export const DURATION_CODES = {
  "01": "Moins de 6 mois",
  "02": "De 6 à 11 mois",
  "03": "De 12 à 23 mois",
  "04": "24 mois et plus",
} as const;
export type DurationCode = keyof typeof DURATION_CODES;

/** salarieTypeEmployeur: the previous employer's kind (ASP ref_type_employeur_v3.csv, les-emplois itou/asp/models.py EmployerType). */
export const EMPLOYER_TYPES = {
  "01": "Entreprise d'insertion",
  "02": "Entreprise de travail temporaire d'insertion",
  "03": "Association intermédiaire",
  "04": "Atelier chantier d'insertion",
  "05": "Établissement et service d'aide par le travail",
  "06": "Entreprise adaptée",
  "07": "Autre",
} as const;

/** codeextensionvoie: bis, ter, quater, quinquies (ASP address format, iae-reference §7.2). */
export const ADDRESS_EXTENSIONS = { B: "bis", T: "ter", Q: "quater", C: "quinquies" } as const;

/** cotisationsTI of an EITI worker; "06" is what the ASP takes when it is not known (les-emplois's default). */
export const EITI_CONTRIBUTION_CODES = {
  "01": "Achat/revente de marchandises",
  "02": "Prestations de services commerciales et artisanales",
  "03": "Autres prestations de services",
  "04": "Professions libérales règlementées relevant de la Cipav",
  "05": "Locations de meublés de tourisme classés",
  "06": "Non déterminé (contrat établi avant 2025)",
} as const;
export type EitiContributionCode = keyof typeof EITI_CONTRIBUTION_CODES;
export const EITI_CONTRIBUTION_UNDETERMINED: EitiContributionCode = "06";

/**
 * The seven situation flags the ASP requires for every mesure since November 2025 (booleans), with the labels of
 * les-emplois (itou/users/models.py, added by commit 64a10c869, Dec 2025). salarieLangueFrancaise: "maîtrise de la
 * langue française inférieure au niveau A1" is les-emplois's wording; the change of meaning the ASP announced for
 * July 2026 is not written in les-emplois nor in iae-reference [L]: the form shows this label, check it against the
 * ASP's current specification.
 */
export const SITUATION_FLAGS = {
  salarieSortantASE: "Sortant de l'ASE (Aide Sociale à l'Enfance)",
  salarieParentIsole: "Parent isolé",
  salarieHebergement: "Personne sans hébergement ou hébergée ou ayant un parcours de rue",
  salarieRefugie: "Réfugié statutaire ou bénéficiaire de la protection subsidiaire",
  salarieSortantDetention: "Sortant de détention ou personne placée sous main de justice",
  salarieLangueFrancaise: "Maîtrise de la langue française inférieure au niveau A1",
  salarieMobilite: "Problème de mobilité",
} as const;
export type SituationFlag = keyof typeof SITUATION_FLAGS;

/** Fields required for EITI only ("null" for the other mesures), with their labels. */
export const EITI_FIELDS = {
  salarieBenefARE: "Bénéficiaire de l'ARE",
  salarieBenefAREDepuis: "Bénéficiaire de l'ARE depuis",
  salarieBenefPrimeActivite: "Bénéficiaire de la prime d'activité",
  salarieBenefPrimeActiviteDepuis: "Bénéficiaire de la prime d'activité depuis",
  salarieBenefCAPE: "Bénéficiaire d'un CAPE",
  salarieBenefCESA: "Bénéficiaire d'un CESA",
  nomActeurCreationEntr: "Acteur de la création d'entreprise rencontré",
  revenuMensuelMoyenTI: "Revenu net mensuel moyen de l'année précédant l'entrée (€)",
  cotisationsTI: "Taux de cotisation du travailleur indépendant",
} as const;

/** The mesures that have fiches salarié: droit commun only (les-emplois SiaeMeasure codes sent to the ASP). */
export const FICHE_MESURES = ["ACI_DC", "AI_DC", "EI_DC", "ETTI_DC", "EITI_DC"] as const;
