import type { Command } from "commander";
import { type BaremeRow, parseBaremeKind, parseTerritory, simulateAf, type Territory } from "../../domain/aid/index.js";
import { parseIsoDate } from "../../domain/calendar/isoDate.js";
import { DomainRuleError } from "../../domain/errors.js";
import { formatEurosFr, parseDecimal } from "../../domain/money/money.js";
import { parseSiaeKind } from "../../domain/structures/kinds.js";
import { loadAnnualHours, loadBareme } from "../../reference/loadReferenceFiles.js";
import type { AnnualHoursRow } from "../../domain/aid/index.js";

interface SimulateAfOptions {
  kind: string;
  etp: string;
  from: string;
  to: string;
  unit?: string;
  modulation?: string;
  territory?: string;
  json?: boolean;
}

/** Maps a rule id to the CLI option that carried the value. */
const OPTION_OF_RULE: readonly [string, string][] = [
  ["structure.kind", "--kind"],
  ["bareme.kind", "--kind"],
  ["aid.simulate.etp", "--etp"],
  ["cli.etp", "--etp"],
  ["cli.from", "--from"],
  ["cli.to", "--to"],
  ["aid.simulate.period", "--from/--to"],
  ["cli.unit", "--unit"],
  ["aid.simulate.unit", "--unit"],
  ["bareme.notFound", "--unit"],
  ["cli.modulation", "--modulation"],
  ["aid.modulation", "--modulation"],
  ["bareme.territory", "--territory"],
  ["aid.simulate.territory", "--territory"],
  ["aid.simulate.eitiFlat", "--unit"],
];

function optionOf(rule: string): string {
  return OPTION_OF_RULE.find(([r]) => rule === r || rule.startsWith(`${r}.`))?.[1] ?? "option";
}

export function runSimulateAf(opts: SimulateAfOptions, out: (s: string) => void, err: (s: string) => void): number {
  let bareme: BaremeRow[];
  let annualHours: AnnualHoursRow[];
  try {
    bareme = loadBareme();
    annualHours = loadAnnualHours();
  } catch (e) {
    // A broken reference file is not the user's input: exit code 2 (design §5).
    err(`Erreur : fichier de référence illisible (data/reference/passerelle/) : ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  try {
    const kind = parseSiaeKind(opts.kind);
    parseBaremeKind(kind);
    const etp = parseDecimal(opts.etp, "cli.etp");
    const from = parseIsoDate(opts.from, "cli.from");
    const to = parseIsoDate(opts.to, "cli.to");
    const territory: Territory = opts.territory === undefined ? "droit_commun" : parseTerritory(opts.territory);
    const sim = simulateAf(
      {
        kind,
        etp,
        from,
        to,
        territory,
        ...(opts.unit !== undefined ? { unit: parseDecimal(opts.unit, "cli.unit") } : {}),
        ...(opts.modulation !== undefined ? { modulationPercent: parseDecimal(opts.modulation, "cli.modulation") } : {}),
      },
      bareme,
      { annualHours },
    );
    if (opts.json === true) {
      out(
        `${JSON.stringify({ kind: sim.kind, unitAmount: sim.unitAmount, hoursPerEtp: sim.hoursPerEtp, months: sim.months, total: sim.total, modulatedAmount: sim.modulatedAmount, monthly: sim.monthly.map((m) => ({ month: m.month, amount: m.amount })) })}\n`,
      );
      return 0;
    }
    const lines = [
      `Simulation de l'aide au poste — ${sim.kind} (${sim.territory})`,
      `Période : du ${from} au ${to} (${sim.months} mois)`,
      `ETP conventionnés : ${etp.toString()}`,
      `Montant socle par ETP : ${formatEurosFr(sim.unitAmount)}`,
      `Heures par ETP (défaut du type) : ${sim.hoursPerEtp ?? "—"}`,
      `Montant total (socle) : ${formatEurosFr(sim.total)}`,
      `Part modulée (${sim.modulationPercent} %) : ${formatEurosFr(sim.modulatedAmount)}, versée en une fois (indicatif : ${sim.modulatedPaymentMonth})`,
      "",
      "Mois      Montant            Régularisation",
      ...sim.monthly.map((m) => `${m.month}   ${formatEurosFr(m.amount).padStart(16)}   ${m.regularisation ? "possible" : ""}`),
    ];
    out(`${lines.join("\n")}\n`);
    return 0;
  } catch (e) {
    if (e instanceof DomainRuleError) {
      err(`Erreur ${optionOf(e.rule)} : ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

export function register(program: Command): void {
  const simulate =
    program.commands.find((c) => c.name() === "simulate") ?? program.command("simulate").description("Simulations (aide au poste…)");
  simulate
    .command("af")
    .description("Simule l'aide au poste d'une annexe financière (barème en vigueur à --from sauf --unit)")
    .requiredOption("--kind <kind>", "type de SIAE : ACI, AI, EI, ETTI, EITI")
    .requiredOption("--etp <n>", "ETP d'insertion conventionnés (ex. 7.95)")
    .requiredOption("--from <date>", "début de l'annexe (AAAA-MM-JJ)")
    .requiredOption("--to <date>", "fin de l'annexe (AAAA-MM-JJ)")
    .option("--unit <euros>", "montant socle annuel par ETP (sinon barème)")
    .option("--modulation <0-10>", "part modulée en % (0–10, 0–5 en milieu pénitentiaire)")
    .option("--territory <territory>", "droit_commun (défaut), penitentiaire, mayotte")
    .option("--json", "un document JSON sur la sortie standard")
    .action((opts: SimulateAfOptions) => {
      const code = runSimulateAf(
        opts,
        (s) => process.stdout.write(s),
        (s) => process.stderr.write(s),
      );
      if (code !== 0) process.exitCode = code;
    });
}
