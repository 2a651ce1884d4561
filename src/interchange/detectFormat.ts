// What a file, folder or archive given to `passerelle import` contains, told by its bytes and its first
// line — never by its name: a folder, a ZIP or a gzip file is a FluxIAE delivery/view; a text file whose
// first line is a FluxIAE DEB marker or a `|` header of a known view is a FluxIAE view; a CSV whose
// header has the columns of an ASP list of SIAE is an ASP list; a JSON with `lignesTelechargement` is a
// fiche salarié return file (ingested by `fiches-salarie retour`).
import path from "node:path";
import { looksLikeAspList } from "./asp-lists/importAspList.js";
import { readHead, sniffContainer } from "./fluxiae/container.js";
import { viewFromHeader } from "./fluxiae/views.js";
import { ImportInputError } from "./importReport.js";
import { decodeText, looksLikeUtf16, UTF16_REASON } from "./text/decodeText.js";

export type DetectedFormat = "fluxiae" | "asp-liste-siae" | "fiche-salarie-retour";

export async function detectFormat(pathOnDisk: string, displayName = path.basename(pathOnDisk)): Promise<DetectedFormat> {
  const container = await sniffContainer(pathOnDisk);
  if (container !== "plain") return "fluxiae";
  const bytes = await readHead(pathOnDisk, 64 * 1024);
  if (looksLikeUtf16(bytes)) {
    throw new ImportInputError(`${displayName} : ${UTF16_REASON}.`, [{ file: displayName, line: 1, column: null, reason: UTF16_REASON }]);
  }
  const { text } = decodeText(bytes);
  const lines = text.replace(/^\ufeff/, "").split(/\r?\n/);
  const first = lines.find((l) => l.trim() !== "") ?? "";
  if (/^DEB[A-Za-z]+\d{8}_\d{6}/.test(first)) return "fluxiae";
  if (first.includes("|") && viewFromHeader(first.split("|").map((h) => h.trim()))) return "fluxiae";
  if (first.trimStart().startsWith("{") && text.includes('"lignesTelechargement"')) return "fiche-salarie-retour";
  if (looksLikeAspList(first)) return "asp-liste-siae";
  throw new ImportInputError(
    `${displayName} : format non reconnu. Attendu : une liste ASP de SIAE (CSV avec au moins MESURE, SIRET, DENOMINATION_SOCIALE, CODE_DEPARTEMENT), ` +
      `une vue FluxIAE (séparateur « | », ligne DEB… ou colonnes af_*, structure_*, salarie_*, contrat_*, emi_*…) ou une livraison FluxIAE (dossier, archive ZIP ou gzip). ` +
      echoFirstLine(first),
    [{ file: displayName, line: 1, column: null, reason: "format non reconnu" }],
  );
}

/**
 * The first line is shown only when it looks like column names: no control characters and no run of five
 * digits or more (a data line may hold a NIR, a PASS number or a SIRET, never shown in an error).
 */
function echoFirstLine(first: string): string {
  const line = first.slice(0, 160);
  const control = [...line].some((c) => c.charCodeAt(0) < 0x20 && c !== "\t");
  if (control || /\d{5,}/.test(line)) return "Première ligne non reproduite (elle ne ressemble pas à des noms de colonnes).";
  return `Première ligne lue : « ${line} ».`;
}
