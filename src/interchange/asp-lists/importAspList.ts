// Import an ASP list of conventioned SIAE (CSV) into `structure`.
//  - columns found by header name (aspListColumns.ts); a missing required column stops the import
//    before anything is written, listing what is missing and what was found;
//  - UTF-8 (BOM or not) or Windows-1252; separator sniffed from the header line (';' ',' tab '|');
//  - kind from MESURE (ACI, AI, EI, ETTI, EITI, or an ASP mesure code such as ACI_DC);
//  - SIRET normalized (spaces removed) and checked with the domain's SIRET rule;
//  - ASP département codes ('062', '02A', '59L'/'59V', '971') → INSEE through ref_departement_asp_code;
//  - commune code resolved from postcode + commune name when unambiguous;
//  - a structure is identified by (SIRET, kind) (design §4): duplicate rows are merged and reported,
//    a postcode outside the département is kept with a warning;
//  - idempotent: a structure whose values did not change is counted "unchanged" and not touched;
//  - territorial (docs/imports.md): an import for a département writes only the rows of that
//    département; a row of another one, or one that would change a structure registered elsewhere, is
//    refused on its CODE_DEPARTEMENT column.
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Kysely } from "kysely";
import type { DatabaseHandle } from "../../db/connection.js";
import type { Database, StructureKind, StructureUpdate } from "../../db/schema.js";
import { checkSiret } from "../../domain/identifiers/index.js";
import { kindOfMesure, parseAspMesure, SIAE_KINDS } from "../../domain/structures/index.js";
import type { Actor } from "../../db/audit.js";
import { type ImportIssue, type ImportReport, ImportInputError, type ImportTally } from "../importReport.js";
import { IMPORT_ACTOR, runImport, sha256 } from "../importRun.js";
import { type ImportTerritory, NATION, outsideTerritory } from "../importTerritory.js";
import { decodeText } from "../text/decodeText.js";
import { firstLine, parseDelimited, sniffSeparator } from "../../text/delimited.js";
import { matchColumns, normalizeHeader } from "../text/headerMatch.js";
import { ASP_LIST_COLUMNS, type AspListColumn } from "./aspListColumns.js";
import { STRUCTURE_IDENTITY_FIELDS, type StructureIdentityField } from "../../db/structureIdentityFields.js";

export interface ImportAspListOptions {
  dryRun?: boolean;
  actor?: Actor;
  /** Where the import may write (default: the nation — command line, tests). */
  territory?: ImportTerritory;
  /** Value written in structure.source for new structures (default: 'asp-liste-YYYY-MM' from the file name, else 'asp-liste'). */
  source?: string;
  /** Name shown in reports (default: the file's base name). */
  originalName?: string;
  onProgress?: (done: number, total: number) => void;
}

/** One structure as read from the list (after merging duplicates). */
interface ListedStructure {
  line: number;
  kind: StructureKind;
  siret: string;
  fields: Partial<Record<StructureField, string | null>>;
}

type StructureField = StructureIdentityField;

const FIELD_LABELS: Record<StructureField, string> = {
  name: "dénomination",
  legal_form: "nature juridique",
  naf_code: "code NAF",
  address_line: "adresse",
  postal_code: "code postal",
  commune_code: "code commune",
  commune_name: "commune",
  departement_code: "département",
  departement_asp_code: "code département ASP",
  phone: "téléphone",
  email: "courriel",
};

export interface ParsedAspList {
  encoding: string;
  separator: string;
  headers: string[];
  columns: ReturnType<typeof matchColumns<AspListColumn>>;
  records: { line: number; values: string[] }[];
}

/** Whether a header line looks like an ASP list of SIAE (used by format detection). */
export function looksLikeAspList(headerLine: string): boolean {
  const { separator } = sniffSeparator(headerLine);
  const headers = headerLine.split(separator);
  const match = matchColumns(headers, ASP_LIST_COLUMNS);
  return match.missing.length === 0;
}

