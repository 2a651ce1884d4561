// passerelle import <file|folder|archive> [--dry-run] [--json] [--pseudonymise]   (design §5)
// Detects the format (ASP list of SIAE, FluxIAE view or delivery) and imports it in one transaction.
// --json: one JSON document on stdout { format, rowsRead, inserted, updated, unchanged, rejected,
// rejections: [{ file, line, column, reason }], importRunId, warnings, dryRun, durationMs };
// progress on stderr. The command line imports for the whole nation (docs/imports.md). Exit 0 done (rows may be rejected: see the report), 1 invalid input (nothing
// written), 2 other failure.
import { existsSync } from "node:fs";
import cliProgress from "cli-progress";
import type { Command } from "commander";
import { importPath } from "../../interchange/importPath.js";
import { ImportInputError, type ImportReport } from "../../interchange/importReport.js";
import { NATION } from "../../interchange/importTerritory.js";
import type { PersonalDataCipher } from "../../security/personalData.js";
import { KeyMismatchError } from "../../security/keyBinding.js";
import type { DatabaseHandle } from "../../db/connection.js";
import { configuredCipher, InvalidInputError, printJson, withDatabase } from "../context.js";

interface ImportOptions {
  dryRun?: boolean;
  json?: boolean;
  pseudonymise?: boolean;
}

const MAX_LISTED = 20;

/** Without a key (PostgreSQL and no PASSERELLE_SECRET_KEY), NIRs are not imported; a wrong key stops the import. */
async function cipherOrNull(handle: DatabaseHandle): Promise<PersonalDataCipher | null> {
  try {
    return await configuredCipher(handle);
  } catch (error) {
    if (error instanceof KeyMismatchError) throw error;
    process.stderr.write(
      `Avertissement : clé de chiffrement indisponible (${error instanceof Error ? error.message : String(error)}) ; les NIR ne pourront pas être importés.\n`,
    );
    return null;
  }
}

export function formatReport(report: ImportReport): string {
  const lines = [
    `${report.dryRun ? "Simulation (--dry-run, rien n'a été écrit)" : "Import terminé"} — format ${report.format}, import n°${report.importRunId ?? "?"} en ${(report.durationMs / 1000).toFixed(1)} s`,
    `  lignes lues : ${report.rowsRead} · créées : ${report.inserted} · modifiées : ${report.updated} · inchangées : ${report.unchanged} · rejetées : ${report.rejected}`,
  ];
  const list = (title: string, issues: ImportReport["rejections"]) => {
    if (issues.length === 0) return;
    lines.push(`${title} (${issues.length}) :`);
    for (const i of issues.slice(0, MAX_LISTED))
      lines.push(`  ${i.file}${i.line ? `, ligne ${i.line}` : ""}${i.column ? `, colonne ${i.column}` : ""} : ${i.reason}`);
    if (issues.length > MAX_LISTED)
      lines.push(`  … et ${issues.length - MAX_LISTED} autres (toutes dans le rapport --json et dans la table import_rejection)`);
  };
  list("Rejets", report.rejections);
  list("Avertissements", report.warnings);
  return `${lines.join("\n")}\n`;
}

export function register(program: Command): void {
  program
    .command("import")
    .description(
      "Importer une liste ASP de SIAE (CSV), une vue FluxIAE ou une livraison FluxIAE (dossier, archive ZIP/.tar.gz, gzip) — format détecté par le contenu",
    )
    .argument("<path>", "fichier, dossier ou archive")
    .option("--dry-run", "valider et compter sans rien écrire")
    .option("--json", "un document JSON sur la sortie standard")
    .option(
      "--pseudonymise",
      "mode statistique : NIR/PASS remplacés par des empreintes, noms et contacts supprimés, année de naissance seule",
    )
    .action(async (target: string, opts: ImportOptions) => {
      if (!existsSync(target)) {
        process.stderr.write(`Erreur : ${target} introuvable.\n`);
        if (opts.json) printJson({ error: `${target} introuvable`, rejections: [] });
        process.exitCode = 1;
        return;
      }
      const bar =
        !opts.json && process.stderr.isTTY
          ? new cliProgress.SingleBar(
              { format: "{what} |{bar}| {value}{totalText} lignes", stream: process.stderr, hideCursor: true },
              cliProgress.Presets.shades_classic,
            )
          : null;
      const startedAt = Date.now();
      let barStarted = false;
      await withDatabase(async (handle) => {
        try {
          const report = await importPath(handle, target, {
            dryRun: opts.dryRun ?? false,
            actor: { userId: null, label: "cli" },
            territory: NATION,
            pii: await cipherOrNull(handle),
            pseudonymise: opts.pseudonymise ?? false,
            onProgress: (done, total, what) => {
              if (opts.json) {
                process.stderr.write(`${what} : ${done} lignes\n`);
                return;
              }
              if (!bar || Date.now() - startedAt < 1000) return;
              if (!barStarted) {
                bar.start(total ?? done, done, { what, totalText: total ? `/${total}` : "" });
                barStarted = true;
              }
              if (!total) bar.setTotal(Math.max(done, 1));
              bar.update(done, { what, totalText: total ? `/${total}` : "" });
            },
          });
          bar?.stop();
          if (opts.json) printJson(report);
          else process.stdout.write(formatReport(report));
        } catch (error) {
          bar?.stop();
          if (error instanceof ImportInputError) {
            if (opts.json) printJson({ error: error.message, rejections: error.issues });
            throw new InvalidInputError(error.message);
          }
          throw error;
        }
      });
    });
}
