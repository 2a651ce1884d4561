// The one parser of delimited text (CSV as written by spreadsheets: ';' or ',' or tab, optional double
// quotes, quoted values may contain separators, doubled quotes and newlines; UTF-8 BOM ignored). Whole-
// text parser for small files: the reference files of data/reference/ (src/db/seedReference.ts, the
// domain's parseSemicolonCsv) and the ASP lists of SIAE (a few MB at most). FluxIAE views, which are
// `|`-separated without quoting and large, have their streaming reader (src/interchange/fluxiae/reader.ts).

export interface DelimitedRecord {
  /** 1-based line where the record starts. */
  line: number;
  values: string[];
}

export const CANDIDATE_SEPARATORS = [";", ",", "\t", "|"] as const;
export type Separator = (typeof CANDIDATE_SEPARATORS)[number];

/** The separator that splits the header line into the most fields (ties: the order above). */
export function sniffSeparator(headerLine: string): { separator: Separator; fields: number } {
  let best: { separator: Separator; fields: number } = { separator: ";", fields: 1 };
  for (const separator of CANDIDATE_SEPARATORS) {
    const fields = splitQuotedLine(headerLine, separator).length;
    if (fields > best.fields) best = { separator, fields };
  }
  return best;
}

function splitQuotedLine(line: string, separator: string): string[] {
  return [...parseDelimited(line, separator)][0]?.values ?? [""];
}

export function firstLine(text: string): string {
  const end = text.search(/\r?\n/);
  return end < 0 ? text : text.slice(0, end);
}

/** Parse records; blank lines are skipped. */
export function* parseDelimited(text: string, separator: string): Generator<DelimitedRecord> {
  let line = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  while (i < n) {
    const startLine = line;
    const values: string[] = [];
    let field = "";
    let inQuotes = false;
    let atFieldStart = true;
    let ended = false;
    while (i < n) {
      const c = text[i] as string;
      if (inQuotes) {
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          inQuotes = false;
          i++;
          continue;
        }
        if (c === "\n") line++;
        field += c;
        i++;
        continue;
      }
      if (c === '"' && atFieldStart) {
        inQuotes = true;
        atFieldStart = false;
        i++;
        continue;
      }
      if (c === separator) {
        values.push(field);
        field = "";
        atFieldStart = true;
        i++;
        continue;
      }
      if (c === "\r" && text[i + 1] === "\n") {
        i++;
        continue;
      }
      if (c === "\n") {
        line++;
        i++;
        ended = true;
        break;
      }
      field += c;
      atFieldStart = false;
      i++;
    }
    values.push(field);
    if (!ended && i >= n && values.length === 1 && values[0] === "") break;
    if (values.length === 1 && values[0]?.trim() === "") continue;
    yield { line: startLine, values };
  }
}

export interface KeyedRecord {
  line: number;
  /** Trimmed values by trimmed header name; a missing trailing value is "". */
  values: Record<string, string>;
  /** Number of values of the line (to compare with the header's). */
  width: number;
}

/** Records keyed by the names of the header line (the first non-blank line). */
export function parseKeyedRecords(text: string, separator: string): { header: string[]; records: KeyedRecord[] } {
  const all = parseDelimited(text, separator);
  const first = all.next();
  if (first.done) return { header: [], records: [] };
  const header = first.value.values.map((h) => h.trim());
  const records: KeyedRecord[] = [];
  for (const r of all) {
    records.push({
      line: r.line,
      width: r.values.length,
      values: Object.fromEntries(header.map((h, i) => [h, (r.values[i] ?? "").trim()])),
    });
  }
  return { header, records };
}
