import type { Territory } from "./bareme.js";

/** INSEE code of Mayotte's département. */
export const MAYOTTE_DEPARTEMENT = "976";

/**
 * Rule: the territory whose barème applies to a structure's AF: Mayotte when the structure is in
 * département 976 (the arrêtés set Mayotte's own amounts for every kind), else "penitentiaire" for a
 * structure in a prison, else droit commun — arrêtés fixing the aide au poste (e.g. arr. 26 avril 2021,
 * "… aux dispositifs d'insertion implantés en milieu pénitentiaire et à Mayotte"), iae-reference §2.3.
 * A prison structure in Mayotte takes the Mayotte amounts (the prison rows are only for the other
 * territories); its modulated part keeps the prison cap (see modulationTerritory).
 */
export function baremeTerritory(structure: { departementCode: string; penitentiary: boolean }): Territory {
  if (structure.departementCode.trim() === MAYOTTE_DEPARTEMENT) return "mayotte";
  return structure.penitentiary ? "penitentiaire" : "droit_commun";
}

/** Territory that sets the modulated part's cap (5 % in prisons, 10 % elsewhere — iae-reference §2.2). */
export function modulationTerritory(structure: { departementCode: string; penitentiary: boolean }): Territory {
  return structure.penitentiary ? "penitentiaire" : baremeTerritory(structure);
}
