import { parseKeyedRecords } from "../../text/delimited.js";
import { DomainRuleError } from "../errors.js";

export type Confidence = "H" | "M" | "L";

/**
 * Parses the `;`-separated reference files of data/reference/passerelle/ (header line, UTF-8, optional
 * BOM, blank lines ignored) with the project's one delimited-text parser (src/text/delimited.ts).
 * Returns one record per row keyed by header names.
 */
export function parseSemicolonCsv(text: string, expectedHeader: readonly string[], file = "csv"): Record<string, string>[] {
  const { header, records } = parseKeyedRecords(text, ";");
  if (header.length === 0) throw new DomainRuleError("reference.csv.empty", file, "fichier de référence vide");
  for (const col of expectedHeader) {
    if (!header.includes(col)) throw new DomainRuleError("reference.csv.header", `${file}:${col}`, "colonne attendue absente de l'en-tête");
  }
  return records.map((r) => {
    if (r.width !== header.length)
      throw new DomainRuleError(
        "reference.csv.columns",
        `${file}:${r.line}`,
        `nombre de colonnes différent de l'en-tête (${r.width} au lieu de ${header.length})`,
      );
    return r.values;
  });
}

export function parseConfidence(value: string, where: string): Confidence {
  if (value === "H" || value === "M" || value === "L") return value;
  throw new DomainRuleError("reference.confidence", `${where}:${value}`, "confiance attendue : H, M ou L");
}

export function field(record: Record<string, string>, name: string, where: string): string {
  const v = record[name];
  if (v === undefined) throw new DomainRuleError("reference.csv.field", `${where}:${name}`, "colonne absente");
  return v;
}
