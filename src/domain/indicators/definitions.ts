/** French definitions displayed by the API and the report; the SQL twin must implement exactly these. */
export const INDICATOR_DEFINITIONS = {
  structures: {
    label: "Structures conventionnées",
    definition:
      "Nombre de couples distincts (structure, type de SIAE) ayant au moins une annexe financière comptée (version courante, état VALIDE, PROVISOIRE ou CLÔTURÉ, hors FDI) dont la période couvre la date d'observation.",
  },
  etpConventionnes: {
    label: "ETP conventionnés",
    definition: "Somme, sur les annexes financières comptées, des ETP d'insertion conventionnés × nombre de mois de l'annexe compris dans la période ÷ 12.",
  },
  etpRealises: {
    label: "ETP réalisés",
    definition: "Somme des heures travaillées déclarées dans les états mensuels de la période (annexes comptées) ÷ durée annuelle d'un ETP portée par l'annexe de chaque déclaration.",
  },
  tauxRealisation: {
    label: "Taux de réalisation",
    definition: "ETP réalisés ÷ ETP conventionnés de la période ; une version plafonnée à 100 % est aussi fournie. Non calculé sans ETP conventionné.",
  },
  peoplePresent: {
    label: "Salariés présents",
    definition: "Nombre de personnes distinctes (NIR haché) ayant au moins 1 heure travaillée sur la période dans une annexe comptée.",
  },
  peopleEntered: {
    label: "Salariés entrés",
    definition: "Nombre de personnes distinctes ayant un contrat initial (rang 0, hors renouvellements) dont la date d'embauche est dans la période.",
  },
  rsaShare: {
    label: "Part de bénéficiaires du RSA",
    definition: "Parmi les salariés entrés, part de ceux dont le contrat initial indique une perception du RSA (OUI-M majoré ou OUI-NM non majoré).",
  },
  exitsExamined: {
    label: "Sorties examinées",
    definition:
      "Recrutements (contrat initial et renouvellements) dont la sortie définitive est dans la période et qui atteignent le seuil : ACI/EI au moins 1 heure et durée > 2,65 mois (jours × 0,0328767) ; AI/ETTI au moins 150 heures ; EITI au moins 1 heure. Les retraits des sorties constatées sont exclus.",
  },
  dynamicRate: {
    label: "Taux de sorties dynamiques",
    definition: "(Emploi durable + emploi de transition + sorties positives) ÷ sorties examinées. Objectif national : 60 %.",
  },
  durableRate: { label: "Taux de sorties en emploi durable", definition: "Sorties en emploi durable ÷ sorties examinées. Objectif national : 25 %." },
  transitionRate: { label: "Taux de sorties en emploi de transition", definition: "Sorties en emploi de transition ÷ sorties examinées." },
  positiveRate: { label: "Taux de sorties positives", definition: "Sorties positives ÷ sorties examinées." },
  budget: {
    label: "Enveloppe (aide au poste)",
    definition:
      "Somme, sur les annexes comptées, du montant total de l'annexe × mois de l'annexe dans la période ÷ mois de l'annexe ; part État = total − montant cofinancé (conseil départemental), proratisé de la même façon. Hors part modulée.",
  },
} as const satisfies Record<string, { label: string; definition: string }>;

export type IndicatorKey = keyof typeof INDICATOR_DEFINITIONS;