/** Decode and parse the file; throws ImportInputError when it cannot be an ASP list. */
export function parseAspList(bytes: Uint8Array, fileLabel: string): ParsedAspList {
  const { text, encoding } = decodeText(bytes);
  if (text.trim() === "") throw new ImportInputError(`${fileLabel} : fichier vide.`, [issue(fileLabel, null, null, "fichier vide")]);
  const header = firstLine(text);
  const { separator, fields } = sniffSeparator(header);
  if (fields < 2) {
    throw new ImportInputError(
      `${fileLabel}, ligne 1 : séparateur introuvable (attendu « ; », « , », tabulation ou « | ») dans l'en-tête « ${header.slice(0, 120)} ».`,
      [issue(fileLabel, 1, null, "séparateur de colonnes introuvable")],
    );
  }
  const all = parseDelimited(text, separator);
  const first = all.next();
  const headers = first.done ? [] : first.value.values.map((h) => h.replace(/^\ufeff/, "").trim());
  const columns = matchColumns(headers, ASP_LIST_COLUMNS);
  if (columns.missing.length > 0) {
    const missing = columns.missing.map((c) => c.label);
    throw new ImportInputError(
      `${fileLabel} : colonne(s) obligatoire(s) introuvable(s) : ${missing.join(", ")}. ` +
        `Colonnes trouvées : ${headers.map((h) => `« ${h} »`).join(", ")}. Rien n'a été importé.`,
      columns.missing.map((c) =>
        issue(fileLabel, 1, c.label, `colonne obligatoire introuvable (noms acceptés : ${c.synonyms.join(", ")})`),
      ),
    );
  }
  return { encoding, separator, headers, columns, records: [...all] };
}

export async function importAspList(handle: DatabaseHandle, file: string, options: ImportAspListOptions = {}): Promise<ImportReport> {
  const fileLabel = options.originalName ?? path.basename(file);
  const bytes = await readFile(file);
  const parsed = parseAspList(bytes, fileLabel);
  const source = options.source ?? defaultSource(fileLabel);
  const territory = options.territory ?? NATION;
  return runImport(
    handle,
    {
      format: "asp-liste-siae",
      source: fileLabel,
      checksum: sha256(bytes),
      dryRun: options.dryRun ?? false,
      actor: options.actor ?? IMPORT_ACTOR,
      territory,
    },
    async ({ db }, tally) => {
      const geo = await loadGeography(db, parsed);
      const listed = readStructures(parsed, fileLabel, geo, tally, territory);
      const departementColumn = parsed.columns.header.departement ?? "departement";
      await upsertStructures(db, listed, source, tally, { territory, file: fileLabel, departementColumn }, options.onProgress);
    },
  );
}

function defaultSource(fileLabel: string): string {
  const m = /(20\d{2})[_-]?(0[1-9]|1[0-2])/.exec(fileLabel);
  return m ? `asp-liste-${m[1]}-${m[2]}` : "asp-liste";
}

function issue(file: string, line: number | null, column: string | null, reason: string): ImportIssue {
  return { file, line, column, reason };
}

// ---------------------------------------------------------------------------------------------
// Reference geography

interface Geography {
  /** ASP 3-char code → INSEE département. */
  aspCodes: Map<string, string>;
  departementNames: Map<string, string>;
  /** postcode → communes using it. */
  postal: Map<string, { code: string; name: string; departement: string }[]>;
  communes: Map<string, { name: string; departement: string }>;
}

async function loadGeography(db: Kysely<Database>, parsed: ParsedAspList): Promise<Geography> {
  const aspRows = await db.selectFrom("ref_departement_asp_code").select(["asp_code", "departement_code"]).execute();
  const depRows = await db.selectFrom("ref_departement").select(["code", "name"]).execute();
  const postalIndex = parsed.columns.index.postalCode;
  const wanted = new Set<string>();
  if (postalIndex !== undefined) {
    for (const r of parsed.records) {
      const pc = normalizePostalCode(r.values[postalIndex] ?? "");
      if (pc) wanted.add(pc);
    }
  }
  const postal = new Map<string, { code: string; name: string; departement: string }[]>();
  const list = [...wanted];
  for (let i = 0; i < list.length; i += 1000) {
    const rows = await db
      .selectFrom("ref_postal_code as p")
      .innerJoin("ref_commune as c", "c.code", "p.commune_code")
      .select(["p.postal_code", "c.code", "c.name", "c.departement_code"])
      .where("p.postal_code", "in", list.slice(i, i + 1000))
      .execute();
    for (const r of rows) {
      const entry = { code: r.code, name: r.name, departement: r.departement_code };
      const known = postal.get(r.postal_code);
      if (known) known.push(entry);
      else postal.set(r.postal_code, [entry]);
    }
  }
  const communes = new Map<string, { name: string; departement: string }>();
  const codeIndex = parsed.columns.index.communeCode;
  if (codeIndex !== undefined) {
    const codes = [...new Set(parsed.records.map((r) => (r.values[codeIndex] ?? "").trim().toUpperCase().padStart(5, "0")))];
    for (let i = 0; i < codes.length; i += 1000) {
      const rows = await db
        .selectFrom("ref_commune")
        .select(["code", "name", "departement_code"])
        .where("code", "in", codes.slice(i, i + 1000))
        .execute();
      for (const r of rows) communes.set(r.code, { name: r.name, departement: r.departement_code });
    }
  }
  return {
    aspCodes: new Map(aspRows.map((r) => [r.asp_code, r.departement_code])),
    departementNames: new Map(depRows.map((r) => [r.code, r.name])),
    postal,
    communes,
  };
}

