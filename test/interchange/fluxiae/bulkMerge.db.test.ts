// A first load of EtatMensuelIndiv merged without triggers (foreign keys checked and rollups rebuilt
// set-based) gives exactly the rows and rollups of the per-row path; a second import of the same delivery
// takes the per-row path and changes nothing.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findRollupDrift } from "../../../src/db/rollups.js";
import { canSkipTriggers } from "../../../src/db/bulkWithoutTriggers.js";
import { generateFluxIae } from "../../../src/interchange/fluxiae-generator/generateFluxIae.js";
import { importFluxIae } from "../../../src/interchange/fluxiae/index.js";
import { testCipher } from "../../../src/security/personalData.js";
import { createTestDatabase, type TestDatabase } from "../../support/testDb.js";

const ROLLUPS = [
  "rollup_annex_month",
  "rollup_person_year",
  "rollup_recruitment_annex",
  "rollup_annex_year",
  "rollup_multi_person_year",
  "rollup_entry_month",
  "rollup_entry_repeat",
  "rollup_exit_month",
] as const;

/** Every row of the declarations and rollups, by natural keys (ids differ between two databases only by order of insertion). */
async function snapshot(t: TestDatabase): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  out.monthly_declaration = (
    await sql`SELECT c.asp_contract_id, a.extra->>'af_id_annexe_financiere' AS afi, a.modification, d.month::text, d.hours::text,
        d.billed_hours::text, d.gross_pay::text, d.state, d.exit_motif_code
      FROM monthly_declaration d JOIN contract c ON c.id = d.contract_id JOIN financial_annex a ON a.id = d.annex_id
      ORDER BY 1, 2, 3, 4`.execute(t.handle.db)
  ).rows;
  for (const table of ROLLUPS)
    out[table] = (await sql.raw(`SELECT * FROM ${table}`).execute(t.handle.db)).rows
      .map((r) => JSON.stringify(Object.values(r as Record<string, unknown>)))
      .sort();
  return out;
}

describe("EtatMensuelIndiv first load without triggers", () => {
  let perRow: TestDatabase;
  let bulk: TestDatabase;
  let dir: string;
  const pii = testCipher();
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "passerelle-bulkmerge-"));
    await generateFluxIae({ factor: 0.02, departement: "062", out: dir, seed: 11, years: 2 });
    perRow = await createTestDatabase();
    bulk = await createTestDatabase();
  });
  afterAll(async () => {
    await perRow?.destroy();
    await bulk?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("writes the same declarations and rollups as the per-row path, reports the same counts, and re-imports idempotently", async () => {
    expect(await canSkipTriggers(bulk.handle.db)).toBe(true);
    const a = await importFluxIae(perRow.handle, dir, { pii, bulkMinRows: Number.POSITIVE_INFINITY });
    const b = await importFluxIae(bulk.handle, dir, { pii, bulkMinRows: 0 });
    const stepsOf = (r: typeof a) => Object.keys(r.views.find((v) => v.view === "EtatMensuelIndiv")?.steps ?? {});
    expect(stepsOf(a)).toContain("INSERT … ON CONFLICT (+ agrégats)");
    expect(stepsOf(b)).toEqual(
      expect.arrayContaining(["INSERT (sans déclencheurs)", "contrôle des clés étrangères", "reconstruction des agrégats"]),
    );
    expect(b.rejections).toEqual(a.rejections);
    expect({ inserted: b.inserted, updated: b.updated, unchanged: b.unchanged, rejected: b.rejected }).toEqual({
      inserted: a.inserted,
      updated: a.updated,
      unchanged: a.unchanged,
      rejected: a.rejected,
    });
    const sa = await snapshot(perRow);
    const sb = await snapshot(bulk);
    expect((sa.monthly_declaration ?? []).length).toBeGreaterThan(1000);
    expect(sb).toEqual(sa);
    expect(await findRollupDrift(bulk.handle.db)).toEqual([]);

    // Same delivery again: rows exist, so the per-row path; nothing changes.
    const again = await importFluxIae(bulk.handle, dir, { pii, bulkMinRows: 0 });
    expect(stepsOf(again)).toContain("INSERT … ON CONFLICT (+ agrégats)");
    expect(again.inserted).toBe(0);
    expect(await snapshot(bulk)).toEqual(sb);
  });
});
