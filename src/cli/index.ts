#!/usr/bin/env node
// CLI entry: `passerelle <command>` (package bin) or `npm run cli -- <command>`.
// Every file in ./commands/ exporting `register(program)` adds its command (one file per command).
// Conventions (design §5): --help everywhere; --json prints ONE JSON document on stdout (progress and
// logs on stderr); exit 0 on success, 1 on invalid input (nothing written), 2 on other failure.
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Command, CommanderError } from "commander";

export async function buildProgram(): Promise<Command> {
  const program = new Command("passerelle")
    .description("Passerelle — système d'information de l'insertion par l'activité économique (IAE)")
    .showHelpAfterError()
    .exitOverride();
  const dir = fileURLToPath(new URL("./commands/", import.meta.url));
  const files = readdirSync(dir)
    .filter((f) => /\.(ts|js)$/.test(f) && !/\.test\.(ts|js)$/.test(f) && !f.endsWith(".d.ts"))
    .sort();
  for (const file of files) {
    const mod = (await import(new URL(`./commands/${file}`, import.meta.url).href)) as {
      register?: (p: Command) => void;
    };
    mod.register?.(program);
  }
  return program;
}

/** Runs one command line (argv as process.argv: node, script, arguments); sets process.exitCode. */
export async function runCli(argv: readonly string[] = process.argv): Promise<void> {
  const program = await buildProgram();
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help / --version exit 0; usage errors are invalid input.
      process.exitCode = error.exitCode === 0 ? 0 : 1;
      return;
    }
    process.stderr.write(`Erreur : ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = process.exitCode && process.exitCode !== 0 ? process.exitCode : 2;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await runCli();
}
