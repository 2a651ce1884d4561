// passerelle demo [--reset] [--json]   (design §5) — loads the demo département (Pas-de-Calais
// 2017–2019) into the configured database and prints the demo accounts.
import type { Command } from "commander";
import { assertDemoAllowed, DemoRefusedError } from "../../demo/demoGate.js";
import { DemoAlreadyLoadedError, type DemoSummary, loadDemo } from "../../demo/loadDemo.js";
import { configuredCipher, InvalidInputError, printJson, withDatabase } from "../context.js";

interface DemoOptions {
  reset?: boolean;
  json?: boolean;
}

export function printDemoAccounts(summary: DemoSummary, write: (s: string) => void): void {
  write("Comptes de démonstration (mot de passe : « " + summary.password + " ») :\n");
  for (const a of summary.accounts) write(`  ${a.email.padEnd(32)} ${a.description}\n`);
}

export function register(program: Command): void {
  program
    .command("demo")
    .description("Charger le département de démonstration (Pas-de-Calais, 2017–2019) et créer les comptes de démonstration")
    .option("--reset", "supprimer la démo existante puis la recharger")
    .option("--json", "un document JSON sur la sortie standard (résumé du chargement)")
    .action(async (opts: DemoOptions) => {
      await withDatabase(async (handle) => {
        let summary: DemoSummary;
        try {
          assertDemoAllowed();
          summary = await loadDemo(handle, {
            pii: await configuredCipher(handle),
            reset: opts.reset === true,
            log: (s) => process.stderr.write(`${s}\n`),
          });
        } catch (error) {
          if (error instanceof DemoAlreadyLoadedError || error instanceof DemoRefusedError) throw new InvalidInputError(error.message);
          throw error;
        }
        if (opts.json) printJson(summary);
        else {
          process.stdout.write(
            `Démo chargée : ${summary.structures.total} structures, ${summary.people} salariés, ${summary.monthlyDeclarations} états mensuels (${(summary.durationMs / 1000).toFixed(1)} s).\n`,
          );
          printDemoAccounts(summary, (s) => process.stdout.write(s));
        }
      });
    });
}
