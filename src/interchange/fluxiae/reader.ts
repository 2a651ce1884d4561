// Streaming reader of one FluxIAE view file (iae-reference §7.1):
//  - separator `|`, no quoting (a `"` is an ordinary character), UTF-8, a BOM is stripped;
//  - optional first line `DEB<View><DDMMYYYY>_<HHMMSS>|||…` (gives the view name), then the header;
//  - optional last line `FIN<n>|||…`: n must equal the number of data lines (else the file is
//    truncated or altered and the import stops);
//  - a value may contain raw newlines: physical lines are joined (with "\n") until the record has
//    as many fields as the header, as the Pilotage does;
//  - empty value = null. Values are kept as text; views parse them (values.ts).
// Memory stays flat: one record at a time.
import { StringDecoder } from "node:string_decoder";
import { ImportInputError } from "../importReport.js";
import { inputLimitsFromEnv } from "../inputLimits.js";
import type { FluxIaeEntry } from "./container.js";
import { type FluxIaeView, viewFromHeader, viewFromMarker, viewFromName } from "./views.js";

export interface FluxIaeRecord {
  /** 1-based physical line where the record starts. */
  line: number;
  /** column → value (null when empty). */
  values: Record<string, string | null>;
  /** Set when the line cannot be split into the header's fields (the record must be rejected). */
  problem?: string;
}

export interface OpenedView {
  file: string;
  /** Known view, or null when it cannot be told (the caller reports it). */
  view: FluxIaeView | null;
  /** Name read in the DEB marker or the file name, even when the view is not one Passerelle imports. */
  viewLabel: string | null;
  header: string[];
  /** Data records, in file order. Throws ImportInputError when the FIN count does not match. */
  records(): AsyncGenerator<FluxIaeRecord>;
  /** Open the same file again from its start (importers that need several passes). */
  reopen(): Promise<OpenedView>;
}

/**
 * Split bytes into lines (\n or \r\n), decoding UTF-8 across chunk boundaries. A line longer than
 * maxLineChars is refused as soon as it is seen (a file without line breaks never fills the memory); the
 * search for the next break starts where the previous chunk ended, so a long line costs linear time.
 */
export async function* textLines(
  chunks: AsyncIterable<Buffer>,
  file = "fichier",
  maxLineChars = inputLimitsFromEnv().maxLineChars,
): AsyncGenerator<string> {
  const decoder = new StringDecoder("utf8");
  let rest = "";
  let lineNo = 0;
  const tooLong = () =>
    inputError(file, lineNo + 1, `ligne de plus de ${maxLineChars} caractères (limite PASSERELLE_IMPORT_MAX_LINE_CHARS) : fichier refusé`);
  for await (const chunk of chunks) {
    const searchFrom = rest.length;
    rest += decoder.write(chunk);
    let start = 0;
    for (let i = rest.indexOf("\n", searchFrom); i >= 0; i = rest.indexOf("\n", start)) {
      if (i - start > maxLineChars) throw tooLong();
      const line = rest.slice(start, i);
      lineNo++;
      yield line.endsWith("\r") ? line.slice(0, -1) : line;
      start = i + 1;
    }
    rest = rest.slice(start);
    if (rest.length > maxLineChars) throw tooLong();
  }
  rest += decoder.end();
  if (rest.length > maxLineChars) throw tooLong();
  if (rest.length > 0) yield rest.endsWith("\r") ? rest.slice(0, -1) : rest;
}

const DEB = /^DEB([A-Za-z]+?)(\d{8})_(\d{6})\|*$/;
const FIN = /^FIN(\d+)\|*$/;
const MAX_JOINED_LINES = 50;

function inputError(file: string, line: number | null, reason: string): ImportInputError {
  return new ImportInputError(`${file}${line ? `, ligne ${line}` : ""} : ${reason}`, [{ file, line, column: null, reason }]);
}

