// Parsing of the options shared by several commands. An invalid option is invalid input: the command
// prints "Erreur : …" and exits 1 before it opens the database.
import { parseIsoDate } from "../domain/calendar/isoDate.js";
import { normalizeDepartement } from "../domain/identifiers/insee.js";
import type { FinancingDocument } from "../reports/financingDocuments.js";
import { InvalidInputError, printJson } from "./context.js";
import { reportCliError } from "./io.js";

/** Runs the option parsing; on an error, prints it and sets exit code 1, and returns undefined. */
export function parsedOptions<T>(parse: () => T): T | undefined {
  try {
    return parse();
  } catch (error) {
    reportCliError(error, 1);
    return undefined;
  }
}

export function parseYear(value: string | undefined, option = "--year"): number {
  if (value === undefined || !/^(19|20|21)[0-9]{2}$/.test(value))
    throw new InvalidInputError(`${option} : année invalide « ${value ?? ""} » (ex. 2019)`);
  return Number(value);
}

export function parseDepartementOption(value: string | undefined): string {
  if (value === undefined) throw new InvalidInputError("indiquer --departement <code>");
  try {
    return normalizeDepartement(value);
  } catch {
    throw new InvalidInputError(`--departement : code invalide « ${value} »`);
  }
}

export function parseStructureId(value: string | undefined): number {
  if (value === undefined || !/^[1-9][0-9]{0,15}$/.test(value))
    throw new InvalidInputError(`--structure : identifiant invalide « ${value ?? ""} »`);
  return Number(value);
}

export function parseDateOption(value: string, option: string): string {
  try {
    return parseIsoDate(value, option);
  } catch {
    throw new InvalidInputError(`${option} : date invalide « ${value} » (format AAAA-MM-JJ)`);
  }
}

/** --format json|pdf|xlsx, pdf and xlsx with --out. */
export function checkFormat(opts: { format?: string; out?: string }): void {
  if (opts.format === undefined) return;
  if (!["json", "pdf", "xlsx"].includes(opts.format))
    throw new InvalidInputError(`--format : json, pdf ou xlsx attendu (« ${opts.format} »)`);
  if (opts.format !== "json" && !opts.out) throw new InvalidInputError(`--format ${opts.format} demande --out <fichier>`);
}

export function todayIso(): string {
  return new Date().toISOString().slice(0, 10);
}

/**
 * Writes a State document (PDF or XLSX) to --out when --format asks for one, or prints the JSON with --json or
 * --format json; returns false when the command should print its text summary instead.
 */
export async function emitDocument(
  opts: { format?: string; out?: string; json?: boolean },
  json: unknown,
  document: () => FinancingDocument,
): Promise<boolean> {
  if (opts.format === "pdf" || opts.format === "xlsx") {
    const { renderFinancingPdf, renderFinancingXlsx } = await import("../reports/financingDocuments.js");
    const { writeFileSync } = await import("node:fs");
    const doc = document();
    writeFileSync(opts.out as string, opts.format === "pdf" ? await renderFinancingPdf(doc) : await renderFinancingXlsx(doc));
    process.stderr.write(`Écrit : ${opts.out}\n`);
    return true;
  }
  if (opts.json || opts.format === "json") {
    printJson(json);
    return true;
  }
  return false;
}
