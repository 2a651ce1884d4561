// The national generator's output goes through the real importer: generate a tiny scale (one
// département, 2 % of its real size), import the folder with importPath, compare counts.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test/support/testDb.js";
import { importPath } from "../importPath.js";
import { NATION } from "../importTerritory.js";
import { testCipher } from "../../security/personalData.js";
import { generateFluxIae, type GenerateSummary } from "./generateFluxIae.js";

let t: TestDatabase;
let dir: string;
let summary: GenerateSummary;

beforeAll(async () => {
  t = await createTestDatabase();
  dir = mkdtempSync(path.join(tmpdir(), "passerelle-gen-"));
  summary = await generateFluxIae({ factor: 0.02, departement: "062", out: dir, seed: 7, years: 2 });
});
afterAll(async () => {
  await t?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("generate → import", () => {
  it("writes FluxIAE views with DEB/FIN markers, deterministically", async () => {
    const emi = summary.files.find((f) => f.includes("EtatMensuelIndiv"));
    const text = gunzipSync(readFileSync(emi ?? ""))
      .toString("utf8")
      .trimEnd()
      .split("\n");
    expect(text[0]).toMatch(/^DEBEtatMensuelIndiv31122019_235959\|/);
    expect(text[1]).toBe("emi_afi_id|emi_pph_id|emi_ctr_id|emi_sme_mois|emi_sme_annee|emi_nb_heures_travail|emi_esm_etat_code");
    expect(text[text.length - 1]).toMatch(new RegExp(`^FIN${summary.monthlyRows}\\|`));
    const again = mkdtempSync(path.join(tmpdir(), "passerelle-gen2-"));
    try {
      const second = await generateFluxIae({ factor: 0.02, departement: "062", out: again, seed: 7, years: 2 });
      expect({ ...second, files: [], durationMs: 0 }).toEqual({ ...summary, files: [], durationMs: 0 });
      expect(
        gunzipSync(readFileSync(second.files.find((f) => f.includes("Salarie")) ?? "")).equals(
          gunzipSync(readFileSync(summary.files.find((f) => f.includes("Salarie")) ?? "")),
        ),
      ).toBe(true);
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  });

  it("imports cleanly through the real importer and the counts match", async () => {
    const report = await importPath(t.handle, dir, { pii: testCipher(), territory: NATION });
    expect(report.rejections.slice(0, 5)).toEqual([]);
    expect(report.rejected).toBe(0);
    const count = async (table: "structure" | "financial_annex" | "person" | "contract" | "monthly_declaration") =>
      Number(
        (
          await t.handle.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<string>().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(await count("structure")).toBe(summary.structures);
    expect(await count("financial_annex")).toBe(summary.annexes);
    expect(await count("person")).toBe(summary.people);
    expect(await count("contract")).toBe(summary.contracts);
    expect(await count("monthly_declaration")).toBe(summary.monthlyRows);
    const exits = Number(
      (
        await t.handle.db
          .selectFrom("exit")
          .select((eb) => eb.fn.countAll<string>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
    expect(exits).toBe(summary.exits);
  });

  it("imported again by the DDETS of its département: only the national referentials are refused, nothing changes", async () => {
    const report = await importPath(t.handle, dir, { pii: testCipher(), territory: { kind: "departement", code: "62" } });
    expect(new Set(report.rejections.map((r) => r.column))).toEqual(new Set(["rcs_id", "rms_id"]));
    expect(report).toMatchObject({ inserted: 0, updated: 0 });
    const refused = await importPath(t.handle, dir, { pii: testCipher(), territory: { kind: "departement", code: "59" } });
    expect(refused).toMatchObject({ inserted: 0, updated: 0, unchanged: 0, rejected: refused.rowsRead });
  });
});
