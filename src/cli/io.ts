// Where a CLI command writes: the process's stdout/stderr and exit code, or — when the running server executes
// a read-only command on behalf of a CLI process (src/cli/remote.ts) — buffers sent back to that process,
// with the server's open database. One command's output never mixes with another's or with the server's
// logs: the destination follows the command's asynchronous context.
import { AsyncLocalStorage } from "node:async_hooks";
import type { DatabaseHandle } from "../db/connection.js";

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  exitCode: number | undefined;
  /** The database the command uses instead of opening its own (the server's, already migrated). */
  readonly handle?: DatabaseHandle;
}

const PROCESS_IO: CliIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  get exitCode() {
    return process.exitCode === undefined || process.exitCode === null ? undefined : Number(process.exitCode);
  },
  set exitCode(code) {
    process.exitCode = code;
  },
};

const current = new AsyncLocalStorage<CliIo>();

/** The output of the command running in this context. */
export function cliIo(): CliIo {
  return current.getStore() ?? PROCESS_IO;
}

/** Prints « Erreur : … » for a failed command and sets its exit code (1: invalid input, 2: anything else). */
export function reportCliError(error: unknown, exitCode: number): void {
  const io = cliIo();
  io.err(`Erreur : ${error instanceof Error ? error.message : String(error)}\n`);
  io.exitCode = exitCode;
}

/** Runs fn with its CLI output (and database) redirected to `io`. */
export function withCliIo<T>(io: CliIo, fn: () => Promise<T>): Promise<T> {
  return current.run(io, fn);
}
