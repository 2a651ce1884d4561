// Several app servers on one PostgreSQL: two real server processes (src/main.ts on two ports, one
// database). A FluxIAE delivery is uploaded to A in the background; A is SIGKILLed while it imports;
// B reads the job (same session), takes it back once A's lease has run out, and the job ends succeeded
// on its second attempt — the delivery imported once, nothing lost, nothing half-written.
// PGlite is one process per data folder: skipped there, visibly.
import { type ChildProcess, spawn } from "node:child_process";
import { readdir, readFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync, zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateFluxIae } from "../../src/interchange/fluxiae-generator/generateFluxIae.js";
import { createTestDatabase, type TestDatabase, testEngine } from "../support/testDb.js";
import { type TestUser, userWithSession } from "./support/apiKit.js";

const onPostgres = testEngine() === "postgresql";
if (!onPostgres) process.stderr.write("instancesKill: ignoré sur PGlite (un seul processus par dossier) — lancer avec TEST_DATABASE_URL\n");
const ROOT = path.resolve(import.meta.dirname, "../..");

interface Instance {
  child: ChildProcess;
  url: string;
  log: string[];
}

async function startInstance(dbUrl: string, name: string): Promise<Instance> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: dbUrl,
      PORT: "0",
      HOST: "127.0.0.1",
      PASSERELLE_NO_DEMO: "1",
      PASSERELLE_SKIP_WEB_BUILD: "1",
      PASSERELLE_SECRET_KEY: "ab".repeat(32),
      PASSERELLE_JOB_LEASE: "2",
      PASSERELLE_MAX_EVENT_LOOP_DELAY: "0",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} ne démarre pas : ${log.join("")}`)), 60_000);
    const onData = (chunk: Buffer) => {
      log.push(chunk.toString());
      const m = /démarre : (http:\/\/localhost:\d+)/.exec(log.join(""));
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!.replace("localhost", "127.0.0.1"));
      }
    };
    child.stderr!.on("data", onData);
    child.stdout!.on("data", (c: Buffer) => log.push(c.toString()));
    child.once("exit", (code) => reject(new Error(`${name} s'est arrêté (${code}) : ${log.join("")}`)));
  });
  // Ready: migrations done, app built.
  for (let i = 0; i < 600; i++) {
    const res = await fetch(`${url}/api/ready`).catch(() => null);
    if (res?.status === 200) return { child, url, log };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} jamais prêt : ${log.join("")}`);
}

describe.skipIf(!onPostgres)("two server processes, one killed mid-import (skipped on PGlite)", () => {
  let t: TestDatabase;
  let dir: string;
  let user: TestUser;
  const instances: Instance[] = [];

  beforeAll(async () => {
    t = await createTestDatabase();
    user = await userWithSession(t, { email: "dgefp@test.test", role: "national" });
    dir = await mkdtemp(path.join(tmpdir(), "passerelle-kill-"));
    await generateFluxIae({ factor: 0.5, departement: "062", out: dir, seed: 3, years: 1 });
  }, 120_000);
  afterAll(async () => {
    for (const i of instances) i.child.kill("SIGKILL");
    await t?.destroy();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("the job survives its instance: B takes it back and ends it; the delivery is imported once", { timeout: 240_000 }, async () => {
    const [a, b] = await Promise.all([startInstance(t.url!, "A"), startInstance(t.url!, "B")]);
    instances.push(a!, b!);
    // One ZIP delivery of the generated views.
    const entries: Record<string, Uint8Array> = {};
    for (const f of await readdir(dir)) entries[f.replace(/\.gz$/, "")] = gunzipSync(await readFile(path.join(dir, f)));
    const form = new FormData();
    form.append("file", new Blob([zipSync(entries)]), "livraison-62.zip");
    const upload = await fetch(`${a!.url}/api/v1/imports?background=true`, { method: "POST", headers: user.headers, body: form });
    expect(upload.status).toBe(202);
    const { id } = (await upload.json()) as { id: string };
    type Job = {
      status: string;
      phase: string;
      what: string | null;
      rowsRead: number;
      report: { inserted: number; importRunId: number } | null;
    };
    const poll = async (inst: Instance) =>
      (await (await fetch(`${inst.url}/api/v1/imports/jobs/${id}`, { headers: user.headers })).json()) as Job;

    // Kill A once it is importing rows (its progress is read from B: the job is in the database).
    for (let i = 0; ; i++) {
      const seen = await poll(b!);
      if (seen.phase === "import" && seen.rowsRead > 0) break;
      expect(seen.status).toBe("running");
      if (i > 600) throw new Error("l'import n'a pas commencé");
      await new Promise((r) => setTimeout(r, 100));
    }
    a!.child.kill("SIGKILL");
    const killedAt = await t.handle.db.selectFrom("job").select(["attempts", "locked_by"]).where("id", "=", id).executeTakeFirstOrThrow();
    expect(killedAt.attempts).toBe(1);

    let final: Job | null = null;
    for (let i = 0; i < 1800 && !final; i++) {
      const seen = await poll(b!);
      if (seen.status !== "running") final = seen;
      else await new Promise((r) => setTimeout(r, 100));
    }
    expect(final).toMatchObject({ status: "succeeded", phase: "termine" });
    const row = await t.handle.db
      .selectFrom("job")
      .select(["attempts", "locked_by", "status"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ attempts: 2, locked_by: null, status: "succeeded" });
    expect(killedAt.locked_by).not.toBe(null);
    // A's transaction died with it: one succeeded run, the whole delivery written once.
    const runs = await t.handle.db.selectFrom("import_run").select(["id", "status", "inserted"]).execute();
    expect(runs.filter((r) => r.status === "succeeded")).toEqual([
      expect.objectContaining({ id: final!.report!.importRunId, inserted: final!.report!.inserted }),
    ]);
    const people = await t.handle.db
      .selectFrom("person")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(people.n)).toBeGreaterThan(5_000);
    // The job's file was deleted with its end.
    const chunks = await t.handle.db.selectFrom("job_file_chunk").select("seq").where("job_id", "=", id).execute();
    expect(chunks).toEqual([]);
  });
});
