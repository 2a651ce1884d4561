import { DomainRuleError } from "../errors.js";

// Rule: the five SIAE kinds — iae-reference §1.1/§1.2
export const SIAE_KINDS = ["ACI", "AI", "EI", "ETTI", "EITI"] as const;
export type SiaeKind = (typeof SIAE_KINDS)[number];

// Rule: ASP mesure codes and ids (ref_mesure_v2: 1 AI_DC … 8 EITI_DC) — iae-reference §1.1
export const ASP_MESURES = {
  AI_DC: { id: 1, kind: "AI", penitentiary: false, countsForPosts: true },
  ACI_DC: { id: 2, kind: "ACI", penitentiary: false, countsForPosts: true },
  EI_DC: { id: 3, kind: "EI", penitentiary: false, countsForPosts: true },
  ETTI_DC: { id: 4, kind: "ETTI", penitentiary: false, countsForPosts: true },
  FDI_DC: { id: 5, kind: null, penitentiary: false, countsForPosts: false },
  EI_MP: { id: 6, kind: "EI", penitentiary: true, countsForPosts: true },
  ACI_MP: { id: 7, kind: "ACI", penitentiary: true, countsForPosts: true },
  EITI_DC: { id: 8, kind: "EITI", penitentiary: false, countsForPosts: true },
  // Rule: ACIPA_DC / EIPA_DC excluded by PA from ETP and exits (meaning "contrat passerelle" is [L]) — iae-reference §1.1
  ACIPA_DC: { id: null, kind: "ACI", penitentiary: false, countsForPosts: false },
  EIPA_DC: { id: null, kind: "EI", penitentiary: false, countsForPosts: false },
} as const satisfies Record<string, { id: number | null; kind: SiaeKind | null; penitentiary: boolean; countsForPosts: boolean }>;

export type AspMesure = keyof typeof ASP_MESURES;

export function parseSiaeKind(value: string): SiaeKind {
  const v = value.trim().toUpperCase();
  if ((SIAE_KINDS as readonly string[]).includes(v)) return v as SiaeKind;
  throw new DomainRuleError("structure.kind", value, "type de SIAE inconnu (ACI, AI, EI, ETTI, EITI)");
}

export function parseAspMesure(value: string): AspMesure {
  const v = value.trim().toUpperCase();
  if (Object.hasOwn(ASP_MESURES, v)) return v as AspMesure;
  throw new DomainRuleError("structure.mesure", value, "mesure ASP inconnue");
}

// Rule: kind = mesure code without _DC/_MP; FDI has no kind — iae-reference §1.1/§10
export function kindOfMesure(mesure: string): SiaeKind | null {
  return ASP_MESURES[parseAspMesure(mesure)].kind;
}

// Rule: FDI_DC (grants) and ACIPA/EIPA are excluded from posts, ETP and exits — iae-reference §1.1/§3.2/§6.3
export function mesureCountsForPosts(mesure: string): boolean {
  return ASP_MESURES[parseAspMesure(mesure)].countsForPosts;
}

// Rule: LE maps kind → ASP mesure (droit commun) — iae-reference §1.1
export function mesureOfKind(kind: SiaeKind, penitentiary = false): AspMesure {
  if (penitentiary) {
    if (kind === "ACI") return "ACI_MP";
    if (kind === "EI") return "EI_MP";
    throw new DomainRuleError("structure.mesurePenitentiary", kind, "seuls ACI et EI existent en milieu pénitentiaire");
  }
  return `${kind}_DC` as AspMesure;
}

export function mesureFromId(id: number): AspMesure {
  for (const [code, m] of Object.entries(ASP_MESURES)) if (m.id === id) return code as AspMesure;
  throw new DomainRuleError("structure.mesureId", id, "identifiant de mesure ASP inconnu (1..8)");
}
