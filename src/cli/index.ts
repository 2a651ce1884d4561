#!/usr/bin/env node
// CLI entry: `passerelle <command>` (package bin) or `npm run cli -- <command>`.
// Every file in ./commands/ exporting `register(program)` adds its command (one file per command).
// Conventions (design §5): --help everywhere; --json prints ONE JSON document on stdout (progress and
// logs on stderr); exit 0 on success, 1 on invalid input (nothing written), 2 on other failure.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Command, CommanderError } from "commander";
import { cliIo, reportCliError } from "./io.js";

const COMMANDS_DIR = new URL("./commands/", import.meta.url);
/**
 * Which file registers which command, with its help line: written by `npm run build` beside the
 * compiled CLI (writeCommandManifest), so that `passerelle --help` loads no command module and
 * `passerelle <command>` loads only its own (the others import the database layer, reports, etc.).
 * Without it (sources run by tsx) or when it does not list the same files, every module is loaded.
 */
const MANIFEST = new URL("./commands.json", import.meta.url);
type Manifest = { file: string; commands: { name: string; term: string; description: string }[] }[];

function commandFiles(): string[] {
  return readdirSync(fileURLToPath(COMMANDS_DIR))
    .filter((f) => /\.(ts|js)$/.test(f) && !/\.test\.(ts|js)$/.test(f) && !f.endsWith(".d.ts"))
    .sort();
}

function newProgram(): Command {
  return new Command("passerelle")
    .description("Passerelle — système d'information de l'insertion par l'activité économique (IAE)")
    .showHelpAfterError()
    .configureOutput({ writeOut: (text) => cliIo().out(text), writeErr: (text) => cliIo().err(text) })
    .exitOverride();
}

async function registerFile(program: Command, file: string): Promise<void> {
  const mod = (await import(new URL(file, COMMANDS_DIR).href)) as { register?: (p: Command) => void };
  mod.register?.(program);
}

function readManifest(files: readonly string[]): Manifest | null {
  try {
    const manifest = JSON.parse(readFileSync(MANIFEST, "utf8")) as Manifest;
    const listed = manifest.map((e) => e.file).sort();
    return listed.length === files.length && listed.every((f, i) => f === files[i]) ? manifest : null;
  } catch {
    return null;
  }
}

/** The program; with `argv`, only what that command line needs when the manifest allows it. */
export async function buildProgram(argv?: readonly string[]): Promise<Command> {
  const program = newProgram();
  const files = commandFiles();
  const manifest = argv ? readManifest(files) : null;
  if (manifest && argv) {
    const wanted = argv.slice(2).find((a) => !a.startsWith("-"));
    if (wanted === undefined) {
      // Top-level help: each command as a stub with its help line.
      const terms = new Map<string, string>();
      for (const entry of manifest)
        for (const c of entry.commands) {
          program.command(c.name).description(c.description);
          terms.set(c.name, c.term);
        }
      const standard = program.createHelp();
      program.configureHelp({ subcommandTerm: (cmd) => terms.get(cmd.name()) ?? standard.subcommandTerm(cmd) });
      return program;
    }
    const entry = manifest.find((e) => e.commands.some((c) => c.name === wanted));
    if (entry) {
      await registerFile(program, entry.file);
      return program;
    }
  }
  for (const file of files) await registerFile(program, file);
  return program;
}

/** Writes the manifest beside the compiled CLI (npm run build). */
export async function writeCommandManifest(): Promise<void> {
  const help = newProgram().createHelp();
  const manifest: Manifest = [];
  for (const file of commandFiles()) {
    const program = newProgram();
    await registerFile(program, file);
    manifest.push({
      file,
      commands: program.commands.map((c) => ({ name: c.name(), term: help.subcommandTerm(c), description: c.description() })),
    });
  }
  writeFileSync(MANIFEST, `${JSON.stringify(manifest, null, 1)}\n`);
}

/**
 * Runs one command line (argv as process.argv: node, script, arguments); sets process.exitCode. A read-only
 * command on the embedded database held by a running server is run by that server (src/cli/remote.ts).
 */
export async function runCli(argv: readonly string[] = process.argv): Promise<void> {
  const { runThroughServer } = await import("./remote.js");
  if (await runThroughServer(argv)) return;
  await runCliHere(argv);
}

/** Runs one command line in this process, writing to the current CLI output (src/cli/io.ts). */
export async function runCliHere(argv: readonly string[]): Promise<void> {
  const io = cliIo();
  const program = await buildProgram(argv);
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help / --version exit 0; usage errors are invalid input.
      io.exitCode = error.exitCode === 0 ? 0 : 1;
      return;
    }
    reportCliError(error, io.exitCode && io.exitCode !== 0 ? io.exitCode : 2);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await runCli();
}
