// The data-folder lock is taken over only when its holder is provably gone (dataDirLock.ts).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import {
  acquireDataDirLock,
  currentBootId,
  DataDirLockedError,
  type LockHolder,
  processStartTicks,
  STALE_AFTER_MS,
  thisProcessHolder,
} from "./dataDirLock.js";

const root = mkdtempSync(path.join(tmpdir(), "passerelle-lock-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
function leaveLock(holder: Partial<LockHolder>, ageMs = 0): string {
  const dataDir = path.join(root, `data${n++}`);
  const lock = `${dataDir}.lock`;
  writeFileSync(lock, JSON.stringify(holder));
  const t = new Date(Date.now() - ageMs);
  utimesSync(lock, t, t);
  return dataDir;
}
const linux = existsSync("/proc/self/stat");

describe("data folder lock", () => {
  test("a second open in the same process is refused, and released locks can be taken again", () => {
    const dataDir = path.join(root, "same-process");
    const lock = acquireDataDirLock(dataDir);
    expect(() => acquireDataDirLock(dataDir)).toThrow(DataDirLockedError);
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
    acquireDataDirLock(dataDir).release();
  });

  test("a lock left with our own pid by an earlier life of this pid (container restart) is taken over", () => {
    const self = thisProcessHolder();
    for (const startTicks of [null, "1"]) {
      const dataDir = leaveLock({ ...self, startTicks });
      const lock = acquireDataDirLock(dataDir);
      expect(JSON.parse(readFileSync(lock.path, "utf8")).since).not.toBe(self.since);
      lock.release();
    }
  });

  test.runIf(linux)("a live process with the recorded start time holds the lock; the same pid started later does not", async () => {
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"], { stdio: "ignore" });
    try {
      const pid = child.pid ?? 0;
      const start = processStartTicks(pid);
      expect(start).not.toBeNull();
      const held = leaveLock({ pid, host: hostname(), bootId: currentBootId(), startTicks: start, since: "" });
      expect(() => acquireDataDirLock(held)).toThrow(/pid \d+/);
      const reused = leaveLock({ pid, host: hostname(), bootId: currentBootId(), startTicks: "7", since: "" });
      acquireDataDirLock(reused).release();
    } finally {
      child.kill("SIGKILL");
    }
  });

  test("a dead pid, another boot of this machine, or an unreadable lock are stale", () => {
    const dead = leaveLock({ pid: 2 ** 22 + 17, host: hostname(), bootId: currentBootId(), startTicks: null, since: "" });
    acquireDataDirLock(dead).release();
    if (currentBootId()) {
      const rebooted = leaveLock({ pid: process.ppid, host: hostname(), bootId: "another-boot", startTicks: null, since: "" });
      acquireDataDirLock(rebooted).release();
    }
    const dataDir = path.join(root, "garbled");
    writeFileSync(`${dataDir}.lock`, '{"pid":');
    acquireDataDirLock(dataDir).release();
  });

  test("another host's lock is refused while its heartbeat is fresh, taken over once stale", () => {
    const other = { pid: process.ppid, host: "autre-hote", bootId: "b", startTicks: "1", since: "" };
    const fresh = leaveLock(other, 1_000);
    expect(() => acquireDataDirLock(fresh)).toThrow(/autre-hote/);
    const stale = leaveLock(other, STALE_AFTER_MS + 1_000);
    acquireDataDirLock(stale).release();
  });
});
