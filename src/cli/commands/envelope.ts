// `passerelle envelope --departement <code> --year <YYYY> --at <YYYY-MM-DD> [--json]`: the envelope and its
// year-end forecast (docs/steering.md); `passerelle envelope backtest --departement <code> --year <YYYY> [--json]`:
// the forecast projected from each month-end of a past year, compared with what happened.
import type { Command } from "commander";
import { DomainRuleError } from "../../domain/errors.js";
import { describeScope, ScopeError } from "../../indicators/scope.js";
import { envelopeAt, envelopeBacktest } from "../../queries/envelope.js";
import { formatEuros, formatNumber, formatPercent } from "../../reports/format.js";
import { InvalidInputError, printJson, withDatabase } from "../context.js";
import { parseDateOption, parseDepartementOption, parsedOptions, parseYear } from "../options.js";

interface EnvelopeOptions {
  departement?: string;
  year?: string;
  at?: string;
  json?: boolean;
}

/** Validates the options; errors are invalid input (exit 1). */
export function envelopeOptions(opts: EnvelopeOptions, needAt: boolean): { departement: string; year: number; at: string } {
  const departement = parseDepartementOption(opts.departement);
  const year = parseYear(opts.year);
  if (!needAt) return { departement, year, at: `${year}-12-31` };
  if (opts.at === undefined) throw new InvalidInputError("indiquer --at <AAAA-MM-JJ>");
  parseDateOption(opts.at, "--at");
  if (!opts.at.startsWith(`${year}-`)) throw new InvalidInputError(`--at : ${opts.at} n'est pas dans l'année ${year}`);
  return { departement, year, at: opts.at };
}

const invalid = (error: unknown): never => {
  if (error instanceof ScopeError || error instanceof DomainRuleError) throw new InvalidInputError(error.message);
  throw error;
};

export function register(program: Command): void {
  const envelope = program
    .command("envelope")
    .description("Enveloppe d'un département : ETP réalisés, aide au poste versée, projection de fin d'année et alertes")
    .option("--departement <code>", "département (ex. 62)")
    .option("--year <AAAA>", "année de l'enveloppe")
    .option("--at <date>", "date d'observation dans l'année (AAAA-MM-JJ) : rien de déclaré pour un mois postérieur n'est lu")
    .option("--json", "sortie JSON (un seul document sur stdout)")
    .addHelpText(
      "after",
      "\nExemples :\n  passerelle envelope --departement 62 --year 2019 --at 2019-06-30 --json\n  passerelle envelope backtest --departement 62 --year 2019 --json\n",
    )
    .action(async (opts: EnvelopeOptions) => {
      const o = parsedOptions(() => envelopeOptions(opts, true));
      if (!o) return;
      await withDatabase(async (handle) => {
        const scope = { type: "departement" as const, code: o.departement };
        const label = await describeScope(handle.db, scope).catch(invalid);
        const view = await envelopeAt(handle.db, scope, label, o.year, o.at).catch(invalid);
        if (opts.json) return printJson(view);
        const lines = [
          `Enveloppe ${o.year} — ${label}, au ${o.at}`,
          `ETP conventionnés : ${formatNumber(view.etp.conventionnes, 1)} ; réalisés à date : ${formatNumber(view.etp.realisesToDate, 1)}`,
          `Projection de fin d'année : ${formatNumber(view.etp.projectedYearEnd, 1)} ETP (intervalle ${formatNumber(view.etp.projectedInterval.low, 1)} – ${formatNumber(view.etp.projectedInterval.high, 1)}), taux ${formatPercent(view.etp.projectedRate, 1)}`,
          `Aide au poste conventionnée : ${formatEuros(view.budget.conventionne)} ; versée à date : ${formatEuros(view.budget.paidToDate)} ; projetée : ${formatEuros(view.budget.projectedYearEnd)} ; non consommée projetée : ${formatEuros(view.budget.projectedUnused)}`,
          ...view.fundingLines.map(
            (l) =>
              `  · ${l.label} : conventionné ${formatEuros(l.conventionne)} ; versé à date ${formatEuros(l.paidToDate)} ; projeté ${formatEuros(l.projectedYearEnd)} ; non consommé projeté ${formatEuros(l.projectedUnused)}`,
          ),
          `Alertes : ${view.alerts.under} structure(s) projetée(s) sous 90 %, ${view.alerts.over} au-dessus de 105 %`,
          ...view.structures
            .filter((s) => s.alert !== null)
            .map((s) => `  · ${s.name} (${s.kind}) : ${formatPercent(s.projectedRate, 1)} ${s.alert === "under" ? "< 90 %" : "> 105 %"}`),
        ];
        process.stdout.write(`${lines.join("\n")}\n`);
      });
    });
  envelope
    .command("backtest")
    .description("Mesure de la projection : projette une année passée depuis chaque fin de mois et compare au réalisé")
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<EnvelopeOptions>();
      const o = parsedOptions(() => envelopeOptions(opts, false));
      if (!o) return;
      await withDatabase(async (handle) => {
        const scope = { type: "departement" as const, code: o.departement };
        const label = await describeScope(handle.db, scope).catch(invalid);
        const result = await envelopeBacktest(handle.db, scope, o.year).catch(invalid);
        if (opts.json) return printJson({ scope: label, ...result });
        const lines = [
          `Rétro-test de la projection ${o.year} — ${label}`,
          ...result.months.map(
            (m) =>
              `  ${m.at} : projeté ${formatNumber(m.projectedEtp, 1)} ETP, réalisé ${formatNumber(m.actualEtp, 1)}, écart ${formatNumber(m.absError, 1)} (${formatPercent(m.relError, 1)})`,
          ),
          `Erreur absolue moyenne par structure : ${formatNumber(result.meanAbsErrorStructures, 2)} ETP (${formatPercent(result.meanRelErrorStructures, 1)})`,
          `Erreur relative moyenne du département : ${formatPercent(result.meanRelErrorArea, 1)}`,
        ];
        process.stdout.write(`${lines.join("\n")}\n`);
      });
    });
}
