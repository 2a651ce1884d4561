// The one writer of CSV cells, for every CSV the product emits (lists and their exports, audit export,
// report tables, open data). Two duties:
//  - quoting: a cell holding the separator, a double quote or a line break is quoted, quotes doubled;
//  - formula injection (OWASP "CSV injection"): a text cell starting with = + - @ tab or CR is run as a
//    formula by spreadsheet software. Names come from FluxIAE deliveries, ASP lists and uploaded file
//    names, so such a cell is written behind a single quote (shown as text, the value kept readable).
//    A typed number is never touched, and neither is a text cell that is a plain number ("-3.50" from a
//    numeric column): a number is not a formula, and it must stay a number in the spreadsheet.
// Not for the FluxIAE views Passerelle writes (src/interchange/fluxiae-export): that is the ASP's own
// `|`-separated interchange format read by programs, where a leading quote would change the value.

export type CsvValue = string | number | boolean | null | undefined;

export interface CsvDialect {
  separator: ";" | ",";
  /** "," as decimal mark for typed numbers (French spreadsheets), else ".". */
  decimalComma: boolean;
}

/** What French spreadsheet users open without a wizard: `;`, decimal comma (with BOM and CRLF, see csvDocument). */
export const SPREADSHEET: CsvDialect = { separator: ";", decimalComma: true };
/** Raw numbers with a decimal point, `;` separated (report tables). */
export const SPREADSHEET_RAW_NUMBERS: CsvDialect = { separator: ";", decimalComma: false };
/** RFC 4180 style, `,` separated, decimal point (open data). */
export const COMMA: CsvDialect = { separator: ",", decimalComma: false };

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+([.,]\d+)?$/;

/** One cell, quoted and neutralised as above. */
export function csvCell(value: CsvValue, dialect: CsvDialect): string {
  if (value === null || value === undefined) return "";
  let s: string;
  if (typeof value === "number") s = dialect.decimalComma ? String(value).replace(".", ",") : String(value);
  else if (typeof value === "boolean") s = value ? "true" : "false";
  else s = FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
  return s.includes(dialect.separator) || /["\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(values: readonly CsvValue[], dialect: CsvDialect): string {
  return values.map((v) => csvCell(v, dialect)).join(dialect.separator);
}

/** A whole spreadsheet file: UTF-8 BOM, header and rows, CRLF line ends. */
export function csvDocument(header: readonly CsvValue[], rows: Iterable<readonly CsvValue[]>, dialect: CsvDialect): string {
  const lines = [csvLine(header, dialect)];
  for (const row of rows) lines.push(csvLine(row, dialect));
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}
