// `passerelle report --departement <code> --year <YYYY> --format <html|pdf|csv|xlsx> --out <path>` (design §5);
// also --region <code> or --nation. CSV: --out is a folder (one file per table) or a .zip archive.
import type { Command } from "commander";
import { REPORT_FORMATS, type ReportFormat } from "../../contracts/reports.js";
import { parseDepartementCode, parseRegionCode, ScopeError } from "../../contracts/target.js";
import type { ReportScope } from "../../reports/reportModel.js";
import { writeReport } from "../../reports/writeReport.js";
import { InvalidInputError, printJson, withDatabase } from "../context.js";
import { parseDateOption, parsedOptions, parseYear, todayIso } from "../options.js";

interface ReportOptions {
  departement?: string;
  region?: string;
  nation?: boolean;
  year: string;
  format: string;
  out: string;
  generatedOn?: string;
  json?: boolean;
}

export function reportScopeFromOptions(opts: Pick<ReportOptions, "departement" | "region" | "nation">): ReportScope {
  const chosen = [opts.departement !== undefined, opts.region !== undefined, opts.nation === true].filter(Boolean).length;
  if (chosen !== 1) throw new InvalidInputError("indiquer un seul périmètre : --departement <code>, --region <code> ou --nation");
  try {
    if (opts.nation) return { type: "nation" };
    if (opts.departement !== undefined) return { type: "departement", code: parseDepartementCode(opts.departement) };
    return { type: "region", code: parseRegionCode(opts.region ?? "") };
  } catch (error) {
    if (error instanceof ScopeError) throw new InvalidInputError(error.message);
    throw error;
  }
}

export function register(program: Command): void {
  program
    .command("report")
    .description("Bilan annuel de l'IAE d'un département, d'une région ou de la France (HTML, PDF, CSV, XLSX)")
    .option("--departement <code>", "code INSEE du département (ex. 62)")
    .option("--region <code>", "code INSEE de la région (ex. 32)")
    .option("--nation", "France entière")
    .requiredOption("--year <AAAA>", "année du bilan")
    .requiredOption("--format <format>", "html, pdf, csv (dossier ou .zip) ou xlsx")
    .requiredOption("--out <chemin>", "fichier (ou dossier pour csv) à écrire")
    .option("--generated-on <date>", "date imprimée sur le bilan (défaut : aujourd'hui)")
    .option("--json", "résumé JSON sur stdout")
    .addHelpText(
      "after",
      "\nExemples :\n  passerelle report --departement 62 --year 2019 --format pdf --out bilan-62-2019.pdf\n  passerelle report --departement 62 --year 2019 --format csv --out bilan-62-2019/\n",
    )
    .action(async (opts: ReportOptions) => {
      const generatedOn = opts.generatedOn ?? todayIso();
      const parsed = parsedOptions(() => {
        const scope = reportScopeFromOptions(opts);
        const year = parseYear(opts.year);
        if (!(REPORT_FORMATS as readonly string[]).includes(opts.format))
          throw new InvalidInputError(`--format : « ${opts.format} » inconnu (html, pdf, csv, xlsx)`);
        parseDateOption(generatedOn, "--generated-on");
        return { scope, year, format: opts.format as ReportFormat };
      });
      if (parsed === undefined) return;
      const { scope, year, format } = parsed;
      await withDatabase(async (handle) => {
        process.stderr.write(`Calcul du bilan ${year}…\n`);
        const written = await writeReport(handle.db, { scope, year, generatedOn }, format, opts.out).catch((error: unknown) => {
          if (error instanceof ScopeError) throw new InvalidInputError(error.message);
          throw error;
        });
        const i = written.model.indicators;
        if (opts.json)
          printJson({
            format,
            out: written.out,
            files: written.files,
            bytes: written.bytes,
            scope: i.scope,
            year,
            figures: {
              structures: i.structures.total,
              etpConventionnes: i.etp.conventionnes,
              entered: i.people.entered,
              budgetState: i.budget.state,
              rsaShare: i.people.rsaShare,
            },
          });
        else
          process.stdout.write(
            `Bilan ${year} — ${written.model.scopeLabel} écrit dans ${written.out} (${written.files.length} fichier(s), ${written.bytes} octets).\n`,
          );
      });
    });
}
