import type { Command } from "commander";
import { schemaVersion } from "../../db/migrate.js";
import { printJson, withDatabase } from "../context.js";

export function register(program: Command): void {
  program
    .command("migrate")
    .description("Applique les migrations SQL et charge les données de référence (idempotent)")
    .option("--json", "sortie JSON")
    .action(async (opts: { json?: boolean }) => {
      await withDatabase(async (handle) => {
        const version = await schemaVersion(handle);
        const result = { engine: handle.engine, schemaVersion: version };
        if (opts.json) printJson(result);
        else process.stdout.write(`Base ${handle.engine} à jour (schéma ${version}).\n`);
      });
    });
}
