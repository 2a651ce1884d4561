// Generated national data carries the steering shapes of the demo: a small delivery (one département, 5 % of
// its real size) imported through the real importer, then follow-ups after exit (CSV files in the follow-up
// import's format, imported) and a contrôle campaign in progress drawn through the domain's sampling.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test/support/testDb.js";
import { parseFollowUpCsv } from "../../domain/followUp/csv.js";
import { controleSample } from "../../queries/controle.js";
import { campaignDetail } from "../../queries/controleCampaigns.js";
import { testCipher } from "../../security/personalData.js";
import { importPath } from "../importPath.js";
import { NATION } from "../importTerritory.js";
import { generateFluxIae } from "./generateFluxIae.js";
import { addGeneratedSteeringShapes, type SteeringShapesSummary } from "./steeringShapes.js";

let t: TestDatabase;
let dir: string;
let summary: SteeringShapesSummary;

beforeAll(async () => {
  t = await createTestDatabase();
  dir = mkdtempSync(path.join(tmpdir(), "passerelle-shapes-"));
  await generateFluxIae({ factor: 0.05, departement: "062", out: dir, seed: 11, years: 2 });
  const report = await importPath(t.handle, dir, { pii: testCipher(), territory: NATION });
  expect(report.rejected).toBe(0);
  summary = await t.handle.db.transaction().execute((trx) => addGeneratedSteeringShapes(trx, testCipher(), { seed: 11, out: dir }));
}, 240_000);
afterAll(async () => {
  await t?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("steering shapes on generated data", () => {
  it("follow-ups for past exits, with gaps and unknown outcomes, from CSV files the follow-up import accepts", async () => {
    expect(summary.asOf).toBe("2020-01-15");
    expect(summary.followUps.folder).toBe(path.join(dir, "suivis"));
    const files = readdirSync(path.join(dir, "suivis")).map((f) => path.join(dir, "suivis", f));
    expect(files.length).toBe(summary.followUps.structures);
    expect(summary.followUps.files).toBe(files.length);
    expect(summary.followUps.structures).toBeGreaterThan(1);
    let lines = 0;
    for (const file of files) {
      const parsed = parseFollowUpCsv(path.basename(file), readFileSync(file, "utf8"));
      expect(parsed.errors).toEqual([]);
      lines += parsed.records.length;
    }
    expect(lines).toBe(summary.followUps.lines);
    expect(summary.followUps.written).toBe(summary.followUps.lines);
    const { rows } = await sql<{ n: number; unknown: number; source: string; late: number }>`
      SELECT count(*)::int AS n, count(*) FILTER (WHERE situation = 'INCONNU')::int AS unknown, min(source) AS source,
        count(*) FILTER (WHERE observed_on > '2020-01-15')::int AS late
      FROM follow_up`.execute(t.handle.db);
    const r = rows[0];
    expect(r?.n).toBe(summary.followUps.lines);
    expect(r?.source).toBe("import");
    expect(r?.late).toBe(0);
    // Realistic gaps: some due follow-ups never entered, some entered as unknown.
    const missing = 1 - summary.followUps.lines / summary.followUps.dueExits;
    expect(missing).toBeGreaterThan(0.05);
    expect(missing).toBeLessThan(0.3);
    expect((r?.unknown ?? 0) / summary.followUps.lines).toBeGreaterThan(0.02);
    const audited = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_event WHERE action = 'followUp.record'`.execute(
      t.handle.db,
    );
    expect(audited.rows[0]?.n).toBe(summary.followUps.lines);
  });

  it("a contrôle campaign in progress, drawn through the domain's sampling with the seed", async () => {
    const c = summary.campaign;
    expect(c).not.toBeNull();
    if (c === null) return;
    expect(c).toMatchObject({ departement: "62", from: "2019-01-01", to: "2019-06-30", seed: 11 });
    expect(summary.autoPrescribed).toBeGreaterThan(0);
    expect(c.selected).toBeGreaterThan(0);
    // The same seed redraws the same hirings.
    const redraw = await controleSample(t.handle.db, "62", c.from, c.to, c.seed);
    expect(redraw.eligible.length).toBe(c.eligible);
    const recorded = await sql<{ structure_id: number; contract_id: number }>`
      SELECT structure_id, contract_id FROM controle_hiring WHERE campaign_id = ${c.id} ORDER BY 1, 2`.execute(t.handle.db);
    expect(recorded.rows.map((r) => [Number(r.structure_id), Number(r.contract_id)])).toEqual(
      redraw.selected
        .flatMap((s) => s.sampled.map((h) => [s.structureId, h]))
        .sort((a, b) => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number)),
    );
    const detail = await campaignDetail(t.handle.db, "62", c.id, "2020-01-15");
    expect(detail?.structures.length).toBe(c.selected);
    // In progress: not every file is decided, and what is due is listed.
    expect(detail?.campaign.decided).toBeLessThan(c.selected);
    expect(detail?.reminders.length).toBeGreaterThan(0);
  });

  it("is deterministic: the same delivery imported elsewhere (its suivis/ folder is not read) gives the same shapes", async () => {
    const other = await createTestDatabase();
    try {
      const report = await importPath(other.handle, dir, { pii: testCipher(), territory: NATION });
      expect(report.rejected).toBe(0);
      const again = await other.handle.db.transaction().execute((trx) => addGeneratedSteeringShapes(trx, testCipher(), { seed: 11 }));
      expect({ ...again, followUps: { ...again.followUps, folder: null, files: 0 } }).toEqual({
        ...summary,
        followUps: { ...summary.followUps, folder: null, files: 0 },
      });
      const rows = async (db: TestDatabase) => ({
        followUps: (
          await sql<{
            r: string;
          }>`SELECT exit_id || '/' || horizon || '/' || situation AS r FROM follow_up ORDER BY exit_id, horizon`.execute(db.handle.db)
        ).rows.map((x) => x.r),
        sampled: (
          await sql<{ r: string }>`SELECT structure_id || '/' || contract_id AS r FROM controle_hiring ORDER BY 1`.execute(db.handle.db)
        ).rows.map((x) => x.r),
        proofs: Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM controle_proof`.execute(db.handle.db)).rows[0]?.n),
      });
      expect(await rows(other)).toEqual(await rows(t));
    } finally {
      await other.destroy();
    }
  }, 240_000);
});
