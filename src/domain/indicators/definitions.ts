/** French definitions displayed by the API and the report; the SQL twin must implement exactly these. */
export const INDICATOR_DEFINITIONS = {
  structures: {
    label: "Structures conventionnées",
    definition:
      "Nombre de couples distincts (structure, type de SIAE) ayant au moins une annexe financière comptée (version courante, état VALIDE, PROVISOIRE ou CLÔTURÉ, hors FDI) dont la période couvre la date d'observation.",
  },
  etpConventionnes: {
    label: "ETP conventionnés",
    definition:
      "Somme, sur les annexes financières comptées, des ETP d'insertion conventionnés × nombre de mois de l'annexe compris dans la période ÷ 12.",
  },
  etpRealises: {
    label: "ETP réalisés",
    definition:
      "Somme des heures travaillées déclarées dans les états mensuels de la période (annexes comptées) ÷ durée annuelle d'un ETP portée par l'annexe de chaque déclaration.",
  },
  tauxRealisation: {
    label: "Taux de réalisation",
    definition:
      "ETP réalisés ÷ ETP conventionnés de la période ; une version plafonnée à 100 % est aussi fournie. Non calculé sans ETP conventionné.",
  },
  peoplePresent: {
    label: "Salariés présents",
    definition: "Nombre de personnes distinctes (NIR haché) ayant au moins 1 heure travaillée sur la période dans une annexe comptée.",
  },
  peopleEntered: {
    label: "Salariés entrés",
    definition:
      "Nombre de personnes distinctes ayant un contrat initial (rang 0, hors renouvellements) dont la date d'embauche est dans la période.",
  },
  rsaShare: {
    label: "Part de bénéficiaires du RSA",
    definition:
      "Parmi les salariés présents (au moins 1 heure sur la période), part de ceux dont un contrat en cours sur la période, dans une structure où ils ont travaillé, indique une perception du RSA (OUI-M majoré ou OUI-NM non majoré).",
  },
  rsaShareEntered: {
    label: "Part de bénéficiaires du RSA parmi les entrés",
    definition:
      "Parmi les salariés entrés, part de ceux dont le contrat initial indique une perception du RSA à l'embauche (OUI-M majoré ou OUI-NM non majoré).",
  },
  exitsExamined: {
    label: "Sorties examinées",
    definition:
      "Recrutements (contrat initial et renouvellements) dont la sortie définitive est dans la période et qui atteignent le seuil : ACI/EI au moins 1 heure travaillée dans l'année civile de la sortie et durée > 2,65 mois (jours × 0,0328767) ; AI/ETTI au moins 150 heures sur la dernière annexe ; EITI au moins 1 heure dans l'année de la sortie. Les retraits des sorties constatées sont exclus.",
  },
  dynamicRate: {
    label: "Taux de sorties dynamiques",
    definition: "(Emploi durable + emploi de transition + sorties positives) ÷ sorties examinées. Objectif national : 60 %.",
  },
  durableRate: {
    label: "Taux de sorties en emploi durable",
    definition: "Sorties en emploi durable ÷ sorties examinées. Objectif national : 25 %.",
  },
  transitionRate: { label: "Taux de sorties en emploi de transition", definition: "Sorties en emploi de transition ÷ sorties examinées." },
  positiveRate: { label: "Taux de sorties positives", definition: "Sorties positives ÷ sorties examinées." },
  budget: {
    label: "Enveloppe (aide au poste)",
    definition:
      "Somme, sur les annexes comptées, du montant total de l'annexe × mois de l'annexe dans la période ÷ mois de l'annexe ; part État = total − montant cofinancé (conseil départemental), proratisé de la même façon. Hors part modulée.",
  },
  structuresCreated: {
    label: "Structures créées sur la période",
    definition:
      "Nombre de structures (par type de SIAE) dont la date de premier conventionnement (date de création) est comprise dans la période.",
  },
  structuresCreatedLast2Years: {
    label: "Structures créées au cours des deux dernières années",
    definition:
      "Parmi les structures conventionnées à la date d'observation, celles dont la date de création est comprise entre le 1er janvier de l'année précédente et la date d'observation.",
  },
  budgetByFundingLine: {
    label: "Enveloppe par ligne de financement",
    definition:
      "Pour chaque ligne de financement (aide au poste de droit commun, ERBM, plan pauvreté, conseil départemental…), somme des montants portés par les annexes comptées, proratisés sur les mois de la période comme l'enveloppe totale.",
  },
  modulatedPart: {
    label: "Part modulée",
    definition:
      "Somme des montants de part modulée (0 à 10 % de l'aide, versée en plus du montant de l'annexe) des annexes comptées, proratisés sur les mois de la période.",
  },
  amountPerEtp: {
    label: "Montant par ETP",
    definition: "Enveloppe de la période (totale ou part État) ÷ ETP conventionnés de la période.",
  },
  followUpEmployedRate: {
    label: "En emploi après la sortie (à 6 et 12 mois)",
    definition:
      "Sorties (hors retraits) dont le suivi à 6 ou 12 mois tombe dans la période (date de sortie + 6 ou 12 mois) : part des personnes en emploi (CDI, CDD, intérim) parmi celles dont la situation est connue ; en emploi durable : CDI ou CDD de 6 mois ou plus. Aussi par catégorie de la sortie. La part de situations inconnues (non renseignées ou « inconnue ») est toujours donnée. Hors de la structure, aucun chiffre portant sur moins de 5 personnes n'est publié.",
  },
  change: {
    label: "Évolution",
    definition:
      "Écart avec la période précédente de même durée (l'année précédente pour une année, les mois précédents pour une période en mois entiers) : différence et variation relative (non calculée si la valeur précédente est nulle).",
  },
} as const satisfies Record<string, { label: string; definition: string }>;

export type IndicatorKey = keyof typeof INDICATOR_DEFINITIONS;
