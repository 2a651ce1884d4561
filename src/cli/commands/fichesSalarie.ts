// `passerelle fiches-salarie …`: the ASP side of the fiches salarié besides the export
// (`passerelle export fiches-salarie`):
//   fiches-salarie retour <file> [--dry-run] [--json]   ingest an ASP return file (…_FichierRetour.json)
//   fiches-salarie completer --contrat <id> --champs <json> [--json]
//                                                        enter the ASP-only fields of a hiring
// Exit codes: 0 ok, 1 invalid input (nothing written), 2 other failure.
import type { Command } from "commander";
import { fixedClock } from "../../domain/calendar/clock.js";
import { type CompleteFicheSalarieInput, completeFicheSalarie } from "../../interchange/fiche-salarie/completeFicheSalarie.js";
import { importFicheSalarieReturn } from "../../interchange/fiche-salarie/importReturnFile.js";
import { ImportInputError } from "../../interchange/importReport.js";
import { NotFoundError, OperationInputError } from "../../operations/types.js";
import { configuredCipher, InvalidInputError, printJson, withDatabase } from "../context.js";

const CLI_ACTOR = { userId: null, label: "cli" };

export function register(program: Command): void {
  const fs = program
    .command("fiches-salarie")
    .description("Fiches salarié ASP : fichiers retour, compléments de saisie (l'envoi : export fiches-salarie)");

  fs.command("retour")
    .description("Intégrer un fichier retour de l'ASP (RIAE_FS_…_FichierRetour.json) : code et libellé de traitement de chaque ligne")
    .argument("<file>", "fichier retour JSON de l'ASP")
    .option("--dry-run", "vérifier et compter sans rien enregistrer")
    .option("--json", "résultat en JSON sur la sortie standard")
    .action(async (file: string, opts: { dryRun?: boolean; json?: boolean }) => {
      await withDatabase(async (handle) => {
        let report: Awaited<ReturnType<typeof importFicheSalarieReturn>>;
        try {
          report = await importFicheSalarieReturn(handle, file, {
            pii: await configuredCipher(handle),
            actor: CLI_ACTOR,
            dryRun: opts.dryRun === true,
          });
        } catch (e) {
          if (e instanceof ImportInputError) {
            const details = e.issues
              .map((i) => `\n  ${i.file}${i.line === null ? "" : `:${i.line}`}${i.column === null ? "" : ` [${i.column}]`} : ${i.reason}`)
              .join("");
            throw new InvalidInputError(`${e.message}${details}`);
          }
          throw e;
        }
        if (opts.json) {
          printJson({
            format: report.format,
            rowsRead: report.rowsRead,
            inserted: report.inserted,
            updated: report.updated,
            unchanged: report.unchanged,
            rejected: report.rejected,
            rejections: report.rejections,
          });
          return;
        }
        const lines = [
          `${opts.dryRun ? "[simulation] " : ""}${report.rowsRead} ligne(s) lue(s) : ${report.updated} réponse(s) enregistrée(s), ${report.unchanged} déjà connue(s), ${report.rejected} non rapprochée(s).`,
        ];
        for (const r of report.rejections) lines.push(`  ${r.file}${r.line === null ? "" : `:${r.line}`} [${r.column ?? "-"}] ${r.reason}`);
        process.stdout.write(`${lines.join("\n")}\n`);
      });
    });

  fs.command("completer")
    .description("Compléter la fiche salarié d'une embauche (commune de naissance, adresse découpée, situation à l'embauche)")
    .requiredOption("--contrat <id>", "identifiant du contrat initial (embauche)")
    .requiredOption(
      "--champs <json>",
      `champs ASP en JSON, ex. '{"birthCommuneCode":"62178","salarieEnEmploi":false,"salarieSansEmploiDepuis":"04"}' (null efface)`,
    )
    .option("--json", "résultat en JSON sur la sortie standard")
    .action(async (opts: { contrat: string; champs: string; json?: boolean }) => {
      await withDatabase(async (handle) => {
        let fields: unknown;
        try {
          fields = JSON.parse(opts.champs);
        } catch {
          throw new InvalidInputError("--champs : JSON illisible");
        }
        const contractId = Number(opts.contrat);
        const pii = await configuredCipher(handle);
        try {
          const result = await handle.withTransaction(({ db }) =>
            completeFicheSalarie(
              db,
              { clock: fixedClock(new Date().toISOString().slice(0, 10)), pii, actor: CLI_ACTOR },
              { contractId, fields: fields as CompleteFicheSalarieInput["fields"] },
            ),
          );
          if (opts.json) printJson(result);
          else
            process.stdout.write(
              `Fiche salarié du contrat n° ${result.contractId} complétée (${Object.keys(result.data).length} champ(s) renseigné(s)).\n`,
            );
        } catch (e) {
          if (e instanceof OperationInputError) throw new InvalidInputError(e.message);
          if (e instanceof NotFoundError) throw new InvalidInputError(`Contrat introuvable : ${opts.contrat}`);
          throw e;
        }
      });
    });
}
