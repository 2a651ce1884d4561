// The annual report as one downloadable file (HTML, PDF, XLSX, or the CSV tables zipped): what the
// synchronous route sends and what the report job stores (src/jobs/reportJob.ts) — one rendering.
import { strToU8, zipSync } from "fflate";
import type { ReportFormat } from "../contracts/reports.js";
import { renderReportHtml } from "./html.js";
import { renderReportPdf } from "./pdf.js";
import type { ReportModel, ReportScope } from "./reportModel.js";
import { renderReportCsv, renderReportXlsx } from "./tabular.js";

export interface ReportFile {
  fileName: string;
  contentType: string;
  data: Buffer;
}

export function reportBaseName(scope: ReportScope, year: number): string {
  return `rapport-${scope.type === "nation" ? "national" : `${scope.type}-${scope.code}`}-${year}`;
}

export async function renderReportFile(model: ReportModel, scope: ReportScope, year: number, format: ReportFormat): Promise<ReportFile> {
  const base = reportBaseName(scope, year);
  switch (format) {
    case "html":
      return { fileName: `${base}.html`, contentType: "text/html; charset=utf-8", data: Buffer.from(renderReportHtml(model)) };
    case "pdf":
      return { fileName: `${base}.pdf`, contentType: "application/pdf", data: Buffer.from(await renderReportPdf(model)) };
    case "xlsx":
      return {
        fileName: `${base}.xlsx`,
        contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        data: Buffer.from(await renderReportXlsx(model)),
      };
    case "csv": {
      const files = renderReportCsv(model);
      const zip = zipSync(Object.fromEntries([...files].map(([name, text]) => [name, strToU8(text)])));
      return { fileName: `${base}.zip`, contentType: "application/zip", data: Buffer.from(zip) };
    }
  }
}
