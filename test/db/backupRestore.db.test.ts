// `passerelle backup` then `passerelle restore` as an operator runs them (child processes), on the engine
// of the run (PGlite data folder, or PostgreSQL with TEST_DATABASE_URL): a generated FluxIAE delivery
// imported, backed up, restored into a fresh folder / an empty database gives the same row count in every
// table and the same indicators; a second restore into the now non-empty target is refused (exit 1);
// the key is not in the backup unless --include-key, which writes FILE.key beside it and says so.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tableRowCounts } from "../../src/db/backup.js";
import { type DatabaseHandle, openDatabase } from "../../src/db/connection.js";
import { computeIndicators } from "../../src/indicators/computeIndicators.js";
import { generateFluxIae } from "../../src/interchange/fluxiae-generator/generateFluxIae.js";
import { createEmptyDatabase, createTestDatabase, type TestDatabase, testEngine } from "../support/testDb.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SECRET = "cd".repeat(32);

function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/index.ts", ...args], {
      cwd: ROOT,
      env: { ...process.env, PASSERELLE_SECRET_KEY: SECRET, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

describe(`backup and restore (${testEngine()})`, () => {
  let tmp: string;
  const cleanups: (() => Promise<void>)[] = [];
  let source: Record<string, string>;
  let target: Record<string, string>;
  const open = async (env: Record<string, string>): Promise<DatabaseHandle> =>
    env.DATABASE_URL
      ? openDatabase({ url: env.DATABASE_URL, poolSize: 2 })
      : openDatabase({ pgliteDir: path.join(env.PASSERELLE_DATA_DIR!, "pglite"), lock: true });

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), "passerelle-backup-"));
    await generateFluxIae({ factor: 0.003, out: path.join(tmp, "livraison"), seed: 5, years: 2 });
    if (testEngine() === "postgresql") {
      const from: TestDatabase = await createTestDatabase();
      const to: TestDatabase = await createEmptyDatabase();
      cleanups.push(
        () => from.destroy(),
        () => to.destroy(),
      );
      // The test handles stay open; the CLI opens its own connections.
      source = { DATABASE_URL: from.url! };
      target = { DATABASE_URL: to.url! };
    } else {
      source = { PASSERELLE_DATA_DIR: path.join(tmp, "source") };
      target = { PASSERELLE_DATA_DIR: path.join(tmp, "cible") };
    }
    const imported = await cli(["import", path.join(tmp, "livraison"), "--json"], source);
    expect(imported.code, imported.stderr).toBe(0);
  }, 240_000);
  afterAll(async () => {
    for (const c of cleanups) await c();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it("restores into a fresh target the same rows and the same indicators; refuses a non-empty target", { timeout: 240_000 }, async () => {
    const file = path.join(tmp, "passerelle.sauvegarde");
    const backup = await cli(["backup", "--out", file, "--json"], source);
    expect(backup.code, backup.stderr).toBe(0);
    expect(JSON.parse(backup.stdout)).toMatchObject({ engine: testEngine(), keyFile: null });
    expect(existsSync(`${file}.key`)).toBe(false);
    // The key is nowhere in the backup (PGlite: the key file lives beside the data folder).
    expect(readFileSync(file).includes(Buffer.from(SECRET))).toBe(false);

    const restore = await cli(["restore", file, "--json"], target);
    expect(restore.code, restore.stderr).toBe(0);
    const again = await cli(["restore", file], target);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/--force/);

    const [a, b] = [await open(source), await open(target)];
    try {
      const rowsA = await tableRowCounts(a);
      const rowsB = await tableRowCounts(b);
      expect(rowsB).toEqual(rowsA);
      expect(rowsA.person).toBeGreaterThan(100);
      expect(rowsA.monthly_declaration ?? rowsA.import_run).toBeGreaterThan(0);
      for (const year of ["2018", "2019"]) {
        const params = { scope: "nation", from: `${year}-01-01`, to: `${year}-12-31` };
        expect(await computeIndicators(b.db, params)).toEqual(await computeIndicators(a.db, params));
      }
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("--include-key writes the key to FILE.key, separately, and says so loudly", { timeout: 120_000 }, async () => {
    const file = path.join(tmp, "avec-cle.sauvegarde");
    const backup = await cli(["backup", "--out", file, "--include-key"], source);
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stderr).toContain("ATTENTION");
    expect(readFileSync(`${file}.key`, "utf8").trim()).toBe(SECRET);
    expect(readFileSync(file).includes(Buffer.from(SECRET))).toBe(false);
  });
});
