// Builds and writes the annual report in one format (used by `passerelle report`; the HTTP API calls the
// renderers directly). Files are written to a temporary name then renamed: no half-written report.
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { strToU8, zipSync } from "fflate";
import type { Kysely } from "kysely";
import type { ReportFormat } from "../contracts/reports.js";
import type { Database } from "../db/schema.js";
import { renderReportHtml } from "./html.js";
import { renderReportPdf } from "./pdf.js";
import { buildReportModel, type ReportModel, type ReportParams } from "./reportModel.js";
import { renderReportCsv, renderReportXlsx } from "./tabular.js";

export { REPORT_FORMATS, type ReportFormat } from "../contracts/reports.js";

export interface WrittenReport {
  format: ReportFormat;
  out: string;
  files: string[];
  bytes: number;
  model: ReportModel;
}

function writeAtomically(file: string, data: Buffer | string): number {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
  return typeof data === "string" ? Buffer.byteLength(data) : data.length;
}

export async function writeReport(db: Kysely<Database>, params: ReportParams, format: ReportFormat, out: string): Promise<WrittenReport> {
  const model = await buildReportModel(db, params);
  const target = path.resolve(out);
  switch (format) {
    case "html":
      return { format, out: target, files: [target], bytes: writeAtomically(target, renderReportHtml(model)), model };
    case "pdf":
      return { format, out: target, files: [target], bytes: writeAtomically(target, await renderReportPdf(model)), model };
    case "xlsx":
      return { format, out: target, files: [target], bytes: writeAtomically(target, await renderReportXlsx(model)), model };
    case "csv": {
      const files = renderReportCsv(model);
      if (target.endsWith(".zip")) {
        const zip = zipSync(Object.fromEntries([...files].map(([name, text]) => [name, strToU8(text)])));
        return { format, out: target, files: [...files.keys()], bytes: writeAtomically(target, Buffer.from(zip)), model };
      }
      // A folder with one CSV per table, replaced as a whole.
      const tmpDir = `${target}.tmp-${process.pid}`;
      rmSync(tmpDir, { recursive: true, force: true });
      mkdirSync(tmpDir, { recursive: true });
      let bytes = 0;
      for (const [name, text] of files) {
        writeFileSync(path.join(tmpDir, name), text);
        bytes += Buffer.byteLength(text);
      }
      rmSync(target, { recursive: true, force: true });
      renameSync(tmpDir, target);
      return { format, out: target, files: [...files.keys()].map((f) => path.join(target, f)), bytes, model };
    }
  }
}
