// The demo's structures: the real SIAE of Pas-de-Calais in the ASP list of July 2019 (imported by
// the real list importer), the synthetic ones created in late 2019, and the group "Trajectoire".
import { readFileSync } from "node:fs";
import { validateSiret } from "../domain/identifiers/siret.js";
import { referencePath } from "../reference/loadReferenceFiles.js";

export const ASP_LIST_2019_07 = referencePath("les-emplois", "siae_lists", "2019_07_liste_siae.csv");

/** Header + the rows of one ASP département code (e.g. "062") of an ASP list file (';', first column MESURE, second CODE_DEPARTEMENT). */
export function aspListRowsOf(text: string, aspDepartement: string): { header: string; rows: string[] } {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines[0];
  if (header === undefined || !header.startsWith("MESURE;CODE_DEPARTEMENT;"))
    throw new Error("liste ASP : en-tête inattendu (MESURE;CODE_DEPARTEMENT;…)");
  return { header, rows: lines.slice(1).filter((l) => l.split(";")[1] === aspDepartement) };
}

export function readAspList2019Rows(aspDepartement: string): { header: string; rows: string[] } {
  return aspListRowsOf(readFileSync(ASP_LIST_2019_07, "utf8"), aspDepartement);
}

export interface SyntheticStructure {
  kind: "ACI" | "EI" | "ETTI";
  name: string;
  siret: string;
  communeCode: string;
  postalCode: string;
  createdOn: string;
}

/** SIRET of a synthetic structure: SIREN 99999xxxx (Luhn-valid), made up — the row is marked is_synthetic. */
export function syntheticSiret(n: number): string {
  const body = `99999${String(n).padStart(4, "0")}00001`.slice(0, 13);
  for (let d = 0; d <= 9; d++) {
    const candidate = `${body}${d}`;
    try {
      return validateSiret(candidate);
    } catch {
      // try the next check digit
    }
  }
  throw new Error(`no Luhn-valid SIRET for ${body}`);
}

/**
 * Structures created in late 2019 so that 122 are conventioned on 2 December 2019 (52 ACI, 27 AI,
 * 34 EI, 9 ETTI) — all in communes of the mining basin. Made up (is_synthetic = true).
 */
export const SYNTHETIC_STRUCTURES: readonly SyntheticStructure[] = [
  {
    kind: "ACI",
    name: "Les Jardins de la Gohelle (fictif)",
    siret: syntheticSiret(1),
    communeCode: "62498",
    postalCode: "62300",
    createdOn: "2019-09-01",
  },
  {
    kind: "ACI",
    name: "Terrils Verts Chantier d'insertion (fictif)",
    siret: syntheticSiret(2),
    communeCode: "62510",
    postalCode: "62800",
    createdOn: "2019-10-01",
  },
  {
    kind: "EI",
    name: "Rénov'Habitat Hénin (fictif)",
    siret: syntheticSiret(3),
    communeCode: "62427",
    postalCode: "62110",
    createdOn: "2019-09-01",
  },
  {
    kind: "EI",
    name: "Mobil'Emploi Carvin (fictif)",
    siret: syntheticSiret(4),
    communeCode: "62215",
    postalCode: "62220",
    createdOn: "2019-11-01",
  },
  {
    kind: "ETTI",
    name: "Intérim Solidaire de l'Artois (fictif)",
    siret: syntheticSiret(5),
    communeCode: "62119",
    postalCode: "62400",
    createdOn: "2019-10-01",
  },
];

/** The group "Trajectoire" of Bruay-la-Buissière: three real structures (SIRET, kind) and their shared site. */
export const TRAJECTOIRE = {
  name: "Trajectoire",
  description: "Ensemble de trois SIAE de Bruay-la-Buissière (ACI, ETTI, AI) partageant un site",
  members: [
    { siret: "40123378800025", kind: "ACI", name: "AVIEE" },
    { siret: "40854322100050", kind: "ETTI", name: "SARL INSERTIM" },
    { siret: "35402087700024", kind: "AI", name: "ASSOC TREMPLIN TRAVAIL SOLIDARITE" },
  ],
  site: { name: "Site Trajectoire", surfaceM2: 907, permanentStaff: 30, openedOn: "2019-12-02", communeCode: "62178", postalCode: "62700" },
} as const;

export interface RealStructureRef {
  key: string;
  kind: "ACI" | "AI" | "EI" | "ETTI";
  siret: string;
  postalCode: string | null;
  communeCode: string | null;
}

/**
 * Conventioning start of each real structure in the demo (the ASP list gives none): most before the
 * demo period (2005–2015), `recent` of them — never the Trajectoire members — in 2018–2019 so that
 * the dashboard shows structures created in the last two years. Deterministic for the seed.
 */
export function assignCreationDates(real: readonly RealStructureRef[], recent: number, seed: number): Map<string, string> {
  let s = seed >>> 0;
  const rand = () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 4294967296;
  };
  const trajectoire = new Set<string>(TRAJECTOIRE.members.map((m) => `${m.siret}|${m.kind}`));
  const candidates = [...real].filter((r) => !trajectoire.has(`${r.siret}|${r.kind}`)).sort((a, b) => a.key.localeCompare(b.key));
  const chosen = new Set<string>();
  while (chosen.size < Math.min(recent, candidates.length))
    chosen.add((candidates[Math.floor(rand() * candidates.length)] as RealStructureRef).key);
  const out = new Map<string, string>();
  for (const r of real) {
    if (chosen.has(r.key)) {
      const month = Math.floor(rand() * 18); // Jan 2018 … Jun 2019
      out.set(r.key, `${2018 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, "0")}-01`);
    } else {
      out.set(r.key, `${2005 + Math.floor(rand() * 11)}-${String(1 + Math.floor(rand() * 12)).padStart(2, "0")}-01`);
    }
  }
  return out;
}
