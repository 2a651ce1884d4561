// The annual report on random data: model consistent with computeIndicators, and every format renders.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/testDb.js";
import { computeIndicators } from "../indicators/computeIndicators.js";
import { insertDataset, randomDataset } from "../indicators/testkit/randomDataset.js";
import { renderReportHtml } from "./html.js";
import { pdfText, renderReportPdf } from "./pdf.js";
import { buildReportModel, type ReportModel } from "./reportModel.js";
import { renderReportCsv, renderReportXlsx } from "./tabular.js";
import { writeReport } from "./writeReport.js";

describe("annual report", () => {
  let t: TestDatabase;
  let model: ReportModel;
  const dir = mkdtempSync(path.join(tmpdir(), "passerelle-report-"));
  beforeAll(async () => {
    t = await createTestDatabase();
    const ds = randomDataset(5, { structures: 12, persons: 60 });
    for (const s of ds.structures) s.departement = "62";
    await t.handle.withTransaction(({ db }) => insertDataset(db, ds));
    model = await buildReportModel(t.handle.db, { scope: { type: "departement", code: "62" }, year: 2019, generatedOn: "2020-01-15" });
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.destroy();
  });

  it("takes its figures from computeIndicators and names every definition", async () => {
    const ind = await computeIndicators(t.handle.db, { scope: "departement:62", from: "2019-01-01", to: "2019-12-31" });
    expect(model.indicators.etp).toEqual(ind.etp);
    expect(model.indicators.budget).toEqual(ind.budget);
    expect(model.subtitle).toBe("Pas-de-Calais (62)");
    expect(model.history.map((h) => h.year)).toEqual([2017, 2018, 2019]);
    expect(ind.etp.conventionnes).toBeGreaterThan(0);
    const structures = model.tables.find((x) => x.id === "structures");
    expect(structures?.rows.find((r) => r[0] === "Total")?.[2]).toBe(ind.structures.total);
    const sorties = model.tables.find((x) => x.id === "sorties");
    expect(sorties?.rows.at(-1)?.[1]).toBe(ind.exits.examined);
    expect(model.paragraphs.join(" ")).toMatch(
      /structures d'insertion par l'activité économique étaient conventionnées dans le département Pas-de-Calais \(62\)/,
    );
    expect(model.paragraphs.join(" ")).toMatch(/objectif national de 60/);
    const keys = new Set(model.definitions.map((d) => d.key));
    for (const tab of model.tables) for (const k of tab.definitions) expect(keys.has(k)).toBe(true);
    for (const h of model.highlights) expect(keys.has(h.definition)).toBe(true);
  });

  it("renders HTML with tables, SVG charts and definitions", () => {
    const html = renderReportHtml(model);
    expect(html).toContain('<html lang="fr">');
    expect(html.match(/<svg /g)?.length).toBe(model.charts.length);
    expect(html.match(/<table>/g)?.length).toBe(model.tables.filter((x) => x.printable).length);
    for (const d of model.definitions) expect(html).toContain(`id="def-${d.key}"`);
    expect(html).not.toMatch(/undefined|NaN/);
  });

  it("renders a PDF (several A4 pages) in-process", async () => {
    const pdf = await renderReportPdf(model);
    const text = pdf.toString("latin1");
    expect(text.startsWith("%PDF-")).toBe(true);
    expect(text.trimEnd().endsWith("%%EOF")).toBe(true);
    const pages = text.match(/\/Type \/Page\b/g)?.length ?? 0;
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(pdfText("1\u202f234 € ≥ 60 % − x")).toBe("1\u00a0234 € >= 60 % - x");
  });

  // Rendering check with poppler (apt package poppler-utils), as scripts/check-report-pdf.sh does.
  const hasPoppler = spawnSync("pdftoppm", ["-v"]).error === undefined;
  it.skipIf(!hasPoppler)("renders every PDF page to a non-blank PNG (pdftoppm)", async () => {
    const file = path.join(dir, "bilan.pdf");
    writeFileSync(file, await renderReportPdf(model));
    const info = spawnSync("pdfinfo", [file], { encoding: "utf8" });
    const pages = Number(/Pages:\s+(\d+)/.exec(info.stdout)?.[1] ?? 0);
    expect(pages).toBeGreaterThanOrEqual(3);
    const r = spawnSync("pdftoppm", ["-r", "40", "-png", file, path.join(dir, "page")], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const pngs = readdirSync(dir).filter((f) => /^page-\d+\.png$/.test(f));
    expect(pngs).toHaveLength(pages);
    for (const png of pngs) expect(statSync(path.join(dir, png)).size).toBeGreaterThan(2000);
  });

  it("writes every table as CSV (folder and zip) and XLSX", async () => {
    const csv = renderReportCsv(model);
    expect([...csv.keys()].sort()).toEqual([...model.tables.map((x) => `${x.id}.csv`), "definitions.csv"].sort());
    const monthly = csv.get("mensuel.csv") ?? "";
    expect(monthly.startsWith("\ufeffMois;ETP conventionnés")).toBe(true);
    expect(monthly.trim().split("\r\n")).toHaveLength(13);

    const folder = path.join(dir, "csv");
    const w = await writeReport(
      t.handle.db,
      { scope: { type: "departement", code: "62" }, year: 2019, generatedOn: "2020-01-15" },
      "csv",
      folder,
    );
    expect(readdirSync(folder).sort()).toEqual([...csv.keys()].sort());
    expect(w.files).toHaveLength(csv.size);
    const zipPath = path.join(dir, "bilan.zip");
    await writeReport(t.handle.db, { scope: { type: "departement", code: "62" }, year: 2019, generatedOn: "2020-01-15" }, "csv", zipPath);
    expect(Object.keys(unzipSync(readFileSync(zipPath))).sort()).toEqual([...csv.keys()].sort());

    const wb = new ExcelJS.Workbook();
    const xlsx = await renderReportXlsx(model);
    await wb.xlsx.load(xlsx.buffer.slice(xlsx.byteOffset, xlsx.byteOffset + xlsx.length) as ArrayBuffer);
    expect(wb.worksheets.map((s) => s.name)).toContain("Définitions");
    expect(wb.worksheets).toHaveLength(model.tables.length + 2);
    const sheet = wb.worksheets.find((s) => s.name.startsWith("Enveloppe"));
    const totalRow = sheet?.getRows(1, 40)?.find((r) => r.getCell(1).value === "Total des annexes financières");
    expect(totalRow?.getCell(3).value).toBe(model.indicators.budget.total);
  });

  it("refuses an unknown territory", async () => {
    await expect(
      buildReportModel(t.handle.db, { scope: { type: "departement", code: "96" }, year: 2019, generatedOn: "2020-01-15" }),
    ).rejects.toThrow(/département inconnu/);
  });
});
