// `passerelle import` and `passerelle structures list` as operators run them (child processes, design §5
// exit codes and JSON), and an import killed mid-way (SIGKILL) that must leave the database as before.
// Runs on the embedded engine (PGlite data folder), or on PostgreSQL when TEST_DATABASE_URL is set.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, openDatabase } from "../../src/db/connection.js";
import { createTestDatabase, type TestDatabase, testEngine } from "../support/testDb.js";
import { tempDir, viewText } from "./fluxiae/support.js";

const ROOT = path.resolve(".");
const SECRET = "ab".repeat(32);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe("passerelle import / structures list (CLI)", () => {
  const tmp = tempDir();
  let t: TestDatabase | undefined;
  let env: Record<string, string>;
  const children: ChildProcess[] = [];

  function start(args: string[]): { child: ChildProcess; done: Promise<Run>; output: () => string } {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/index.ts", ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d) => {
      stdout += d;
    });
    child.stderr?.on("data", (d) => {
      stderr += d;
    });
    const done = new Promise<Run>((resolve) => child.on("exit", (code) => resolve({ code, stdout, stderr })));
    return { child, done, output: () => stdout + stderr };
  }
  const run = (args: string[]) => start(args).done;

  async function withDb<T>(fn: (db: DatabaseHandle) => Promise<T>): Promise<T> {
    if (t) return fn(t.handle);
    const handle = await openDatabase({ pgliteDir: path.join(tmp.dir, "data", "pglite"), lock: true });
    try {
      return await fn(handle);
    } finally {
      await handle.close();
    }
  }

  beforeAll(async () => {
    if (testEngine() === "postgresql") {
      t = await createTestDatabase();
      env = { DATABASE_URL: t.url ?? "", PASSERELLE_SECRET_KEY: SECRET };
    } else {
      env = { DATABASE_URL: "", PASSERELLE_DATA_DIR: path.join(tmp.dir, "data"), PASSERELLE_SECRET_KEY: SECRET };
      // Start the data folder from the migrated + seeded template, as the other db tests do.
      const dump = process.env.PASSERELLE_TEST_PGLITE_DUMP;
      if (!dump) throw new Error("run in the 'db' vitest project");
      const seeded = await openDatabase({
        pgliteDir: path.join(tmp.dir, "data", "pglite"),
        lock: true,
        loadDataDir: new Blob([readFileSync(dump)]),
      });
      await seeded.close();
    }
  }, 300_000);
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
    await t?.destroy();
    tmp.remove();
  });

  it("imports an ASP list (format detected by its header) and lists the structures as JSON", async () => {
    const list = tmp.write(
      "liste.csv",
      "MESURE;CODE_DEPARTEMENT;CODE_POSTAL;COMMUNE;SIRET;DENOMINATION_SOCIALE\nACI;062;62000;ARRAS;410 717 714 00035;CHANTIER ARRAGEOIS\nEI;062;62000;ARRAS;34356040500023;ENTREPRISE ARRAS\nAI;059L;59000;LILLE;41071771400035;AI LILLE\n",
    );
    const imported = await run(["import", list, "--json"]);
    expect(imported.stderr).not.toMatch(/Erreur/);
    expect(imported.code).toBe(0);
    const report = JSON.parse(imported.stdout);
    expect(Object.keys(report)).toEqual(
      expect.arrayContaining(["format", "rowsRead", "inserted", "updated", "unchanged", "rejected", "rejections"]),
    );
    expect(report).toMatchObject({ format: "asp-liste-siae", rowsRead: 3, inserted: 3, rejected: 0 });

    const listed = await run(["structures", "list", "--departement", "62", "--kind", "ACI", "--json"]);
    expect(listed.code).toBe(0);
    const rows = JSON.parse(listed.stdout);
    expect(rows).toEqual([
      {
        id: expect.any(Number),
        siret: "41071771400035",
        name: "CHANTIER ARRAGEOIS",
        kind: "ACI",
        departement: "62",
        commune: expect.any(String),
      },
    ]);
    const nord = JSON.parse((await run(["structures", "list", "--departement", "59", "--json"])).stdout);
    expect(nord.map((r: { kind: string }) => r.kind)).toEqual(["AI"]);
    const badKind = await run(["structures", "list", "--kind", "XYZ", "--json"]);
    expect(badKind.code).toBe(1);
  }, 300_000);

  it("exits 1 and writes nothing on a file it cannot import, printing one JSON document", async () => {
    const bad = tmp.write("bad.csv", "MESURE;SIRET;NOM_INCONNU\nACI;41071771400035;X\n");
    const r = await run(["import", bad, "--json"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: expect.stringMatching(/format non reconnu|introuvable/) });
    const missing = await run(["import", path.join(tmp.dir, "nope.csv")]);
    expect(missing.code).toBe(1);
  }, 300_000);

  it("an import killed mid-way (SIGKILL) leaves the database as before", async () => {
    const rows: string[][] = [];
    for (let i = 1; i <= 150_000; i++) rows.push([String(i), "MT_AN_ETP", "Montant", "21000.00", "01/01/2024", "31/12/2024", "2", ""]);
    const big = tmp.write(
      "fluxIAE_RefMontantIae_07022022_063004.csv",
      viewText(
        "RefMontantIae",
        ["rmi_id", "rmi_code", "rmi_libelle", "rmi_valeur", "rmi_date_debut_effet", "rmi_date_fin_effet", "rme_id", "code_dpt"],
        rows,
        { fin: true },
      ),
    );
    const before = await withDb(async (h) => {
      const runs = await sql<{ n: number }>`SELECT count(*)::int AS n FROM import_run`.execute(h.db);
      return runs.rows[0]?.n ?? 0;
    });
    const p = start(["import", big, "--json"]);
    const t0 = Date.now();
    while (!/RefMontantIae : \d+ lignes/.test(p.output())) {
      if (p.child.exitCode !== null) throw new Error(`import ended before it could be killed: ${p.output()}`);
      if (Date.now() - t0 > 240_000) throw new Error(`no progress: ${p.output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    p.child.kill("SIGKILL");
    const ended = await p.done;
    expect(ended.code).toBeNull();
    await withDb(async (h) => {
      const amounts = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ref_asp_amount`.execute(h.db);
      expect(amounts.rows[0]?.n).toBe(0);
      const runs = await sql<{ n: number }>`SELECT count(*)::int AS n FROM import_run`.execute(h.db);
      expect(runs.rows[0]?.n).toBe(before);
    });
  }, 300_000);
});
