// Round trips through the FluxIAE importer (src/interchange/fluxiae): what the exporter writes can be
// read back by Passerelle (and so by any tool reading FluxIAE), and an imported delivery is given back.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importFluxIae } from "../../src/interchange/fluxiae/index.js";
import { exportFluxiaeView } from "../../src/interchange/fluxiae-export/exportFluxiaeView.js";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";
import { buildDataset, pii, readFluxiae } from "./dataset.js";

const SAMPLE = new URL("../fixtures/external/fluxiae/fluxIAE_AnnexeFinanciere_22022022_112211.csv.gz", import.meta.url);
const actor = { userId: null, label: "test" };
let source: TestDatabase;
let target: TestDatabase;
let dir: string;

beforeAll(async () => {
  [source, target] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  dir = mkdtempSync(path.join(tmpdir(), "passerelle-roundtrip-"));
});
afterAll(async () => {
  await source?.destroy();
  await target?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("FluxIAE round trips", () => {
  it("the real ASP AnnexeFinanciere extract, imported then exported, gives back every row, every column unchanged", async () => {
    const report = await importFluxIae(target.handle, SAMPLE.pathname, { actor });
    expect(report.rejected).toBe(0);
    const out = path.join(dir, "fluxIAE_AnnexeFinanciere.csv");
    const r = await exportFluxiaeView(target.handle, { view: "AnnexeFinanciere", out, actor, pageSize: 20 });
    // The extract carries one version (af_id_avenant_modification 39139) twice, differing only by its rejection
    // motif: the importer keeps the last line (reported), so 84 versions come back.
    expect(r.rows).toBe(84);
    const original = readFluxiae(
      gunzipSync(readFileSync(SAMPLE))
        .toString("utf8")
        .replace(/^\ufeff/, "")
        .replace(/\r\n/g, "\n"),
    );
    const exported = readFluxiae(readFileSync(out, "utf8"));
    expect(exported.header).toEqual(original.header);
    expect(exported.fin).toBe(84);
    const lastOfEach = new Map(original.rows.map((row) => [row["af_id_avenant_modification"], row]));
    expect(lastOfEach.size).toBe(84);
    const sorted = (rows: Record<string, string>[]) => rows.map((row) => JSON.stringify(row)).sort();
    expect(sorted(exported.rows)).toEqual(sorted([...lastOfEach.values()]));
    for (const row of exported.rows) {
      const o = lastOfEach.get(row["af_id_avenant_modification"]);
      for (const c of [
        "af_etp_postes_insertion",
        "af_montant_unitaire_annuel_valeur",
        "af_montant_total_annuel",
        "af_etat_annexe_financiere_code",
      ])
        expect(row[c]).toBe(o?.[c]);
    }
  });

  it("Passerelle's own data exported as a FluxIAE delivery (Structure, AnnexeFinanciere) imports into another Passerelle with the same figures", async () => {
    await buildDataset(source.handle);
    const delivery = path.join(dir, "delivery");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(delivery);
    for (const view of ["Structure", "AnnexeFinanciere"] as const) {
      await exportFluxiaeView(source.handle, { view, out: path.join(delivery, `fluxIAE_${view}_15032022_102030.csv`), actor });
    }
    const fresh = await createTestDatabase();
    try {
      const report = await importFluxIae(fresh.handle, delivery, { actor, pii });
      expect(report.rejected).toBe(0);
      const figures = (db: TestDatabase) =>
        sql<{
          number: string;
          state: string;
          etp: string;
          unit_amount: string | null;
          total_amount: string | null;
          starts_on: string;
          ends_on: string;
          kind: string;
          siret: string | null;
        }>`
          SELECT fa.number, fa.state, fa.etp, fa.unit_amount, fa.total_amount, fa.starts_on, fa.ends_on, s.kind, s.siret
          FROM financial_annex fa JOIN structure s ON s.id = fa.structure_id ORDER BY fa.number, fa.starts_on`
          .execute(db.handle.db)
          .then((r) => r.rows);
      expect(await figures(fresh)).toEqual(await figures(source));
      // Idempotent: importing the same delivery again changes nothing.
      const again = await importFluxIae(fresh.handle, delivery, { actor, pii });
      expect(again).toMatchObject({ inserted: 0, updated: 0 });
    } finally {
      await fresh.destroy();
    }
  });
});
