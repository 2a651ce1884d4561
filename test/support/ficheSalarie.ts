// A complete fiche salarié complement (birth commune, situation at hiring and the seven situation flags the ASP
// requires since November 2025): the fields a SIAE fills in before its fiches can be sent. Shared by the
// record builder, export, API and browser tests so that a new ASP field is added in one place.
export const COMPLETE_FICHE_FIELDS = {
  birthCommuneCode: "62178",
  salarieEnEmploi: false,
  salarieSansEmploiDepuis: "04",
  salarieSansRessource: false,
  inscritPoleEmploi: true,
  inscritPoleEmploiDepuis: "03",
  numeroIDE: "1234567A",
  salarieOETH: false,
  salarieAideSociale: false,
  salarieBenefRSADepuis: "02",
  salarieBenefASS: false,
  salarieBenefAAH: false,
  salarieSortantASE: false,
  salarieParentIsole: false,
  salarieHebergement: false,
  salarieRefugie: false,
  salarieSortantDetention: false,
  salarieLangueFrancaise: false,
  salarieMobilite: false,
} as const;
