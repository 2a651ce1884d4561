// The background import registry: progress reported while the work runs, report or failure kept,
// reads within the import's territory, finished jobs forgotten after the retention delay, cleanup always run.
import { describe, expect, it } from "vitest";
import { ImportInputError, type ImportReport } from "../../interchange/importReport.js";
import { type ImportTerritory, NATION } from "../../interchange/importTerritory.js";
import { ImportJobRegistry, type ProgressSink } from "./importJobs.js";

const report = (rowsRead: number): ImportReport => ({
  format: "asp-liste-siae",
  rowsRead,
  inserted: rowsRead - 1,
  updated: 0,
  unchanged: 0,
  rejected: 1,
  rejections: [{ file: "liste.csv", line: 5, column: "SIRET", reason: "SIRET invalide" }],
  warnings: [],
  importRunId: 7,
  dryRun: false,
  durationMs: 1,
});

/** A work function driven step by step by the test. */
function controlledWork() {
  let sink: ProgressSink = () => undefined;
  let finish: (r: ImportReport) => void = () => undefined;
  let fail: (e: unknown) => void = () => undefined;
  const work = (progress: ProgressSink) => {
    sink = progress;
    return new Promise<ImportReport>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
  };
  return { work, progress: (done: number, total: number | null, what: string) => sink(done, total, what), finish: (r: ImportReport) => finish(r), fail: (e: unknown) => fail(e) };
}

const ddets62: ImportTerritory = { kind: "departement", code: "62" };
const owner = ddets62;

describe("ImportJobRegistry", () => {
  it("reports the phase and rows read while running, then the report", async () => {
    const jobs = new ImportJobRegistry();
    const w = controlledWork();
    let cleaned = false;
    const job = jobs.start({ ownerId: 1, territory: ddets62, fileName: "liste.csv", dryRun: false }, w.work, {
      cleanup: async () => {
        cleaned = true;
      },
    });
    expect(jobs.get(job.id, owner)).toMatchObject({ status: "running", progress: { phase: "detection", rowsRead: 0 } });
    w.progress(200, 3932, "structures");
    expect(jobs.get(job.id, owner)?.progress).toEqual({ phase: "import", what: "structures", rowsRead: 200, total: 3932 });
    w.finish(report(4));
    await jobs.settled();
    expect(jobs.get(job.id, owner)).toMatchObject({ status: "succeeded", progress: { phase: "termine", rowsRead: 4 }, report: { rejected: 1 } });
    expect(jobs.get(job.id, owner)?.finishedAt).toBeInstanceOf(Date);
    expect(cleaned).toBe(true);
  });

  it("keeps the issues of an unimportable file; hides internal errors behind a French message", async () => {
    const jobs = new ImportJobRegistry();
    const bad = controlledWork();
    const crash = controlledWork();
    const unexpected: unknown[] = [];
    const a = jobs.start({ ownerId: 1, territory: ddets62, fileName: "notes.txt", dryRun: true }, bad.work);
    const b = jobs.start({ ownerId: 1, territory: ddets62, fileName: "x.zip", dryRun: false }, crash.work, { onUnexpected: (e) => unexpected.push(e) });
    bad.fail(new ImportInputError("notes.txt : format non reconnu.", [{ file: "notes.txt", line: 1, column: null, reason: "format non reconnu" }]));
    crash.fail(new Error("connection reset"));
    await jobs.settled();
    expect(jobs.get(a.id, owner)?.failure).toEqual({
      title: "Fichier non importable",
      detail: "notes.txt : format non reconnu.",
      issues: [{ file: "notes.txt", line: 1, column: null, reason: "format non reconnu" }],
    });
    expect(jobs.get(b.id, owner)).toMatchObject({ status: "failed", failure: { title: "Échec de l'import", issues: [] } });
    expect(jobs.get(b.id, owner)?.failure?.detail).not.toContain("connection reset");
    expect(unexpected).toHaveLength(1);
  });

  it("shows a job within the territory it was imported for and to the national level only", async () => {
    const jobs = new ImportJobRegistry();
    const w = controlledWork();
    const job = jobs.start({ ownerId: 1, territory: ddets62, fileName: "liste.csv", dryRun: false }, w.work);
    expect(jobs.get(job.id, { kind: "departement", code: "59" })).toBeUndefined();
    expect(jobs.get(job.id, null)).toBeUndefined();
    expect(jobs.get(job.id, ddets62)?.id).toBe(job.id);
    expect(jobs.get(job.id, NATION)?.id).toBe(job.id);
    const n = controlledWork();
    const national = jobs.start({ ownerId: 3, territory: NATION, fileName: "fluxiae.zip", dryRun: false }, n.work);
    expect(jobs.get(national.id, ddets62)).toBeUndefined();
    expect(jobs.get(national.id, NATION)?.id).toBe(national.id);
    expect(jobs.get("inconnu", owner)).toBeUndefined();
    w.finish(report(1));
    n.finish(report(1));
    await jobs.settled();
  });

  it("forgets finished jobs after the retention delay, never running ones", async () => {
    let now = new Date("2026-01-01T10:00:00Z");
    const jobs = new ImportJobRegistry({ keepFinishedMs: 60_000, now: () => now });
    const done = controlledWork();
    const running = controlledWork();
    const a = jobs.start({ ownerId: 1, territory: ddets62, fileName: "a.csv", dryRun: false }, done.work);
    const b = jobs.start({ ownerId: 1, territory: ddets62, fileName: "b.csv", dryRun: false }, running.work);
    done.finish(report(1));
    await new Promise((r) => setTimeout(r, 0));
    now = new Date("2026-01-01T10:05:00Z");
    const c = jobs.start({ ownerId: 1, territory: ddets62, fileName: "c.csv", dryRun: false }, controlledWork().work);
    expect(jobs.get(a.id, owner)).toBeUndefined();
    expect(jobs.get(b.id, owner)?.status).toBe("running");
    expect(jobs.get(c.id, owner)?.status).toBe("running");
    running.finish(report(1));
  });
});
