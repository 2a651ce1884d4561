// Child processes measured from the outside: wall time and peak resident memory of the whole process tree
// (the child and its descendants, e.g. `npm start` → sh → node), sampled from /proc (Linux).
// On systems without /proc, peak RSS is reported as null and only `process.resourceUsage` of this process is known.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { elapsedMs } from "./stats.js";

const HAS_PROC = existsSync("/proc/self/status");

/** Field of /proc/<pid>/status in kB (VmRSS, VmHWM), or null when the process is gone. */
function statusKb(pid: number, field: "VmRSS" | "VmHWM"): number | null {
  try {
    const text = readFileSync(`/proc/${pid}/status`, "utf8");
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // pid (comm) state ppid … — comm may contain spaces and parentheses: split after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(rest[1]);
  } catch {
    return null;
  }
}

/** pid and all its descendants currently alive. */
export function processTree(root: number): number[] {
  if (!HAS_PROC) return [root];
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    const ppid = parentOf(pid);
    if (ppid === null) continue;
    const list = children.get(ppid) ?? [];
    list.push(pid);
    children.set(ppid, list);
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    out.push(pid);
    for (const c of children.get(pid) ?? []) stack.push(c);
  }
  return out;
}

/** Samples the RSS of a process tree; `peakKb` = max over samples of Σ VmRSS, and at least the max VmHWM of one process. */
export class RssSampler {
  private timer: NodeJS.Timeout | undefined;
  private peakTreeKb = 0;
  private peakHwmKb = 0;
  private lastKb = 0;
  constructor(
    private readonly pid: number,
    private readonly everyMs = 100,
  ) {}
  start(): this {
    if (!HAS_PROC) return this;
    this.sample();
    this.timer = setInterval(() => this.sample(), this.everyMs);
    this.timer.unref();
    return this;
  }
  sample(): void {
    let sum = 0;
    for (const pid of processTree(this.pid)) {
      sum += statusKb(pid, "VmRSS") ?? 0;
      this.peakHwmKb = Math.max(this.peakHwmKb, statusKb(pid, "VmHWM") ?? 0);
    }
    if (sum > 0) this.lastKb = sum;
    this.peakTreeKb = Math.max(this.peakTreeKb, sum);
  }
  /** Current Σ RSS of the tree (last sample), kB. */
  get currentKb(): number {
    return this.lastKb;
  }
  stop(): number | null {
    if (this.timer) clearInterval(this.timer);
    if (!HAS_PROC) return null;
    const peak = Math.max(this.peakTreeKb, this.peakHwmKb);
    return peak > 0 ? peak : null;
  }
}

export interface MeasuredRun {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  /** Peak RSS of the process tree in MB (null when /proc is unavailable). */
  peakRssMb: number | null;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Kill the tree after this many ms (the run then fails). */
  timeoutMs?: number;
  /** Forward the child's stderr to ours (progress bars of long imports). */
  echoStderr?: boolean;
}

/** Runs a command to completion while sampling the RSS of its process tree. */
export function runMeasured(command: string, args: readonly string[], options: RunOptions = {}): Promise<MeasuredRun> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    if (child.pid === undefined) {
      reject(new Error(`cannot start ${command}`));
      return;
    }
    const sampler = new RssSampler(child.pid).start();
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on("data", (b: Buffer) => out.push(b));
    child.stderr?.on("data", (b: Buffer) => {
      err.push(b);
      if (options.echoStderr) process.stderr.write(b);
    });
    const timer = options.timeoutMs ? setTimeout(() => killTree(child), options.timeoutMs).unref() : undefined;
    child.on("error", reject);
    child.on("close", (code) => {
      if (timer) clearTimeout(timer);
      const peak = sampler.stop();
      resolve({
        code,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        wallMs: elapsedMs(start),
        peakRssMb: peak === null ? null : peak / 1024,
      });
    });
  });
}

/** Terminates a detached child and its process group (only processes this harness started). */
export function killTree(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

/** Last lines of a child's output, for a "non mesuré" reason. */
export function tail(text: string, lines = 3): string {
  return text.trim().split("\n").slice(-lines).join(" | ").slice(0, 400);
}
