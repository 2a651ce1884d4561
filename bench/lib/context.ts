// Shared state of one benchmark run: options, the figures collected, logging on stderr, and how to run
// the project's own CLI (`passerelle …`) as a measured child process.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type MeasuredRun, runMeasured, tail } from "./processes.js";
import type { Figure } from "./results.js";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The package's bin: the compiled CLI (dist/cli), compiled first when dist/ is missing or stale. */
export const CLI_BIN = path.join(REPO_ROOT, "bin/passerelle.mjs");
/** What `npm start` runs once dist/ is compiled. */
export const SERVER_MAIN = path.join(REPO_ROOT, "dist/main.js");

/**
 * Compiles the server and the CLI (dist/, not the web app) when missing or older than the sources, once,
 * before anything is measured: otherwise the first measured command or start would include the compilation.
 */
export async function ensureCompiled(log: (m: string) => void): Promise<void> {
  const freshness = (await import(pathToFileURL(path.join(REPO_ROOT, "scripts/buildFreshness.mjs")).href)) as {
    ensureServerBuilt(log: (m: string) => void): Promise<void>;
  };
  await freshness.ensureServerBuilt(log);
}

export const SCENARIOS = ["import", "indicators", "http", "writes", "footprint", "years"] as const;
export type ScenarioId = (typeof SCENARIOS)[number];

export interface BenchOptions {
  quick: boolean;
  /** Measured runs per figure (median over them). */
  runs: number;
  only: ReadonlySet<ScenarioId> | null;
  /** Scale of the national data: "national" or a factor of it (e.g. 0.05). */
  scale: string;
  seed: number;
  /** Duration of each HTTP load test, seconds. */
  loadSeconds: number;
  connections: number;
  /** Number of salariés of the writes scenario. */
  writers: number;
  /** Write docs/benchmarks.md (default: full runs only; --quick prints only unless --write). */
  write: boolean;
  /** Print the figures as JSON (one object per figure) instead of the text table. */
  json: boolean;
  /** Where generated deliveries are cached between runs. */
  cacheDir: string;
  keepDatabase: boolean;
  /** An existing PostgreSQL database already holding imported data (used as is, never created nor dropped). */
  databaseUrl: string | null;
  /** What that database holds (for the labels). */
  databaseDescription: string | null;
}

export class BenchContext {
  readonly figures: Figure[] = [];
  readonly notes: string[] = [];
  readonly commands: string[] = [];
  /** One personal-data key for every child of the run (import, server, demo must agree), never ./data's key. */
  readonly secretKey: string;
  /** PASSERELLE_DATA_DIR of children that use PostgreSQL (so that nothing is written in the project's ./data). */
  readonly scratchDir = mkdtempSync(path.join(tmpdir(), "passerelle-bench-scratch-"));
  constructor(readonly options: BenchOptions) {
    this.secretKey = benchSecretKey(options.cacheDir);
  }

  /** Environment of every child process; scenario-specific variables override it. */
  childEnv(env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return {
      PASSERELLE_SKIP_WEB_BUILD: "1",
      PASSERELLE_SECRET_KEY: this.secretKey,
      PASSERELLE_DATA_DIR: this.scratchDir,
      DATABASE_URL: "",
      ...env,
    };
  }

  removeScratch(): void {
    rmSync(this.scratchDir, { recursive: true, force: true });
  }

  log(message: string): void {
    process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
  }

  add(figure: Figure): void {
    this.figures.push(figure);
    const shown = figure.value === null ? figure.note : `${figure.value.toFixed(2)} ${figure.unit}`;
    this.log(`${figure.scenario} — ${figure.label} [${figure.engine}] : ${shown}`);
  }

  note(text: string): void {
    this.notes.push(text);
    this.log(`note : ${text}`);
  }

  /**
   * Runs `passerelle <args>` as a measured child: `node bin/passerelle.mjs`, the compiled CLI in dist/ that
   * `npx passerelle` and `npm run cli` run (the run compiles dist/ once first: see ensureCompiled).
   */
  cli(args: readonly string[], env: NodeJS.ProcessEnv = {}, timeoutMs?: number): Promise<MeasuredRun> {
    this.commands.push(`npm run cli -- ${args.join(" ")}`);
    return runMeasured(process.execPath, [CLI_BIN, ...args], {
      cwd: REPO_ROOT,
      env: this.childEnv(env),
      echoStderr: false,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    });
  }

  private readonly commandCache = new Map<string, string | null>();
  /** null when `passerelle <command> --help` works, else the reason it is unavailable. */
  async missingCommand(command: string): Promise<string | null> {
    const cached = this.commandCache.get(command);
    if (cached !== undefined) return cached;
    const run = await runMeasured(process.execPath, [CLI_BIN, command, "--help"], {
      cwd: REPO_ROOT,
      env: this.childEnv(),
      timeoutMs: 60_000,
    });
    // Commander prints the program's help (exit 0) for an unknown command: check that the usage is the command's own.
    const own = new RegExp(`^Usage: \\S+ ${command}\\b`, "m").test(run.stdout);
    const reason =
      run.code === 0 && own
        ? null
        : `commande « passerelle ${command} » absente (pas encore livrée)${run.code === 0 ? "" : ` : ${tail(run.stderr || run.stdout, 1)}`}`;
    this.commandCache.set(command, reason);
    return reason;
  }
}

/** The bench's own personal-data key, kept in the cache folder (0600) so that cached databases stay readable. */
function benchSecretKey(cacheDir: string): string {
  mkdirSync(cacheDir, { recursive: true });
  const file = path.join(cacheDir, "bench-secret.key");
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString("hex"), { mode: 0o600, flag: "wx" });
  const key = readFileSync(file, "utf8").trim();
  if (!/^[0-9a-f]{64}$/.test(key)) throw new Error(`${file} : clé invalide (supprimez le fichier)`);
  return key;
}

/** null when the module file exists in the repository, else the reason. */
export function missingModule(relative: string): string | null {
  const file = path.join(REPO_ROOT, relative);
  return existsSync(file) ? null : `${relative} absent (pas encore livré)`;
}
