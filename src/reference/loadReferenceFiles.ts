import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type AnnualHoursRow, type BaremeRow, parseAnnualHoursCsv, parseBaremeCsv } from "../domain/aid/index.js";
import { type AdministrativeCriterion, parseAdministrativeCriteria } from "../domain/eligibility/index.js";
import { type ExitReferential, parseExitReferential } from "../domain/exits/index.js";

/** Repository root, resolved from this file so it works from any cwd (src/reference/ → ../../). */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export function referencePath(...segments: string[]): string {
  return fileURLToPath(new URL(`../../data/reference/${segments.join("/")}`, import.meta.url));
}

function read(path: string): string {
  return readFileSync(path, "utf8");
}

/** data/reference/passerelle/bareme_aide_au_poste.csv */
export function loadBareme(path = referencePath("passerelle", "bareme_aide_au_poste.csv")): BaremeRow[] {
  return parseBaremeCsv(read(path));
}

/** data/reference/passerelle/duree_annuelle_etp.csv */
export function loadAnnualHours(path = referencePath("passerelle", "duree_annuelle_etp.csv")): AnnualHoursRow[] {
  return parseAnnualHoursCsv(read(path));
}

/** data/reference/passerelle/ref_categorie_sortie.csv + ref_motif_sortie.csv */
export function loadExitReferential(
  categoriesPath = referencePath("passerelle", "ref_categorie_sortie.csv"),
  motifsPath = referencePath("passerelle", "ref_motif_sortie.csv"),
): ExitReferential {
  return parseExitReferential(read(categoriesPath), read(motifsPath));
}

/** data/reference/les-emplois/eligibility/administrative_criteria.json */
export function loadAdministrativeCriteria(
  path = referencePath("les-emplois", "eligibility", "administrative_criteria.json"),
): AdministrativeCriterion[] {
  return parseAdministrativeCriteria(JSON.parse(read(path)) as unknown);
}
