// `npm run bench [-- --quick] [--only <scenario>[,<scenario>…]] [--runs N] [--scale national|<factor>] [--write] [--json]`
// Runs the benchmark scenarios (import, indicators, http, writes, footprint, years), prints a table (with --json: a
// JSON array, one object per figure, for scripts) and, for a full run (or with --write), writes
// docs/benchmarks.md and docs/benchmarks.json. Progress goes to stderr. Each figure is a median over
// several runs with its baseline measured in the same run; a scenario whose dependency is missing reports
// "non mesuré : <raison>" instead of a number. Exit 0 when the run completed (targets missed or not),
// 1 on invalid options, 2 when the harness itself failed.
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { cleanupDatasets } from "./datasets.js";
import { postgresAvailable } from "./lib/benchDatabases.js";
import { BenchContext, type BenchOptions, ensureCompiled, REPO_ROOT, SCENARIOS, type ScenarioId } from "./lib/context.js";
import { machineInfo } from "./lib/machine.js";
import { renderBenchmarksMarkdown } from "./lib/markdown.js";
import { jsonFigure, textTable } from "./lib/results.js";
import { footprintScenario } from "./scenarios/footprintScenario.js";
import { httpScenario } from "./scenarios/httpScenario.js";
import { importScenario, NATIONAL_DB, SMALL_DB } from "./scenarios/importScenario.js";
import { indicatorsScenario } from "./scenarios/indicatorsScenario.js";
import { writesScenario } from "./scenarios/writesScenario.js";
import { YEARS1_DB, YEARS2_DB, YEARS10_DB, yearsScenario } from "./scenarios/yearsScenario.js";

const RUNNERS: Record<ScenarioId, (ctx: BenchContext) => Promise<void>> = {
  import: importScenario,
  indicators: indicatorsScenario,
  http: httpScenario,
  writes: writesScenario,
  footprint: footprintScenario,
  years: yearsScenario,
};