/** '062' / '62' / '2A' / '02A' / '59L' / '059L' / '971' → the 3-char ASP code ('062', '02A', '59L', '971'). */
export function normalizeAspDepartementCode(value: string): string {
  const v = value.trim().toUpperCase();
  if (/^\d$/.test(v)) return `00${v}`;
  if (/^(\d{2}|2[AB])$/.test(v)) return `0${v}`;
  if (/^0(59[LV])$/.test(v)) return v.slice(1);
  return v;
}

/** '62100' / '6 2100' / '1500' (Excel dropped the leading zero) → '62100' / '01500'; '' when not a postcode. */
export function normalizePostalCode(value: string): string {
  const v = value.replace(/[\s\u00a0]/g, "");
  if (/^\d{5}$/.test(v)) return v;
  if (/^\d{4}$/.test(v)) return `0${v}`;
  return "";
}

/** Commune names compared without accents, case, punctuation, CEDEX and with ST/STE spelled out. */
export function normalizeCommuneName(value: string): string {
  return normalizeHeader(value)
    .replace(/_cedex(_\d+)?$/, "")
    .split("_")
    .map((t) => (t === "st" ? "saint" : t === "ste" ? "sainte" : t))
    .join(" ");
}

/** Département a postcode belongs to by its digits (20xxx → Corse, 97x → overseas). */
function departementOfPostalCode(pc: string): string[] {
  if (pc.startsWith("97") || pc.startsWith("98")) return [pc.slice(0, 3)];
  if (pc.startsWith("20")) return ["2A", "2B"];
  return [pc.slice(0, 2)];
}

// ---------------------------------------------------------------------------------------------
// Reading rows

