// Two imports of the same FluxIAE delivery at once (PostgreSQL: two connections; PGlite runs them one
// after the other anyway): each report counts what that import wrote. Before the import lock, the import
// that waited for the other's row locks reported the other's inserts as its own (inserted: 382).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateFluxIae } from "../../src/interchange/fluxiae-generator/generateFluxIae.js";
import { importPath } from "../../src/interchange/importPath.js";
import { NATION } from "../../src/interchange/importTerritory.js";
import { testCipher } from "../../src/security/personalData.js";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";

let dir: string;
const dbs: TestDatabase[] = [];
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "passerelle-concurrent-"));
  await generateFluxIae({ factor: 0.004, out: dir, seed: 7, years: 1 });
});
afterAll(async () => {
  for (const t of dbs) await t.destroy();
  await rm(dir, { recursive: true, force: true });
});

const counts = (r: { inserted: number; updated: number; unchanged: number; rejected: number }) => ({
  inserted: r.inserted,
  updated: r.updated,
  unchanged: r.unchanged,
  rejected: r.rejected,
});

describe("two imports of one delivery at once", () => {
  it("report what each import wrote: the same counts as the same two imports one after the other", async () => {
    const options = { territory: NATION, pii: testCipher() };
    const sequential = await createTestDatabase();
    dbs.push(sequential);
    const first = await importPath(sequential.handle, dir, options);
    const second = await importPath(sequential.handle, dir, options);
    expect(first.inserted).toBeGreaterThan(100);
    expect(second.inserted).toBe(0);

    const concurrent = await createTestDatabase();
    dbs.push(concurrent);
    const both = await Promise.all([importPath(concurrent.handle, dir, options), importPath(concurrent.handle, dir, options)]);
    const seen = both.map(counts).sort((a, b) => b.inserted - a.inserted);
    expect(seen).toEqual([counts(first), counts(second)]);
    const runs = await concurrent.handle.db.selectFrom("import_run").select(["inserted", "updated"]).orderBy("id").execute();
    expect(runs.map((r) => r.inserted).sort((a, b) => b - a)).toEqual([first.inserted, 0]);
  });
});
