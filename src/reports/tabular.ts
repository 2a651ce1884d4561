// Every table of the report as CSV (one file per table; `;` separator, UTF-8 with BOM for spreadsheet
// software, raw numbers with a decimal point) and as one XLSX workbook (one sheet per table + definitions).
import ExcelJS from "exceljs";
import { csvDocument, SPREADSHEET_RAW_NUMBERS } from "../text/csv.js";
import type { ReportModel, ReportTable } from "./reportModel.js";

/** One table as CSV, through the one cell writer (formulas neutralised, numbers kept). */
export function tableToCsv(t: ReportTable): string {
  return csvDocument(
    t.columns.map((c) => c.label),
    t.rows,
    SPREADSHEET_RAW_NUMBERS,
  );
}

/** File name → CSV content, for every table, plus the definitions. */
export function renderReportCsv(model: ReportModel): Map<string, string> {
  const files = new Map<string, string>();
  for (const t of model.tables) files.set(`${t.id}.csv`, tableToCsv(t));
  files.set(
    "definitions.csv",
    tableToCsv({
      id: "definitions",
      title: "Définitions",
      columns: [
        { key: "key", label: "Indicateur" },
        { key: "label", label: "Libellé" },
        { key: "definition", label: "Définition" },
      ],
      rows: model.definitions.map((d) => [d.key, d.label, d.definition]),
      definitions: [],
      printable: true,
    }),
  );
  return files;
}

const NUMBER_FORMATS: Record<string, string> = {
  integer: "#,##0",
  number: "#,##0.0",
  decimal1: "#,##0.0",
  decimal2: "#,##0.00",
  euros: '#,##0 "€"',
  percent: "0.0%",
};

export async function renderReportXlsx(model: ReportModel): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = "Passerelle";
  wb.title = `${model.title} — ${model.subtitle}`;
  const summary = wb.addWorksheet("Synthèse");
  summary.addRow([model.title]).font = { bold: true, size: 14 };
  summary.addRow([model.subtitle]);
  summary.addRow([`Généré le ${model.generatedOn}`]);
  summary.addRow([]);
  for (const p of model.paragraphs) summary.addRow([p]);
  summary.getColumn(1).width = 120;
  const used = new Set<string>();
  for (const t of model.tables) {
    let name = t.title.replace(/[\\/*?:[\]]/g, " ").slice(0, 28);
    while (used.has(name)) name = `${name.slice(0, 26)}${used.size}`;
    used.add(name);
    const ws = wb.addWorksheet(name);
    ws.addRow(t.columns.map((c) => c.label)).font = { bold: true };
    for (const r of t.rows) ws.addRow(r.map((v) => (v === null ? null : v)));
    t.columns.forEach((c, i) => {
      const col = ws.getColumn(i + 1);
      col.width = i === 0 ? 48 : 18;
      const fmt = c.format ? NUMBER_FORMATS[c.format] : undefined;
      // Percent columns of the report hold fractions except the ETP/people table's percentage rows.
      if (fmt) col.numFmt = fmt;
    });
    ws.views = [{ state: "frozen", ySplit: 1 }];
  }
  const defs = wb.addWorksheet("Définitions");
  defs.addRow(["Indicateur", "Définition"]).font = { bold: true };
  for (const d of model.definitions) defs.addRow([d.label, d.definition]);
  defs.getColumn(1).width = 40;
  defs.getColumn(2).width = 120;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
