// Read-only CLI commands through the running server (src/cli/remote.ts): with the embedded database held by
// a process serving the CLI socket, `passerelle indicators` prints byte for byte what it prints alone (stdout,
// stderr, exit code, invalid input included); the socket is owner-only, refuses any command not marked
// read-only and malformed requests, is removed on close; a stale socket (dead holder) or a live holder that
// does not answer leaves the CLI to run alone, as before.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type DatabaseHandle, openDatabase } from "../db/connection.js";
import { cliSocketPath } from "../db/dataDir.js";
import { testCipher } from "../security/personalData.js";
import { seedWorld } from "../../test/security/support/fixture.js";
import { testEngine } from "../../test/support/testDb.js";
import { type CliSocket, serveCliSocket } from "./remote.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe.skipIf(testEngine() === "postgresql")("read-only CLI commands through the running server", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "passerelle-remote-"));
  const pgliteDir = path.join(dataDir, "pglite");
  const env = { ...process.env, PASSERELLE_DATA_DIR: dataDir, DATABASE_URL: "" };
  const cli = (args: string[]) =>
    new Promise<Run>((resolve) => {
      const child = spawn(process.execPath, ["--import", "tsx", "src/cli/index.ts", ...args], {
        cwd: ROOT,
        env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => {
        stdout += d;
      });
      child.stderr.on("data", (d) => {
        stderr += d;
      });
      child.on("exit", (code) => resolve({ code, stdout, stderr }));
    });
  const open = () => openDatabase({ pgliteDir, lock: true });
  const COMMANDS = [
    ["indicators", "--scope", "departement:62", "--year", "2025", "--json"],
    ["indicators", "--scope", "nation", "--year", "2025"],
    ["indicators", "--scope", "departement:62", "--year", "25"],
    ["indicators", "--help"],
  ];
  const direct = new Map<string, Run>();
  let handle: DatabaseHandle | null = null;
  let socket: CliSocket | null = null;

  beforeAll(async () => {
    const dump = process.env.PASSERELLE_TEST_PGLITE_DUMP;
    if (!dump) throw new Error("db tests must run in the 'db' vitest project");
    const seeded = await openDatabase({ pgliteDir, lock: true, loadDataDir: new Blob([readFileSync(dump)]) });
    try {
      await seedWorld(seeded.db, testCipher());
    } finally {
      await seeded.close();
    }
    writeFileSync(path.join(dataDir, "secret.key"), `${"ab".repeat(32)}\n`, { mode: 0o600 });
    // Alone (no server): the reference output of each command.
    for (const args of COMMANDS) direct.set(args.join(" "), await cli(args));
  }, 240_000);
  afterAll(async () => {
    await socket?.close();
    await handle?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("alone, the commands ran (reference outputs)", () => {
    expect(direct.get(COMMANDS[0]!.join(" "))).toMatchObject({ code: 0 });
    expect(JSON.parse(direct.get(COMMANDS[0]!.join(" "))!.stdout)).toHaveProperty("scopeLabel");
    expect(direct.get(COMMANDS[2]!.join(" "))).toMatchObject({ code: 1, stdout: "" });
  });

  test("with the server holding the data folder: the same output byte for byte, through an owner-only socket", async () => {
    handle = await open();
    socket = await serveCliSocket(handle, dataDir, () => {});
    expect(socket?.path).toBe(cliSocketPath(dataDir));
    expect(statSync(cliSocketPath(dataDir)).mode & 0o777).toBe(0o600);
    for (const args of COMMANDS) expect(await cli(args), args.join(" ")).toEqual(direct.get(args.join(" ")));
    // A command that writes is not run by the server: run alone, it meets the lock as before.
    const demo = await cli(["demo"]);
    expect(demo.code).toBe(2);
    expect(demo.stderr).toMatch(/déjà utilisé par un autre processus/);
  }, 180_000);

  const raw = (request: string) =>
    new Promise<string>((resolve, reject) => {
      const s = createConnection(cliSocketPath(dataDir));
      let answer = "";
      s.on("connect", () => s.end(request));
      s.on("data", (d) => {
        answer += d;
      });
      s.on("end", () => resolve(answer));
      s.on("error", reject);
    });

  test("the socket refuses what is not a read-only command line", async () => {
    for (const request of [
      `${JSON.stringify({ argv: ["demo", "--reset"] })}\n`,
      `${JSON.stringify({ argv: ["users", "create"] })}\n`,
      `${JSON.stringify({ argv: ["--json", "indicators"] })}\n`,
      `${JSON.stringify({ argv: ["indicators", 1] })}\n`,
      `${JSON.stringify({ argv: "indicators" })}\n`,
      "not json\n",
    ])
      expect(JSON.parse(await raw(request)), request).toEqual({ refused: true });
    const ok = JSON.parse(await raw(`${JSON.stringify({ argv: ["indicators", "--scope", "nation", "--year", "2025"] })}\n`));
    expect(ok).toMatchObject({ exitCode: 0, stderr: "" });
  });

  test("closed: socket removed; a stale socket or a silent live holder leaves the CLI alone, as before", async () => {
    await socket?.close();
    socket = null;
    expect(existsSync(cliSocketPath(dataDir))).toBe(false);
    // Live holder, stale socket file: the CLI runs alone and meets the lock.
    writeFileSync(cliSocketPath(dataDir), "");
    const locked = await cli(COMMANDS[0]!);
    expect(locked.code).toBe(2);
    expect(locked.stderr).toMatch(/déjà utilisé par un autre processus/);
    // No holder any more, stale socket file: the CLI runs alone, same output.
    await handle?.close();
    handle = null;
    expect(await cli(COMMANDS[0]!)).toEqual(direct.get(COMMANDS[0]!.join(" ")));
  }, 120_000);
});
