// After a FluxIAE import, the tables the dashboards read through covering indexes are vacuumed: every page
// all-visible, so the indexes answer alone (PGlite has no autovacuum to do it later).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateFluxIae } from "../../src/interchange/fluxiae-generator/generateFluxIae.js";
import { importPath } from "../../src/interchange/importPath.js";
import { NATION } from "../../src/interchange/importTerritory.js";
import { testCipher } from "../../src/security/personalData.js";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";

let dir: string;
let t: TestDatabase;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "passerelle-vacuum-"));
  await generateFluxIae({ factor: 0.004, out: dir, seed: 3, years: 1 });
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.destroy();
  await rm(dir, { recursive: true, force: true });
});

describe("import then vacuum", () => {
  it("leaves the annexes and the dashboards' rollups all-visible", async () => {
    const report = await importPath(t.handle, dir, { territory: NATION, pii: testCipher() });
    expect(report.inserted).toBeGreaterThan(100);
    const { rows } = await sql<{ relname: string; relpages: number; relallvisible: number }>`
      SELECT relname, relpages, relallvisible FROM pg_class
      WHERE relname IN ('financial_annex', 'rollup_exit_scope_month', 'rollup_annex_year') ORDER BY relname`.execute(t.handle.db);
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      expect(r.relpages, r.relname).toBeGreaterThan(0);
      expect(r.relallvisible, r.relname).toBe(r.relpages);
    }
  });
});
