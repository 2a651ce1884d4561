// Annual report of a territory (the same model as `passerelle report`): HTML preview, PDF, CSV (one
// file per table, zipped) and XLSX downloads. Contract: src/contracts/reports.ts.
import { strToU8, zipSync } from "fflate";
import { getAnnualReport } from "../../contracts/reports.js";
import { renderReportHtml } from "../../reports/html.js";
import { renderReportPdf } from "../../reports/pdf.js";
import { buildReportModel } from "../../reports/reportModel.js";
import { renderReportCsv, renderReportXlsx } from "../../reports/tabular.js";
import type { RouteModule } from "../context.js";
import { route } from "../route.js";

const routes: RouteModule = async (app, ctx) => {
  const db = ctx.handle.db;

  route(app, getAnnualReport, { policy: "territory:read" }, async ({ target: scope, input: q, reply }) => {
    const model = await buildReportModel(db, { scope, year: q.year, generatedOn: ctx.clock.today() });
    const base = `rapport-${scope.type === "nation" ? "national" : `${scope.type}-${scope.code}`}-${q.year}`;
    const attach = (ext: string) => reply.header("content-disposition", `attachment; filename="${base}.${ext}"`);
    switch (q.format) {
      case "html":
        if (q.download === "true") attach("html");
        return reply.type("text/html; charset=utf-8").send(renderReportHtml(model));
      case "pdf":
        attach("pdf");
        return reply.type("application/pdf").send(await renderReportPdf(model));
      case "xlsx":
        attach("xlsx");
        return reply.type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet").send(await renderReportXlsx(model));
      case "csv": {
        const files = renderReportCsv(model);
        const zip = zipSync(Object.fromEntries([...files].map(([name, text]) => [name, strToU8(text)])));
        attach("zip");
        return reply.type("application/zip").send(Buffer.from(zip));
      }
    }
  });
};
export default routes;
