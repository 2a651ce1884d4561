// `passerelle retention [--wet-run] [--today YYYY-MM-DD] [--json]` — anonymise people whose parcours
// ended more than 2 years ago (src/security/retention.ts). Dry run by default: reports, writes nothing.
import type { Command } from "commander";
import { parisDay } from "../../domain/calendar/parisTime.js";
import { auditRetentionDaysFromEnv, rejectionRetentionDaysFromEnv, runRetention } from "../../security/retention.js";
import { InvalidInputError, printJson, withDatabase } from "../context.js";

export function register(program: Command): void {
  program
    .command("retention")
    .description("Anonymise les personnes dont le parcours a pris fin il y a plus de 2 ans (simulation par défaut)")
    .option("--wet-run", "applique l'anonymisation (sans cette option : simulation, rien n'est écrit)")
    .option("--today <date>", "date du jour à retenir (AAAA-MM-JJ), par défaut aujourd'hui à Paris")
    .option("--json", "résultat en JSON sur la sortie standard")
    .action(async (opts: { wetRun?: boolean; today?: string; json?: boolean }) => {
      await withDatabase(async (handle) => {
        const today = opts.today ?? parisDay(new Date());
        if (!/^\d{4}-\d{2}-\d{2}$/.test(today) || Number.isNaN(Date.parse(today))) {
          throw new InvalidInputError(`--today : date invalide « ${today} » (attendu AAAA-MM-JJ).`);
        }
        const report = await runRetention(handle, {
          today,
          now: new Date(),
          wetRun: Boolean(opts.wetRun),
          rejectionRetentionDays: rejectionRetentionDaysFromEnv(),
          auditRetentionDays: auditRetentionDaysFromEnv(),
        });
        if (opts.json) {
          printJson(report);
          return;
        }
        const verb = report.dryRun ? "seraient anonymisées" : "anonymisées";
        process.stdout.write(
          `Conservation : fin de parcours avant le ${report.cutoff} (2 ans avant le ${report.today}).\n` +
            `${report.candidates} personne(s) ${verb}${report.dryRun ? " — simulation, relancez avec --wet-run pour appliquer" : ` (${report.anonymised})`}.\n` +
            `${report.rejectionsPurged} rejet(s) d'import ${report.dryRun ? "seraient supprimés" : "supprimés"} (imports de plus de ${rejectionRetentionDaysFromEnv()} jours).\n` +
            `${report.auditRowsPruned} ligne(s) du journal d'audit ${report.dryRun ? "seraient supprimées" : "supprimées"} (plus de ${auditRetentionDaysFromEnv()} jours).\n`,
        );
      });
    });
}