function readStructures(
  parsed: ParsedAspList,
  fileLabel: string,
  geo: Geography,
  tally: ImportTally,
  territory: ImportTerritory,
): ListedStructure[] {
  const { index, header } = parsed.columns;
  const col = (key: AspListColumn) => header[key] ?? key;
  const byKey = new Map<string, ListedStructure>();
  for (const record of parsed.records) {
    tally.rowsRead++;
    const get = (key: AspListColumn): string => {
      const i = index[key];
      return i === undefined ? "" : (record.values[i] ?? "").trim();
    };
    const extraFilled = record.values.slice(parsed.headers.length).some((v) => v.trim() !== "");
    if (record.values.length < parsed.headers.length || extraFilled) {
      tally.reject(
        issue(
          fileLabel,
          record.line,
          null,
          `${record.values.length} colonne(s) au lieu de ${parsed.headers.length} (séparateur « ${parsed.separator} » dans une valeur non protégée par des guillemets ?)`,
        ),
      );
      continue;
    }
    const errors: ImportIssue[] = [];

    const kind = parseKind(get("kind"));
    if (typeof kind !== "string") errors.push(issue(fileLabel, record.line, col("kind"), kind.error));

    const rawSiret = get("siret");
    const siret = checkSiret(rawSiret);
    if (!siret.ok)
      errors.push(issue(fileLabel, record.line, col("siret"), `SIRET invalide « ${rawSiret} » : ${domainReason(siret.error)}`));

    const name = get("name");
    if (name === "") errors.push(issue(fileLabel, record.line, col("name"), "dénomination vide"));

    const rawDep = get("departement");
    const aspCode = normalizeAspDepartementCode(rawDep);
    const departement = geo.aspCodes.get(aspCode);
    if (!departement) errors.push(issue(fileLabel, record.line, col("departement"), `code département inconnu « ${rawDep} »`));
    const outside = departement ? outsideTerritory(territory, departement, "structure") : null;
    if (outside) errors.push(issue(fileLabel, record.line, col("departement"), outside));

    if (errors.length > 0 || typeof kind !== "string" || !siret.ok || !departement) {
      for (const e of errors) tally.reject(e);
      continue;
    }

    const fields: ListedStructure["fields"] = { name, departement_code: departement, departement_asp_code: aspCode };
    const present = (key: AspListColumn) => index[key] !== undefined;
    if (present("legalForm")) fields.legal_form = get("legalForm") || null;
    if (present("naf")) {
      const naf = get("naf").replace(/\s/g, "").toUpperCase();
      if (naf === "") fields.naf_code = null;
      else if (/^[0-9]{2}\.?[0-9]{2}[A-Z]$/.test(naf)) fields.naf_code = naf;
      else {
        fields.naf_code = null;
        tally.warn(issue(fileLabel, record.line, col("naf"), `code NAF « ${naf} » non reconnu : ignoré`));
      }
    }
    if (present("address") || present("streetName") || present("streetNumber")) {
      const line = [get("address"), get("streetNumber"), get("streetName")]
        .filter((s) => s !== "")
        .join(" ")
        .replace(/\s+/g, " ");
      fields.address_line = line || null;
    }
    if (present("phone")) fields.phone = get("phone") || null;
    if (present("email")) fields.email = get("email") || null;
    if (present("commune")) fields.commune_name = get("commune") || null;
    if (present("postalCode") || present("communeCode")) {
      resolvePlace(fields, get("postalCode"), get("commune"), get("communeCode"), departement, geo, (column, reason) =>
        tally.warn(issue(fileLabel, record.line, column === "postalCode" ? col("postalCode") : col("communeCode"), reason)),
      );
    }

    const key = `${siret.value}|${kind}`;
    const previous = byKey.get(key);
    if (!previous) {
      byKey.set(key, { line: record.line, kind, siret: siret.value, fields });
      continue;
    }
    const conflicts: string[] = [];
    for (const [f, value] of Object.entries(fields) as [StructureField, string | null][]) {
      const kept = previous.fields[f];
      if (kept === undefined || kept === null || kept === "") previous.fields[f] = value;
      else if (value !== null && value !== "" && value !== kept) conflicts.push(`${FIELD_LABELS[f]} « ${value} » (gardé : « ${kept} »)`);
    }
    tally.warn(
      issue(
        fileLabel,
        record.line,
        col("siret"),
        `doublon de la ligne ${previous.line} (SIRET ${siret.value}, ${kind}) : lignes fusionnées` +
          (conflicts.length > 0 ? ` ; valeurs différentes ignorées : ${conflicts.join(" ; ")}` : ""),
      ),
    );
  }
  return [...byKey.values()];
}

/** A domain error's French message without its rule id and echoed value. */
function domainReason(error: Error): string {
  return error.message.replace(/^\[[^\]]+\] /, "").replace(/ \(valeur : .*\)$/, "");
}

function parseKind(value: string): StructureKind | { error: string } {
  const v = value.trim().toUpperCase();
  if (v === "") return { error: "type de structure vide" };
  if ((SIAE_KINDS as readonly string[]).includes(v)) return v as StructureKind;
  try {
    const kind = kindOfMesure(parseAspMesure(v));
    if (kind) return kind;
    return { error: `mesure « ${value} » : pas une SIAE (FDI = fonds départemental d'insertion), ligne ignorée` };
  } catch {
    return { error: `type de structure inconnu « ${value} » (attendu : ACI, AI, EI, ETTI, EITI ou une mesure ASP comme ACI_DC)` };
  }
}