/** Read the marker and header of a view file; records() then streams the rest. */
export async function openView(entry: FluxIaeEntry): Promise<OpenedView> {
  const file = entry.name;
  const lines = textLines(entry.open(), file)[Symbol.asyncIterator]();
  let lineNo = 0;
  const next = async (): Promise<string | null> => {
    const r = await lines.next();
    if (r.done) return null;
    lineNo++;
    return lineNo === 1 ? r.value.replace(/^\ufeff/, "") : r.value;
  };
  let first = await next();
  while (first !== null && first.trim() === "") first = await next();
  if (first === null) throw inputError(file, null, "fichier vide");
  let markerView: string | null = null;
  const deb = DEB.exec(first);
  if (deb) {
    markerView = deb[1] ?? null;
    first = await next();
    if (first === null) throw inputError(file, lineNo, "ligne d'en-tête absente après la ligne DEB");
  }
  const headerLine = first.replace(/^\ufeff/, "");
  const headerLineNo = lineNo;
  const header = headerLine.split("|").map((h) => h.trim());
  if (header.length < 2) {
    const other = [";", ",", "\t"].find((s) => headerLine.split(s).length > 2);
    throw inputError(
      file,
      headerLineNo,
      other
        ? `séparateur « ${other === "\t" ? "tabulation" : other} » trouvé : un fichier FluxIAE est séparé par « | »`
        : "ligne d'en-tête sans séparateur « | » : ce n'est pas un fichier FluxIAE",
    );
  }
  const seen = new Set<string>();
  for (const h of header) {
    if (h === "") throw inputError(file, headerLineNo, "nom de colonne vide dans l'en-tête");
    if (seen.has(h)) throw inputError(file, headerLineNo, `colonne « ${h} » en double dans l'en-tête`);
    seen.add(h);
  }
  const byName = viewFromName(file);
  const view = viewFromMarker(markerView) ?? byName.view ?? viewFromHeader(header);
  const viewLabel = markerView ?? byName.label;

  async function* records(): AsyncGenerator<FluxIaeRecord> {
    const expected = header.length;
    let dataLines = 0;
    let fin: { count: number; line: number } | null = null;
    let pending: { line: number; text: string; fields: number; parts: number } | null = null;
    const emit = (p: { line: number; text: string; fields: number }): FluxIaeRecord => {
      dataLines++;
      const parts = p.text.split("|");
      const values: Record<string, string | null> = {};
      if (parts.length !== expected) {
        for (let i = 0; i < expected; i++) values[header[i] as string] = null;
        return { line: p.line, values, problem: `${parts.length} champs au lieu de ${expected} (séparateur « | »)` };
      }
      for (let i = 0; i < expected; i++) {
        const v = parts[i] as string;
        values[header[i] as string] = v === "" ? null : v;
      }
      return { line: p.line, values };
    };
    for (;;) {
      const text = await next();
      if (text === null) break;
      if (fin) {
        if (text.trim() === "") continue;
        throw inputError(file, lineNo, "données après la ligne FIN");
      }
      const finMatch = FIN.exec(text);
      if (finMatch && (pending === null || pending.fields >= expected)) {
        if (pending) yield emit(pending);
        pending = null;
        fin = { count: Number(finMatch[1]), line: lineNo };
        continue;
      }
      const fields = text.split("|").length;
      if (pending === null) {
        if (text.trim() !== "") pending = { line: lineNo, text, fields, parts: 1 };
        continue;
      }
      const tooLong = pending.parts >= MAX_JOINED_LINES;
      if (pending.fields < expected && !tooLong && pending.fields + fields - 1 <= expected) {
        // A raw newline inside a value: the record goes on on this line.
        pending = { line: pending.line, text: `${pending.text}\n${text}`, fields: pending.fields + fields - 1, parts: pending.parts + 1 };
        continue;
      }
      if (pending.fields === expected && fields === 1 && expected > 1 && text.trim() !== "" && !tooLong) {
        // A raw newline inside the last value: a line without any separator continues it.
        pending = { line: pending.line, text: `${pending.text}\n${text}`, fields: pending.fields, parts: pending.parts + 1 };
        continue;
      }
      yield emit(pending);
      pending = text.trim() === "" ? null : { line: lineNo, text, fields, parts: 1 };
    }
    if (pending) yield emit(pending);
    // Rule: FIN<n> counts the data lines of the view [L: n = data records; a count that also includes
    // the DEB/header/FIN lines is accepted too, as the exact convention is not documented] — iae-reference §7.1
    if (fin && fin.count !== dataLines && fin.count !== dataLines + (markerView ? 3 : 2)) {
      throw inputError(
        file,
        fin.line,
        `la ligne FIN annonce ${fin.count} lignes mais le fichier en contient ${dataLines} : fichier tronqué ou modifié`,
      );
    }
  }

  return { file, view, viewLabel, header, records, reopen: () => openView(entry) };
}
