// CSV and XLSX rendering of a list (every list route accepts ?format=csv|xlsx).
// CSV: UTF-8 with BOM, `;` separator, CRLF — what French spreadsheet users open without a wizard —
// written by the one cell writer (src/text/csv.ts: quoting, formulas neutralised, numbers kept).
import ExcelJS from "exceljs";
import type { FastifyReply, FastifyRequest } from "fastify";
import { csvDocument, SPREADSHEET } from "../../text/csv.js";

export interface ExportColumn<T> {
  header: string;
  value: (row: T) => string | number | null | undefined;
  /** Excel number format, e.g. "0.00" or "0.0%". */
  numFmt?: string;
}

export function toCsv<T>(rows: readonly T[], columns: readonly ExportColumn<T>[]): string {
  return csvDocument(
    columns.map((c) => c.header),
    rows.map((row) => columns.map((c) => c.value(row))),
    SPREADSHEET,
  );
}

export async function toXlsx<T>(rows: readonly T[], columns: readonly ExportColumn<T>[], sheetName: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "Passerelle";
  const sheet = workbook.addWorksheet(sheetName.slice(0, 31));
  sheet.columns = columns.map((c) => ({ header: c.header, width: Math.max(12, c.header.length + 2) }));
  sheet.getRow(1).font = { bold: true };
  for (const row of rows) sheet.addRow(columns.map((c) => c.value(row) ?? null));
  columns.forEach((c, i) => {
    if (c.numFmt) sheet.getColumn(i + 1).numFmt = c.numFmt;
  });
  sheet.views = [{ state: "frozen", ySplit: 1 }];
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/**
 * The exports a request sent (format, rows), read by src/server/personalDataResponses.ts to audit the
 * exports of personal data — in the shared writer, so that no list route can export without it.
 */
export const exportedRows = new WeakMap<FastifyRequest, { format: "csv" | "xlsx"; count: number }>();

/** Sends the rows as a file download named `<baseName>.<format>`. */
export async function sendExport<T>(
  reply: FastifyReply,
  format: "csv" | "xlsx",
  baseName: string,
  rows: readonly T[],
  columns: readonly ExportColumn<T>[],
): Promise<FastifyReply> {
  const safe = baseName.replace(/[^a-zA-Z0-9_-]+/g, "-");
  exportedRows.set(reply.request, { format, count: rows.length });
  if (format === "csv") {
    return reply
      .type("text/csv; charset=utf-8")
      .header("content-disposition", `attachment; filename="${safe}.csv"`)
      .send(toCsv(rows, columns));
  }
  return reply
    .type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    .header("content-disposition", `attachment; filename="${safe}.xlsx"`)
    .send(await toXlsx(rows, columns, safe));
}
