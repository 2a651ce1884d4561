// The one entry point for imports (CLI `passerelle import`, and the HTTP upload of the web app):
// detect the format by the bytes, then run the matching importer. Every importer runs in one
// transaction and records an import_run with its rejections. The caller says where the import may
// write (docs/imports.md): the nation for the command line, the uploader's territory for the web.
import path from "node:path";
import type { DatabaseHandle } from "../db/connection.js";
import type { Actor } from "../db/audit.js";
import { vacuumAfterBulkLoad } from "../db/rollups.js";
import type { PersonalDataCipher } from "../security/personalData.js";
import { importAspList } from "./asp-lists/importAspList.js";
import { detectFormat } from "./detectFormat.js";
import { importFluxIae } from "./fluxiae/importFluxIae.js";
import { ImportInputError, type ImportReport } from "./importReport.js";
import type { ImportTerritory } from "./importTerritory.js";

export interface ImportPathOptions {
  /** Where the import may write: rows placed elsewhere are refused (importTerritory.ts). */
  territory: ImportTerritory;
  dryRun?: boolean;
  actor?: Actor;
  /** Cipher for NIR / PASS numbers (FluxIAE Salarie). */
  pii?: PersonalDataCipher | null;
  /** Name of the file as uploaded / given by the user (reports, import_run.source). */
  originalName?: string;
  /** Statistics-only deployments: NIR/PASS → keyed hashes, names and contacts dropped, birth date → year. */
  pseudonymise?: boolean;
  /** Progress (rows read so far, total when known, what is being read). */
  onProgress?: (done: number, total: number | null, what: string) => void;
}

export async function importPath(handle: DatabaseHandle, pathOnDisk: string, options: ImportPathOptions): Promise<ImportReport> {
  const originalName = options.originalName ?? path.basename(pathOnDisk);
  const format = await detectFormat(pathOnDisk, originalName);
  const progress = options.onProgress;
  switch (format) {
    case "asp-liste-siae":
      return importAspList(handle, pathOnDisk, {
        dryRun: options.dryRun,
        actor: options.actor,
        territory: options.territory,
        originalName,
        onProgress: progress ? (done, total) => progress(done, total, "structures") : undefined,
      });
    case "fluxiae": {
      const report = await importFluxIae(handle, pathOnDisk, {
        dryRun: options.dryRun,
        actor: options.actor,
        territory: options.territory,
        pii: options.pii ?? null,
        pseudonymise: options.pseudonymise,
        originalName,
        onProgress: progress ? (done, view) => progress(done, null, view) : undefined,
      });
      if (!options.dryRun && report.inserted + report.updated > 0) await vacuumAfterBulkLoad(handle.db);
      return report;
    }
    case "fiche-salarie-retour":
      throw new ImportInputError(
        `${originalName} : fichier retour de fiches salarié de l'ASP — utilisez « passerelle fiches-salarie retour ${originalName} ».`,
        [{ file: originalName, line: null, column: null, reason: "fichier retour fiche salarié : commande fiches-salarie retour" }],
      );
  }
}
