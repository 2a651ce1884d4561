// What a file, folder or archive given to `passerelle import` contains, told by its bytes and its first
// line — never by its name: a folder, a ZIP or a gzip file is a FluxIAE delivery/view; a text file whose
// first line is a FluxIAE DEB marker or a `|` header of a known view is a FluxIAE view; a CSV whose
// header has the columns of an ASP list of SIAE is an ASP list; a JSON with `lignesTelechargement` is a
// fiche salarié return file (ingested by `fiches-salarie retour`).
import { open } from "node:fs/promises";
import path from "node:path";
import { looksLikeAspList } from "./asp-lists/importAspList.js";
import { sniffContainer } from "./fluxiae/container.js";
import { viewFromHeader } from "./fluxiae/views.js";
import { ImportInputError } from "./importReport.js";
import { decodeText } from "./text/decodeText.js";

export type DetectedFormat = "fluxiae" | "asp-liste-siae" | "fiche-salarie-retour";

async function head(file: string, bytes: number): Promise<Buffer> {
  const fh = await open(file, "r");
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

export async function detectFormat(pathOnDisk: string, displayName = path.basename(pathOnDisk)): Promise<DetectedFormat> {
  const container = await sniffContainer(pathOnDisk);
  if (container !== "plain") return "fluxiae";
  const { text } = decodeText(await head(pathOnDisk, 64 * 1024));
  const lines = text.replace(/^\ufeff/, "").split(/\r?\n/);
  const first = lines.find((l) => l.trim() !== "") ?? "";
  if (/^DEB[A-Za-z]+\d{8}_\d{6}/.test(first)) return "fluxiae";
  if (first.includes("|") && viewFromHeader(first.split("|").map((h) => h.trim()))) return "fluxiae";
  if (first.trimStart().startsWith("{") && text.includes('"lignesTelechargement"')) return "fiche-salarie-retour";
  if (looksLikeAspList(first)) return "asp-liste-siae";
  throw new ImportInputError(
    `${displayName} : format non reconnu. Attendu : une liste ASP de SIAE (CSV avec au moins MESURE, SIRET, DENOMINATION_SOCIALE, CODE_DEPARTEMENT), ` +
      `une vue FluxIAE (séparateur « | », ligne DEB… ou colonnes af_*, structure_*, salarie_*, contrat_*, emi_*…) ou une livraison FluxIAE (dossier, archive ZIP ou gzip). ` +
      `Première ligne lue : « ${first.slice(0, 160)} ».`,
    [{ file: displayName, line: 1, column: null, reason: "format non reconnu" }],
  );
}
