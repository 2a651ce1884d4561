// Read-only CLI commands through the running server. While `npm start` runs on the embedded database, it
// holds the data folder (src/db/dataDirLock.ts): a second process may not open it, and opening it would cost
// most of the command's time anyway (PGlite: WebAssembly start, PostgreSQL start, cold caches). So the server
// listens on a Unix socket inside the data folder (mode 0600), and a CLI process that finds a live lock
// holder and that socket sends its arguments there; the server runs the same command code, with its own
// open database, output captured (src/cli/io.ts), and returns stdout, stderr and the exit code, which the
// CLI prints and exits with: the output is byte for byte the direct run's.
//
// Authority: whoever can connect to the socket can already read the data folder, hence open the database
// directly when no server runs: the socket grants nothing more (owner-only socket in the data folder).
// Only commands listed in READ_ONLY_COMMANDS (no write, output on stdout only) are accepted; anything else
// is refused by the server and run by the CLI itself as before. PostgreSQL (DATABASE_URL): never used, the
// CLI opens its own pool.
import { chmodSync, existsSync, readFileSync, statSync, unlinkSync } from "node:fs";
import { createConnection, createServer, type Server } from "node:net";
import path from "node:path";
import { cliSocketPath, dataDirFromEnv } from "../db/dataDir.js";
import type { DatabaseHandle } from "../db/connection.js";
import { type CliIo, withCliIo } from "./io.js";

/** Commands that only read the database and print to stdout/stderr: run by the server when one holds the data folder. */
export const READ_ONLY_COMMANDS: ReadonlySet<string> = new Set(["indicators"]);

/** A request is one JSON line; its arguments are short. */
const MAX_REQUEST_BYTES = 64 * 1024;
/** Unix socket paths are limited to about 108 bytes (sun_path). */
const MAX_SOCKET_PATH = 100;

interface Answer {
  stdout: string;
  stderr: string;
  exitCode: number;
}

function isReadOnlyCommandLine(args: readonly unknown[]): args is string[] {
  return args.every((a) => typeof a === "string") && typeof args[0] === "string" && READ_ONLY_COMMANDS.has(args[0]);
}

/** Is the embedded data folder's lock held by a process that may still run? */
function lockHeldByLiveProcess(dataDir: string, holderMayBeAlive: (holder: object, ageMs: number) => string | null): boolean {
  const lockPath = `${path.join(dataDir, "pglite")}.lock`;
  try {
    const holder = JSON.parse(readFileSync(lockPath, "utf8")) as object;
    return holderMayBeAlive(holder, Date.now() - statSync(lockPath).mtimeMs) !== null;
  } catch {
    return false;
  }
}

/**
 * The CLI side: when argv is a read-only command, the embedded database is in use by a live process and its
 * socket answers, prints the server's answer, sets the exit code and returns true. Otherwise false (the
 * command runs here: no server, PostgreSQL, a stale socket, or a server that refused).
 */
export async function runThroughServer(argv: readonly string[]): Promise<boolean> {
  const args = argv.slice(2);
  if (!isReadOnlyCommandLine(args) || process.env.DATABASE_URL) return false;
  const dataDir = dataDirFromEnv();
  const socketPath = cliSocketPath(dataDir);
  if (!existsSync(socketPath)) return false;
  const { holderMayBeAlive } = await import("../db/dataDirLock.js");
  if (!lockHeldByLiveProcess(dataDir, holderMayBeAlive)) return false;
  const answer = await ask(socketPath, args).catch(() => null);
  if (!answer) return false;
  await new Promise<void>((resolve) => process.stdout.write(answer.stdout, () => resolve()));
  await new Promise<void>((resolve) => process.stderr.write(answer.stderr, () => resolve()));
  process.exitCode = answer.exitCode;
  return true;
}

function ask(socketPath: string, args: string[]): Promise<Answer | null> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    const chunks: Buffer[] = [];
    socket.on("connect", () => socket.end(`${JSON.stringify({ argv: args })}\n`));
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("end", () => {
      try {
        const reply = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Partial<Answer> & { refused?: boolean };
        if (reply.refused || typeof reply.stdout !== "string" || typeof reply.stderr !== "string" || typeof reply.exitCode !== "number")
          resolve(null);
        else resolve({ stdout: reply.stdout, stderr: reply.stderr, exitCode: reply.exitCode });
      } catch (error) {
        reject(error);
      }
    });
  });
}

export interface CliSocket {
  readonly path: string;
  close(): Promise<void>;
}

/**
 * The server side: listens on the data folder's CLI socket and runs the read-only commands sent there with
 * `handle`. The caller holds the data folder's lock, so a socket file already there is a dead server's: it is
 * replaced. Returns null when the path is too long for a Unix socket (the CLI then refuses as before).
 */
export async function serveCliSocket(handle: DatabaseHandle, dataDir: string, log: (message: string) => void): Promise<CliSocket | null> {
  const socketPath = cliSocketPath(dataDir);
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
    log(`Socket de la CLI non ouvert : chemin trop long (${socketPath}).`);
    return null;
  }
  try {
    unlinkSync(socketPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const { runCliHere } = await import("./index.js");
  // allowHalfOpen: the CLI ends its side once its request is sent; the answer comes after.
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    let received = "";
    let answered = false;
    const answer = (reply: object) => {
      if (answered) return;
      answered = true;
      socket.end(JSON.stringify(reply));
    };
    socket.setEncoding("utf8");
    socket.on("error", () => socket.destroy());
    socket.on("data", (chunk: string) => {
      received += chunk;
      if (Buffer.byteLength(received) > MAX_REQUEST_BYTES) {
        answer({ refused: true });
        return;
      }
      const end = received.indexOf("\n");
      if (end < 0 || answered) return;
      let args: unknown;
      try {
        args = (JSON.parse(received.slice(0, end)) as { argv?: unknown }).argv;
      } catch {
        args = undefined;
      }
      if (!Array.isArray(args) || !isReadOnlyCommandLine(args)) {
        answer({ refused: true });
        return;
      }
      void run(args).then(answer, () => answer({ refused: true }));
    });
  });
  const run = async (args: string[]): Promise<Answer> => {
    let stdout = "";
    let stderr = "";
    const io: CliIo = {
      out: (text) => {
        stdout += text;
      },
      err: (text) => {
        stderr += text;
      },
      exitCode: undefined,
      handle,
    };
    await withCliIo(io, () => runCliHere(["node", "passerelle", ...args]));
    return { stdout, stderr, exitCode: io.exitCode ?? 0 };
  };
  // Owner-only from its creation (no window where another user could connect): a Unix socket is bound
  // synchronously by listen(), so the restrictive umask covers only that bind.
  const listening = new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.once("listening", () => resolve());
  });
  const umask = process.umask(0o177);
  try {
    server.listen(socketPath);
  } finally {
    process.umask(umask);
  }
  await listening;
  chmodSync(socketPath, 0o600);
  server.unref();
  const remove = () => {
    try {
      unlinkSync(socketPath);
    } catch {
      // Already gone.
    }
  };
  // Also on an exit without the graceful stop; after a crash, the CLI sees a dead lock holder and runs alone.
  process.once("exit", remove);
  return {
    path: socketPath,
    close: () =>
      new Promise<void>((resolve) => {
        process.off("exit", remove);
        remove();
        server.close(() => resolve());
      }),
  };
}
