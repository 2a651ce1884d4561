// passerelle generate --scale <national|departement|<factor>> --out <folder> [--seed N] [--years N] [--json]
// (design §5) — synthetic FluxIAE view files (gzip) for benchmarks, to be loaded with `passerelle import <folder>`;
// then `passerelle generate steering [--seed N] [--out <folder>] [--at <date>] [--departement <code>] [--json]` adds
// what a FluxIAE delivery cannot carry: follow-ups after exit and a contrôle campaign in progress (docs/steering.md).
import type { Command } from "commander";
import { generateFluxIae } from "../../interchange/fluxiae-generator/generateFluxIae.js";
import { addGeneratedSteeringShapes } from "../../interchange/fluxiae-generator/steeringShapes.js";
import { configuredCipher, InvalidInputError, printJson, withDatabase } from "../context.js";
import { reportCliError } from "../io.js";
import { parseDateOption, parseDepartementOption, parsedOptions } from "../options.js";

interface GenerateCliOptions {
  scale?: string;
  out?: string;
  seed?: string;
  years?: string;
  json?: boolean;
}

export function parseScale(value: string): { factor: number; departement?: string } {
  if (value === "national") return { factor: 1 };
  // One real département (Pas-de-Calais, 117 structures) at its real size.
  if (value === "departement") return { factor: 1, departement: "062" };
  const f = Number(value.replace(",", "."));
  if (!Number.isFinite(f) || f <= 0 || f > 20)
    throw new RangeError(`--scale : « ${value} » invalide (national, departement ou un facteur entre 0 et 20)`);
  return { factor: f };
}

export function register(program: Command): void {
  const generate = program
    .command("generate")
    .description("Générer des données synthétiques nationales au format FluxIAE (vues gzip) pour les bancs d'essai")
    .option("--scale <scale>", "national, departement (Pas-de-Calais) ou un facteur (0.1 = un dixième du national)")
    .option("--out <folder>", "dossier de sortie")
    .option("--seed <n>", "graine (même graine, mêmes fichiers)", "1")
    .option("--years <n>", "nombre d'années (à partir de 2018)", "2")
    .option("--json", "un document JSON sur la sortie standard")
    .action(async (opts: GenerateCliOptions) => {
      const seed = Number(opts.seed ?? "1");
      const years = Number(opts.years ?? "2");
      const parsed = parsedOptions(() => {
        if (opts.scale === undefined || opts.out === undefined) throw new InvalidInputError("--scale et --out sont obligatoires");
        if (!Number.isInteger(seed) || seed < 0) throw new InvalidInputError("--seed : entier ≥ 0 attendu");
        if (!Number.isInteger(years) || years < 1 || years > 10) throw new InvalidInputError("--years : entier entre 1 et 10 attendu");
        return { scale: parseScale(opts.scale), out: opts.out };
      });
      if (parsed === undefined) return;
      const { scale, out } = parsed;
      try {
        const summary = await generateFluxIae({ ...scale, out, seed, years, log: (s) => process.stderr.write(`${s}\n`) });
        if (opts.json) printJson(summary);
        else
          process.stdout.write(
            `${summary.structures} structures, ${summary.people} salariés, ${summary.monthlyRows} états mensuels, ${summary.exits} sorties en ${(summary.durationMs / 1000).toFixed(1)} s → ${out}\n`,
          );
      } catch (error) {
        reportCliError(error, 2);
      }
    });
  generate
    .command("steering")
    .description(
      "Après l'import d'une livraison générée : suivis après sortie (fichiers CSV du suivi, importés) et une campagne de contrôle en cours",
    )
    .option("--at <date>", "date du jour des données (défaut : 15 janvier de l'année suivant le dernier mois déclaré)")
    .option("--departement <code>", "département de la campagne (défaut : celui qui a le plus d'embauches)")
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ seed?: string; out?: string; at?: string; departement?: string; json?: boolean }>();
      const o = parsedOptions(() => {
        const seed = Number(opts.seed ?? "1");
        if (!Number.isInteger(seed) || seed < 0) throw new InvalidInputError("--seed : entier ≥ 0 attendu");
        if (opts.at !== undefined) parseDateOption(opts.at, "--at");
        const departement = opts.departement === undefined ? undefined : parseDepartementOption(opts.departement);
        return { seed, asOf: opts.at, departement, out: opts.out };
      });
      if (!o) return;
      await withDatabase(async (handle) => {
        const pii = await configuredCipher(handle);
        const summary = await handle.db.transaction().execute((trx) => addGeneratedSteeringShapes(trx, pii, o));
        if (opts.json) return printJson(summary);
        const c = summary.campaign;
        process.stdout.write(
          `Au ${summary.asOf} : ${summary.followUps.lines} suivis après sortie importés (${summary.followUps.structures} structures, ${summary.followUps.dueExits} échéances passées), ` +
            `${summary.autoPrescribed} embauches sur diagnostic de la SIAE, ` +
            (c === null
              ? "aucune campagne de contrôle (aucune embauche)\n"
              : `campagne de contrôle n° ${c.id} (département ${c.departement}, ${c.from} – ${c.to}, graine ${c.seed}) : ${c.selected} structures contrôlées sur ${c.eligible} éligibles\n`),
        );
      });
    });
}
