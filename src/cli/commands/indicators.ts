// `passerelle indicators --scope <nation|region:<code>|departement:<code>|structure:<id>> (--year <YYYY> | --from <date> --to <date>) [--at <date>] [--json]`
// (design §5). JSON: the computeIndicators shape (+ series / structure table on request).
import type { Command } from "commander";
import { computeIndicators } from "../../indicators/computeIndicators.js";
import { computeSeries } from "../../indicators/computeSeries.js";
import { parseScope, ScopeError } from "../../contracts/target.js";
import { parseKindFilter } from "../../indicators/scope.js";
import { computeStructureTable } from "../../indicators/structureTable.js";
import { formatChange, formatEuros, formatNumber, formatPercent } from "../../reports/format.js";
import { InvalidInputError, printJson, withDatabase } from "../context.js";
import { cliIo } from "../io.js";
import { parseDateOption, parsedOptions } from "../options.js";

interface IndicatorsOptions {
  scope: string;
  year?: string;
  from?: string;
  to?: string;
  at?: string;
  kind?: string;
  series?: boolean;
  structures?: boolean;
  previous?: boolean;
  json?: boolean;
}

/** Resolves --year or --from/--to into a period; errors are invalid input (exit 1). */
export function periodFromOptions(opts: { year?: string; from?: string; to?: string }): { from: string; to: string } {
  if (opts.year !== undefined) {
    if (opts.from !== undefined || opts.to !== undefined) throw new InvalidInputError("--year ne se combine pas avec --from/--to");
    if (!/^(19|20|21)[0-9]{2}$/.test(opts.year)) throw new InvalidInputError(`--year : année invalide « ${opts.year} » (ex. 2019)`);
    return { from: `${opts.year}-01-01`, to: `${opts.year}-12-31` };
  }
  if (opts.from === undefined || opts.to === undefined) throw new InvalidInputError("indiquer --year <AAAA> ou --from <date> --to <date>");
  for (const [name, v] of [
    ["--from", opts.from],
    ["--to", opts.to],
  ] as const)
    if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(v)) throw new InvalidInputError(`${name} : date invalide « ${v} » (format AAAA-MM-JJ)`);
  return { from: opts.from, to: opts.to };
}

function asInvalid(error: unknown): never {
  if (error instanceof ScopeError) throw new InvalidInputError(error.message);
  throw error;
}

export function register(program: Command): void {
  program
    .command("indicators")
    .description("Indicateurs de l'IAE d'un périmètre et d'une période (structures, ETP, salariés, sorties, enveloppe)")
    .requiredOption("--scope <périmètre>", "nation, region:<code>, departement:<code>, group:<id> ou structure:<id>")
    .option("--year <AAAA>", "année civile")
    .option("--from <date>", "début de période (AAAA-MM-JJ)")
    .option("--to <date>", "fin de période (AAAA-MM-JJ)")
    .option("--at <date>", "date d'observation des structures conventionnées (défaut : fin de période)")
    .option("--kind <type>", "restreindre à un type de SIAE (ACI, AI, EI, ETTI, EITI)")
    .option("--series", "ajouter les séries mensuelles et annuelles")
    .option("--structures", "ajouter le tableau par structure")
    .option("--no-previous", "ne pas calculer la période précédente")
    .option("--json", "sortie JSON (un seul document sur stdout)")
    .addHelpText("after", "\nExemple :\n  passerelle indicators --scope departement:62 --year 2019 --json\n")
    .action(async (opts: IndicatorsOptions) => {
      const parsed = parsedOptions(() => {
        if (opts.at !== undefined) parseDateOption(opts.at, "--at");
        return { scope: parseScope(opts.scope), period: periodFromOptions(opts), kind: parseKindFilter(opts.kind) };
      });
      if (parsed === undefined) return;
      const { scope, period, kind } = parsed;
      await withDatabase(async (handle) => {
        const base = { scope, ...period, ...(kind ? { kind } : {}) };
        const ind = await computeIndicators(handle.db, {
          ...base,
          ...(opts.at ? { at: opts.at } : {}),
          withPrevious: opts.previous !== false,
        }).catch(asInvalid);
        const series = opts.series ? await computeSeries(handle.db, base).catch(asInvalid) : undefined;
        const structureTable = opts.structures ? await computeStructureTable(handle.db, base).catch(asInvalid) : undefined;
        if (opts.json) {
          printJson({ ...ind, ...(series ? { series } : {}), ...(structureTable ? { structureTable } : {}) });
          return;
        }
        const d = ind.definitions;
        const lines = [
          `Indicateurs — ${ind.scopeLabel}${ind.kind ? ` — ${ind.kind}` : ""}, du ${ind.period.from} au ${ind.period.to}`,
          `${d.structures.label} au ${ind.at} : ${ind.structures.total} (ACI ${ind.structures.byKind.ACI}, AI ${ind.structures.byKind.AI}, EI ${ind.structures.byKind.EI}, ETTI ${ind.structures.byKind.ETTI}, EITI ${ind.structures.byKind.EITI}) ; créées depuis 2 ans : ${ind.structures.createdLast2Years}`,
          `${d.etpConventionnes.label} : ${formatNumber(ind.etp.conventionnes, 1)} (${formatChange(ind.change?.etpConventionnes.relative ?? null)}) ; ${d.etpRealises.label} : ${formatNumber(ind.etp.realises, 1)} ; ${d.tauxRealisation.label} : ${formatPercent(ind.etp.tauxRealisation, 1)}`,
          `${d.peoplePresent.label} : ${formatNumber(ind.people.present)} ; ${d.peopleEntered.label} : ${formatNumber(ind.people.entered)} ; ${d.rsaShare.label} : ${formatPercent(ind.people.rsaShare)}`,
          `${d.exitsExamined.label} : ${ind.exits.examined} (durables ${ind.exits.byCategory.durable}, transition ${ind.exits.byCategory.transition}, positives ${ind.exits.byCategory.positive}, autres ${ind.exits.byCategory.other}) ; ${d.dynamicRate.label} : ${formatPercent(ind.exits.dynamicRate)}`,
          `${d.budget.label} : ${formatEuros(ind.budget.total)} dont État ${formatEuros(ind.budget.state)}, conseil départemental ${formatEuros(ind.budget.departement)} ; part modulée ${formatEuros(ind.budget.modulated)}`,
          ...ind.budget.fundingLines.map((l) => `  · ${l.label} : ${formatEuros(l.amount)}`),
          ...(["at6Months", "at12Months"] as const).map((h) => {
            const f = ind.followUp[h];
            const rates = f.withheld
              ? `taux non publiés (${f.withheldReason})`
              : `en emploi ${formatPercent(f.employedRate)}, en emploi durable ${formatPercent(f.durableEmployedRate)}`;
            return `Suivi à ${h === "at6Months" ? 6 : 12} mois : ${f.due ?? "< 5"} sorties à suivre, ${f.known ?? "< 5"} situations connues (inconnues : ${formatPercent(f.unknownShare)}) ; ${rates}`;
          }),
          "Définitions : passerelle indicators … --json (clé « definitions »).",
        ];
        cliIo().out(`${lines.join("\n")}\n`);
      });
    });
}
