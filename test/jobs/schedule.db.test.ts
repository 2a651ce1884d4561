// Scheduled work through the queue: the FluxIAE drop folder (a settled file enqueued once per content,
// moved to « importés/ », then imported by a worker as a national import), the nightly retention (once a
// day whatever the number of instances, not before its hour), and the start of a worker that takes back
// the jobs a dead process left running (PGlite: the data folder lock proves it gone).
import { mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { importJobHandler } from "../../src/jobs/importJob.js";
import { claimJob, getJob } from "../../src/jobs/queue.js";
import { enqueueDueRetention, retentionJobHandler, type ScheduleConfig, scanDropFolder } from "../../src/jobs/schedule.js";
import { JobWorker } from "../../src/jobs/worker.js";
import { testCipher } from "../../src/security/personalData.js";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";

let t: TestDatabase;
let dir: string;
beforeAll(async () => {
  t = await createTestDatabase();
  dir = await mkdtemp(path.join(tmpdir(), "passerelle-depot-"));
});
afterAll(async () => {
  await t?.destroy();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await t.handle.db.deleteFrom("job").execute();
});

const ASP_LIST = [
  "MESURE;CODE_DEPARTEMENT;LIBELLE_DPT;CODE_POSTAL;COMMUNE;CODE_NAF2;NATURE_JURIDIQUE;SIRET;DENOMINATION_SOCIALE;NUM_RUE;NOM_RUE;CODE_POST_COM;LIB_COM;TELEPHONE;MAIL_SIAE",
  "ACI;062;PAS-DE-CALAIS;62210;AVION;9329Z;Association déclarée ;39321207100012;ACI DU DEPOT;;Rue Courbet;62210;AVION;;",
].join("\n");

const config = (over: Partial<ScheduleConfig> = {}): ScheduleConfig => ({
  retention: "off",
  retentionHour: 3,
  dropDir: dir,
  dropIntervalMs: 1000,
  dropSettleMs: 60_000,
  ...over,
});

describe("scheduled work", () => {
  it("drop folder: a settled file is enqueued once, moved aside, and imported by a worker", async () => {
    const file = path.join(dir, "liste-asp.csv");
    await writeFile(file, `${ASP_LIST}\n`);
    const now = new Date();
    // Still being written (changed less than a minute ago): left alone.
    expect(await scanDropFolder(t.handle, config(), now)).toEqual({ enqueued: [], alreadyQueued: [] });
    const old = new Date(now.getTime() - 120_000);
    await utimes(file, old, old);
    expect(await scanDropFolder(t.handle, config(), now)).toEqual({ enqueued: ["liste-asp.csv"], alreadyQueued: [] });
    expect(await readdir(dir)).toEqual(["importés"]);
    // The same content dropped again (another instance, or the ASP resending it) is not queued twice.
    await writeFile(file, `${ASP_LIST}\n`);
    await utimes(file, old, old);
    expect(await scanDropFolder(t.handle, config(), now)).toEqual({ enqueued: [], alreadyQueued: ["liste-asp.csv"] });

    const worker = new JobWorker(t.handle, { import: importJobHandler(t.handle, testCipher()) }, { workerId: "depot", pollMs: 20 });
    await worker.start();
    try {
      for (let i = 0; i < 400; i++) {
        const jobs = await t.handle.db.selectFrom("job").select("status").execute();
        if (jobs.every((j) => j.status === "succeeded" || j.status === "failed")) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await worker.stop();
    }
    const job = await t.handle.db.selectFrom("job").selectAll().executeTakeFirstOrThrow();
    expect(job).toMatchObject({ kind: "import", status: "succeeded", departement_code: null });
    expect(job.result).toMatchObject({ format: "asp-liste-siae", inserted: 1 });
    const structure = await t.handle.db.selectFrom("structure").select("name").where("siret", "=", "39321207100012").executeTakeFirst();
    expect(structure?.name).toBe("ACI DU DEPOT");
  });

  it("nightly retention: enqueued once per day from its hour (Paris), never when off; the job reports counts", async () => {
    const before = new Date("2026-03-10T01:30:00Z"); // 02:30 in Paris
    const after = new Date("2026-03-10T02:30:00Z"); // 03:30 in Paris
    expect(await enqueueDueRetention(t.handle, config({ retention: "dry" }), before)).toBeNull();
    expect(await enqueueDueRetention(t.handle, config({ retention: "off" }), after)).toBeNull();
    const id = await enqueueDueRetention(t.handle, config({ retention: "dry" }), after);
    expect(id).toEqual(expect.any(String));
    expect(await enqueueDueRetention(t.handle, config({ retention: "dry" }), new Date("2026-03-10T20:00:00Z"))).toBeNull();
    const worker = new JobWorker(t.handle, { retention: retentionJobHandler(t.handle) }, { workerId: "nuit", pollMs: 20 });
    await worker.start();
    try {
      for (let i = 0; i < 200 && (await getJob(t.handle.db, id!))?.status !== "succeeded"; i++) await new Promise((r) => setTimeout(r, 50));
    } finally {
      await worker.stop();
    }
    const job = await getJob(t.handle.db, id!);
    expect(job).toMatchObject({
      status: "succeeded",
      payload: { today: "2026-03-10", wetRun: false },
      result: { dryRun: true, today: "2026-03-10" },
    });
    expect(job?.result).not.toHaveProperty("people");
  });

  it("a worker starting on PGlite takes back the jobs the previous process left running", async () => {
    if (t.handle.engine !== "pglite") return;
    const id = await enqueueDueRetention(t.handle, config({ retention: "dry" }), new Date("2026-04-01T12:00:00Z"));
    expect((await claimJob(t.handle.db, "processus-mort", ["retention"], 3_600_000))?.id).toBe(id);
    const worker = new JobWorker(t.handle, {}, { workerId: "nouveau", pollMs: 10_000 });
    await worker.start();
    await worker.stop();
    expect(await getJob(t.handle.db, id!)).toMatchObject({ status: "queued", lockedBy: null, attempts: 1 });
  });
});