const positiveInt = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} : entier positif attendu`);
  return n;
};

export function parseOptions(argv: readonly string[]): BenchOptions {
  const program = new Command("bench")
    .description("Mesures de performance de Passerelle (voir docs/benchmarks.md)")
    .option("--quick", "petite échelle, quelques minutes (données ×0,02, charge 5 s, 3 runs)")
    .option("--only <scenarios>", `scénarios à lancer, séparés par des virgules : ${SCENARIOS.join(", ")}`)
    .option("--runs <n>", "nombre de mesures par chiffre (médiane)", positiveInt("--runs"))
    .option("--scale <scale>", "échelle des données nationales : national ou un facteur (ex. 0.1)")
    .option("--seed <n>", "graine du générateur", positiveInt("--seed"), 1)
    .option("--seconds <n>", "durée de chaque test de charge HTTP (s)", positiveInt("--seconds"))
    .option("--connections <n>", "connexions simultanées des tests de charge", positiveInt("--connections"), 50)
    .option("--writers <n>", "salariés du scénario d'écritures", positiveInt("--writers"))
    .option("--write", "écrire docs/benchmarks.md (par défaut : seulement pour une exécution complète)")
    .option("--no-write", "ne pas écrire docs/benchmarks.md")
    .option("--json", "sortie JSON sur stdout (un objet par chiffre : scenario, measure, engine, median, p99, unit, baseline, target, met)")
    .option(
      "--database-url <url>",
      "base PostgreSQL existante déjà importée, utilisée telle quelle (ni créée ni supprimée) pour les scénarios 2 à 4",
    )
    .option("--database-description <text>", "ce que contient --database-url (libellés du rapport)")
    .option("--keep-database", "garder les bases PostgreSQL passerelle_bench* après l'exécution")
    .option("--cache-dir <dir>", "dossier de cache des livraisons générées", path.join(tmpdir(), "passerelle-bench-cache"))
    .exitOverride()
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) });
  program.parse(argv, { from: "user" });
  const o = program.opts<{
    quick?: boolean;
    only?: string;
    runs?: number;
    scale?: string;
    seed: number;
    seconds?: number;
    connections: number;
    writers?: number;
    write?: boolean;
    json?: boolean;
    keepDatabase?: boolean;
    cacheDir: string;
    databaseUrl?: string;
    databaseDescription?: string;
  }>();
  const quick = o.quick === true;
  let only: Set<ScenarioId> | null = null;
  if (o.only) {
    only = new Set();
    for (const s of o.only.split(",").map((x) => x.trim())) {
      if (!(SCENARIOS as readonly string[]).includes(s))
        throw new InvalidArgumentError(`scénario inconnu « ${s} » (${SCENARIOS.join(", ")})`);
      only.add(s as ScenarioId);
    }
  }
  const scale = o.scale ?? (quick ? "0.02" : "national");
  if (scale !== "national" && !(Number(scale) > 0 && Number(scale) <= 1))
    throw new InvalidArgumentError(`--scale : « national » ou un facteur dans ]0, 1], reçu ${scale}`);
  const explicitWrite = argv.includes("--write") ? true : argv.includes("--no-write") ? false : null;
  return {
    quick,
    runs: o.runs ?? (quick ? 3 : 7),
    only,
    scale,
    seed: o.seed,
    loadSeconds: o.seconds ?? (quick ? 5 : 30),
    connections: o.connections,
    writers: o.writers ?? (quick ? 200 : 1000),
    write: explicitWrite ?? !quick,
    json: o.json === true,
    cacheDir: path.resolve(o.cacheDir),
    keepDatabase: o.keepDatabase === true,
    databaseUrl: o.databaseUrl ?? null,
    databaseDescription: o.databaseDescription ?? null,
  };
}

export async function runBench(options: BenchOptions): Promise<BenchContext> {
  const ctx = new BenchContext(options);
  const started = new Date();
  const pg = await postgresAvailable();
  const machine = machineInfo(pg.ok ? pg.version : `indisponible (${pg.reason})`);
  ctx.log(`machine : ${machine.cpu}, ${machine.cores} cœurs, ${machine.memoryGb} Go ; Node ${machine.node}`);
  await ensureCompiled((m) => ctx.log(m));
  try {
    for (const id of SCENARIOS) {
      if (options.only && !options.only.has(id)) continue;
      ctx.log(`── scénario ${id}`);
      try {
        await RUNNERS[id](ctx);
      } catch (error) {
        // A broken scenario must not hide the others: record it as not measured, with the reason.
        ctx.add({
          scenario: id,
          label: "scénario interrompu",
          engine: "—",
          value: null,
          unit: "",
          note: `non mesuré : ${(error as Error).stack ?? String(error)}`.slice(0, 600),
        });
      }
    }
  } finally {
    await cleanupDatasets(options.keepDatabase, [NATIONAL_DB, SMALL_DB, YEARS1_DB, YEARS2_DB, YEARS10_DB]);
    ctx.removeScratch();
  }
  const ended = new Date();
  const figures = ctx.figures.map(jsonFigure);
  if (options.json) process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
  else {
    process.stdout.write(`${textTable(ctx.figures)}\n`);
    for (const n of ctx.notes) process.stdout.write(`• ${n}\n`);
  }
  if (options.write) {
    const file = path.join(REPO_ROOT, "docs/benchmarks.md");
    writeFileSync(file, renderBenchmarksMarkdown(ctx, machine, started, ended));
    const jsonFile = path.join(REPO_ROOT, "docs/benchmarks.json");
    writeFileSync(jsonFile, `${JSON.stringify(figures, null, 2)}\n`);
    ctx.log(`résultats écrits dans ${path.relative(REPO_ROOT, file)} et ${path.relative(REPO_ROOT, jsonFile)}`);
  }
  return ctx;
}

async function main(): Promise<void> {
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "commander.helpDisplayed" || code === "commander.version") process.exit(0);
    process.stderr.write(`Erreur : ${(error as Error).message}\n`);
    process.exit(1);
  }
  await runBench(options);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.join(REPO_ROOT, "bench/run.ts")) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`Erreur du banc de mesure : ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(2);
    },
  );
}
