// Description of the machine and software versions of a run (for docs/benchmarks.md).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { REPO_ROOT } from "./context.js";

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(path.join(REPO_ROOT, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "?";
  }
}

function gitCommit(): string {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: REPO_ROOT, encoding: "utf8" }).trim();
  } catch {
    return "?";
  }
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGb: number;
  os: string;
  node: string;
  pglite: string;
  postgres: string;
  autocannon: string;
  commit: string;
}

export function machineInfo(postgresVersion: string): MachineInfo {
  const cpus = os.cpus();
  const cores = typeof os.availableParallelism === "function" ? os.availableParallelism() : cpus.length;
  return {
    cpu: cpus[0]?.model ?? "?",
    cores,
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    node: process.version,
    pglite: packageVersion("@electric-sql/pglite"),
    postgres: postgresVersion,
    autocannon: packageVersion("autocannon"),
    commit: gitCommit(),
  };
}