function resolvePlace(
  fields: ListedStructure["fields"],
  rawPostal: string,
  communeName: string,
  rawCommuneCode: string,
  departement: string,
  geo: Geography,
  warn: (column: "postalCode" | "communeCode", reason: string) => void,
): void {
  const postalCode = normalizePostalCode(rawPostal);
  if (rawPostal !== "" && postalCode === "") warn("postalCode", `code postal « ${rawPostal} » invalide : ignoré`);
  fields.postal_code = postalCode || null;
  let commune: { code: string; departement: string } | undefined;
  const code = rawCommuneCode.trim().toUpperCase().padStart(5, "0");
  if (rawCommuneCode.trim() !== "") {
    const known = geo.communes.get(code);
    if (known) commune = { code, departement: known.departement };
    else warn("communeCode", `code commune INSEE « ${rawCommuneCode} » inconnu : ignoré`);
  }
  if (!commune && postalCode) {
    const candidates = geo.postal.get(postalCode) ?? [];
    const wanted = normalizeCommuneName(communeName);
    const byName = wanted === "" ? [] : candidates.filter((c) => normalizeCommuneName(c.name) === wanted);
    if (byName.length === 1) commune = byName[0];
    else if (byName.length === 0 && candidates.length === 1) commune = candidates[0];
  }
  fields.commune_code = commune?.code ?? null;
  // Rule: a structure's postcode may lie outside its convention's département (seat elsewhere): kept, reported.
  if (postalCode) {
    const deps = commune ? [commune.departement] : departementOfPostalCode(postalCode);
    if (!deps.includes(departement)) {
      const name = geo.departementNames.get(departement) ?? departement;
      warn("postalCode", `le code postal ${postalCode} n'est pas dans le département ${departement} (${name}) : conservé, à vérifier`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Writing

const WRITE_FIELDS = STRUCTURE_IDENTITY_FIELDS;

async function upsertStructures(
  db: Kysely<Database>,
  listed: ListedStructure[],
  source: string,
  tally: ImportTally,
  place: { territory: ImportTerritory; file: string; departementColumn: string },
  onProgress?: (done: number, total: number) => void,
): Promise<void> {
  const existing = new Map<string, Record<string, unknown> & { id: number }>();
  const sirets = [...new Set(listed.map((s) => s.siret))];
  for (let i = 0; i < sirets.length; i += 1000) {
    const rows = await db
      .selectFrom("structure")
      .select(["id", "kind", "siret", ...WRITE_FIELDS])
      .where("siret", "in", sirets.slice(i, i + 1000))
      .execute();
    for (const r of rows) existing.set(`${r.siret}|${r.kind}`, r);
  }
  const inserts: ListedStructure[] = [];
  let done = 0;
  for (const s of listed) {
    const current = existing.get(`${s.siret}|${s.kind}`);
    if (!current) {
      inserts.push(s);
      continue;
    }
    // A structure registered in another département is not moved nor changed by a territorial import.
    const outside = outsideTerritory(
      place.territory,
      String(current.departement_code),
      `structure SIRET ${s.siret} (${s.kind}) déjà enregistrée`,
    );
    if (outside) {
      tally.reject(issue(place.file, s.line, place.departementColumn, outside));
      continue;
    }
    const changes: Partial<Record<StructureField, string | null>> = {};
    for (const f of WRITE_FIELDS) {
      const value = s.fields[f];
      if (value === undefined) continue;
      if ((current[f] ?? null) !== value) changes[f] = value;
    }
    if (Object.keys(changes).length === 0) {
      tally.unchanged++;
    } else {
      await db
        .updateTable("structure")
        .set({ ...(changes as StructureUpdate), updated_at: new Date() })
        .where("id", "=", current.id)
        .execute();
      tally.updated++;
    }
    done++;
    if (done % 200 === 0) onProgress?.(done, listed.length);
  }
  for (let i = 0; i < inserts.length; i += 500) {
    const chunk = inserts.slice(i, i + 500);
    await db
      .insertInto("structure")
      .values(
        chunk.map((s) => ({
          kind: s.kind,
          siret: s.siret,
          name: s.fields.name ?? "",
          legal_form: s.fields.legal_form ?? null,
          naf_code: s.fields.naf_code ?? null,
          address_line: s.fields.address_line ?? null,
          postal_code: s.fields.postal_code ?? null,
          commune_code: s.fields.commune_code ?? null,
          commune_name: s.fields.commune_name ?? null,
          departement_code: s.fields.departement_code ?? "",
          departement_asp_code: s.fields.departement_asp_code ?? null,
          phone: s.fields.phone ?? null,
          email: s.fields.email ?? null,
          source,
        })),
      )
      .execute();
    tally.inserted += chunk.length;
    done += chunk.length;
    onProgress?.(done, listed.length);
  }
  onProgress?.(listed.length, listed.length);
}
