// Find columns by header name, whatever the accents, case, spacing, punctuation or synonym used.

/** "Code Département " → "code_departement"; "N° SIRET" → "n_siret". */
export function normalizeHeader(header: string): string {
  return header
    .replace(/^\ufeff/, "")
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
}

export interface ColumnSpec<K extends string> {
  key: K;
  /** Human label used in messages (French). */
  label: string;
  required: boolean;
  /** Accepted header names, in order of preference (normalized with normalizeHeader). */
  synonyms: readonly string[];
}

export interface ColumnMatch<K extends string> {
  /** Index of each found column. */
  index: Partial<Record<K, number>>;
  /** Header as written in the file, for each found column. */
  header: Partial<Record<K, string>>;
  missing: ColumnSpec<K>[];
}

export function matchColumns<K extends string>(headers: readonly string[], specs: readonly ColumnSpec<K>[]): ColumnMatch<K> {
  const normalized = headers.map(normalizeHeader);
  const used = new Set<number>();
  const index: Partial<Record<K, number>> = {};
  const header: Partial<Record<K, string>> = {};
  const missing: ColumnSpec<K>[] = [];
  for (const spec of specs) {
    let found = -1;
    for (const synonym of spec.synonyms) {
      const wanted = normalizeHeader(synonym);
      found = normalized.findIndex((h, i) => h === wanted && !used.has(i));
      if (found >= 0) break;
    }
    if (found >= 0) {
      used.add(found);
      index[spec.key] = found;
      header[spec.key] = headers[found]?.replace(/^\ufeff/, "").trim() ?? "";
    } else if (spec.required) {
      missing.push(spec);
    }
  }
  return { index, header, missing };
}
