import { DomainRuleError } from "../errors.js";

export type Confidence = "H" | "M" | "L";

/**
 * Parses the `;`-separated reference files of data/reference/passerelle/ (header line, no quoting,
 * UTF-8, optional BOM, blank lines ignored). Returns one record per row keyed by header names.
 */
export function parseSemicolonCsv(text: string, expectedHeader: readonly string[], file = "csv"): Record<string, string>[] {
  const lines = text.replace(/^\ufeff/, "").split(/\r?\n/).filter((l) => l.trim() !== "");
  const header = lines[0]?.split(";").map((h) => h.trim());
  if (!header) throw new DomainRuleError("reference.csv.empty", file, "fichier de référence vide");
  for (const col of expectedHeader) {
    if (!header.includes(col)) throw new DomainRuleError("reference.csv.header", `${file}:${col}`, "colonne attendue absente de l'en-tête");
  }
  return lines.slice(1).map((line, i) => {
    const cells = line.split(";");
    if (cells.length !== header.length) throw new DomainRuleError("reference.csv.columns", `${file}:${i + 2}`, `nombre de colonnes différent de l'en-tête (${cells.length} au lieu de ${header.length})`);
    const record: Record<string, string> = {};
    header.forEach((h, j) => {
      record[h] = (cells[j] ?? "").trim();
    });
    return record;
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
