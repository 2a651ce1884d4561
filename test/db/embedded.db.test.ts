// The embedded engine (PGlite in a data folder): one process at a time (lock with a clear refusal),
// committed rows survive a SIGKILL, and `npm start` serves /api/health with the engine's name.
// These tests start real processes; they run in the PGlite pass only (the PostgreSQL pass covers the
// server engine through every other db test, and the health route below through DATABASE_URL).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { openDatabase } from "../../src/db/connection.js";
import { testEngine } from "../support/testDb.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), "passerelle-embedded-"));
  dirs.push(d);
  return d;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function start(script: string, args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  child.stdout!.on("data", (d) => {
    output += d;
  });
  child.stderr!.on("data", (d) => {
    output += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const waitFor = async (re: RegExp, ms = 60_000) => {
    const t0 = Date.now();
    while (!re.test(output)) {
      if (child.exitCode !== null) throw new Error(`process exited (${child.exitCode}): ${output}`);
      if (Date.now() - t0 > ms) throw new Error(`timeout waiting for ${re}: ${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return { child, exited, waitFor, output: () => output };
}

const pgliteOnly = testEngine() === "pglite" ? describe : describe.skip;

pgliteOnly("embedded data folder", () => {
  test("npm start serves /api/health on PGlite, refuses a second process on the same folder, reuses the data", async () => {
    const dataDir = tempDir();
    const port = await freePort();
    const first = start("src/main.ts", [], {
      PASSERELLE_DATA_DIR: dataDir,
      PORT: String(port),
      PASSERELLE_NO_DEMO: "1",
      PASSERELLE_SKIP_WEB_BUILD: "1",
    });
    await first.waitFor(/Passerelle est prête/, 90_000);
    const health = (await (await fetch(`http://127.0.0.1:${port}/api/health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: "ok", engine: "pglite" });
    expect(health.schemaVersion).toMatch(/^\d{4}$/);

    const second = start("src/main.ts", [], {
      PASSERELLE_DATA_DIR: dataDir,
      PORT: String(await freePort()),
      PASSERELLE_NO_DEMO: "1",
      PASSERELLE_SKIP_WEB_BUILD: "1",
    });
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain(path.join(dataDir, "pglite"));
    expect(second.output()).toMatch(new RegExp(`pid ${first.child.pid}|pid \\d+`));

    first.child.kill("SIGINT");
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain("arrêt propre");

    // Second start reuses the folder: no migration to apply, quick.
    const again = start("src/main.ts", [], {
      PASSERELLE_DATA_DIR: dataDir,
      PORT: String(port),
      PASSERELLE_NO_DEMO: "1",
      PASSERELLE_SKIP_WEB_BUILD: "1",
    });
    await again.waitFor(/Passerelle est prête/, 60_000);
    expect(again.output()).not.toContain("Migrations appliquées");
    again.child.kill("SIGTERM");
    expect(await again.exited).toBe(0);
  });

  test("SIGKILL during the first demo load, at two steps: the next start removes the partial demo and loads it whole", {
    timeout: 900_000,
  }, async () => {
    const dataDir = tempDir();
    const env = { PASSERELLE_DATA_DIR: dataDir, PASSERELLE_SKIP_WEB_BUILD: "1" };
    // After the ASP list's own commit (117 structures, nothing else), then inside the big transaction.
    for (const step of [/Structures fictives/, /États mensuels/]) {
      const run = start("src/main.ts", [], { ...env, PORT: String(await freePort()) });
      await run.waitFor(step, 300_000);
      run.child.kill("SIGKILL");
      await run.exited;
    }
    const last = start("src/main.ts", [], { ...env, PORT: String(await freePort()) });
    await last.waitFor(/Passerelle est prête/, 600_000);
    expect(last.output()).toContain("chargement précédent de la démo a été interrompu");
    last.child.kill("SIGTERM");
    expect(await last.exited).toBe(0);

    const handle = await openDatabase({ pgliteDir: path.join(dataDir, "pglite"), lock: true });
    try {
      const count = async (table: "structure" | "person" | "monthly_declaration" | "app_user") =>
        Number(
          (
            await handle.db
              .selectFrom(table)
              .select((eb) => eb.fn.countAll<number>().as("n"))
              .executeTakeFirstOrThrow()
          ).n,
        );
      expect(await count("structure")).toBe(122);
      expect(await count("person")).toBeGreaterThan(5_000);
      expect(await count("monthly_declaration")).toBeGreaterThan(100_000);
      expect(await count("app_user")).toBeGreaterThanOrEqual(5);
      const state = await handle.db.selectFrom("demo_state").select("state").executeTakeFirstOrThrow();
      expect(state.state).toBe("complete");
    } finally {
      await handle.close();
    }
  });

  test("SIGKILL during writes: the database reopens and holds every committed row", async () => {
    const dataDir = tempDir();
    const writer = start("test/support/embeddedWriter.ts", [path.join(dataDir, "pglite")], {});
    await writer.waitFor(/committed 40\b/, 90_000);
    writer.child.kill("SIGKILL");
    await writer.exited;
    const committed = Math.max(...[...writer.output().matchAll(/committed (\d+)/g)].map((m) => Number(m[1])));
    expect(committed).toBeGreaterThanOrEqual(40);

    // The dead process left its lock behind: it is detected as stale and taken over.
    const handle = await openDatabase({ pgliteDir: path.join(dataDir, "pglite"), lock: true });
    try {
      const rows = await handle.db
        .selectFrom("audit_event")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("action", "=", "kill-test")
        .executeTakeFirstOrThrow();
      expect(Number(rows.n)).toBeGreaterThanOrEqual(committed);
      const structures = await handle.db.selectFrom("ref_departement").select("code").where("code", "=", "62").execute();
      expect(structures).toHaveLength(1);
    } finally {
      await handle.close();
    }
  });
});
