// passerelle generate --scale <national|departement|<factor>> --out <folder> [--seed N] [--years N] [--json]
// (design §5) — synthetic FluxIAE view files (gzip) for benchmarks, to be loaded with `passerelle import <folder>`.
import type { Command } from "commander";
import { generateFluxIae } from "../../interchange/fluxiae-generator/generateFluxIae.js";
import { printJson } from "../context.js";

interface GenerateCliOptions {
  scale: string;
  out: string;
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
  program
    .command("generate")
    .description("Générer des données synthétiques nationales au format FluxIAE (vues gzip) pour les bancs d'essai")
    .requiredOption("--scale <scale>", "national, departement (Pas-de-Calais) ou un facteur (0.1 = un dixième du national)")
    .requiredOption("--out <folder>", "dossier de sortie")
    .option("--seed <n>", "graine (même graine, mêmes fichiers)", "1")
    .option("--years <n>", "nombre d'années (à partir de 2018)", "2")
    .option("--json", "un document JSON sur la sortie standard")
    .action(async (opts: GenerateCliOptions) => {
      let scale: { factor: number; departement?: string };
      const seed = Number(opts.seed ?? "1");
      const years = Number(opts.years ?? "2");
      try {
        scale = parseScale(opts.scale);
        if (!Number.isInteger(seed) || seed < 0) throw new RangeError("--seed : entier ≥ 0 attendu");
        if (!Number.isInteger(years) || years < 1 || years > 10) throw new RangeError("--years : entier entre 1 et 10 attendu");
      } catch (error) {
        process.stderr.write(`Erreur ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
        return;
      }
      try {
        const summary = await generateFluxIae({ ...scale, out: opts.out, seed, years, log: (s) => process.stderr.write(`${s}\n`) });
        if (opts.json) printJson(summary);
        else
          process.stdout.write(
            `${summary.structures} structures, ${summary.people} salariés, ${summary.monthlyRows} états mensuels, ${summary.exits} sorties en ${(summary.durationMs / 1000).toFixed(1)} s → ${opts.out}\n`,
          );
      } catch (error) {
        process.stderr.write(`Erreur : ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 2;
      }
    });
}
