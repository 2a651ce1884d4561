// ASP nomenclatures used by the fiche salarié validation that are not database tables: countries
// (code INSEE pays → groupe pays), street types, street number extensions. Read once from the ASP
// referential files shipped in data/reference/les-emplois/asp_reference/ (`;`, UTF-8, iae-reference §7.1).
import { readFileSync } from "node:fs";
import { parseSemicolonCsv } from "../../domain/referenceData/csv.js";
import { referencePath } from "../../reference/loadReferenceFiles.js";
import { foldAscii } from "./aspText.js";

export interface FicheReferentials {
  /** codeInseePays (3 digits) → codeGroupePays (1 France, 2 CEE, 3 hors CEE). */
  countries: ReadonlyMap<string, string>;
  /** Street type code or folded label (AV, AVENUE…) → ASP code (AV). */
  streetTypes: ReadonlyMap<string, string>;
  /** B, T, Q, C. */
  extensions: ReadonlySet<string>;
  orienteurs: ReadonlySet<string>;
  educationLevels: ReadonlySet<string>;
}

let cached: Omit<FicheReferentials, "orienteurs" | "educationLevels"> | null = null;

function read(name: string, header: readonly string[]): Record<string, string>[] {
  const file = referencePath("les-emplois", "asp_reference", name);
  return parseSemicolonCsv(readFileSync(file, "utf8"), header, file);
}

/** The file-based referentials (cached); orienteurs and education levels come from the database tables. */
export function loadFileReferentials(): Omit<FicheReferentials, "orienteurs" | "educationLevels"> {
  if (cached) return cached;
  const countries = new Map(
    read("ref_insee_pays_v4.csv", ["CODE_INSEE_PAYS", "CODE_GROUPE_PAYS"]).map((r) => [
      String(r["CODE_INSEE_PAYS"]).padStart(3, "0"),
      String(r["CODE_GROUPE_PAYS"]),
    ]),
  );
  const streetTypes = new Map<string, string>();
  for (const r of read("ref_type_voie_v3.csv", ["codetypevoie", "libelle", "datefin"])) {
    if ((r["datefin"] ?? "") !== "") continue;
    const code = String(r["codetypevoie"]).toUpperCase();
    streetTypes.set(code, code);
    streetTypes.set(foldAscii(String(r["libelle"])), code);
  }
  const extensions = new Set(read("ref_extension_voie_v1.csv", ["Code"]).map((r) => String(r["Code"]).toUpperCase()));
  cached = { countries, streetTypes, extensions };
  return cached;
}
