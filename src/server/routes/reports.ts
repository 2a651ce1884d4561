// Annual report of a territory (the same model as `passerelle report`): HTML preview, PDF, CSV (one
// file per table, zipped) and XLSX downloads.
import { strToU8, zipSync } from "fflate";
import { z } from "zod";
import { renderReportHtml } from "../../reports/html.js";
import { renderReportPdf } from "../../reports/pdf.js";
import { buildReportModel, type ReportScope } from "../../reports/reportModel.js";
import { renderReportCsv, renderReportXlsx } from "../../reports/tabular.js";
import type { RouteModule } from "../context.js";
import { sendProblem } from "../problem.js";

const routes: RouteModule = async (app, ctx) => {
  const db = ctx.handle.db;

  app.get(
    "/api/v1/reports/annual",
    {
      config: { policy: "territory:read" },
      schema: {
        tags: ["rapports"],
        summary: "Rapport annuel d'un département (ou d'une région, ou national) : HTML, PDF, CSV (zip) ou XLSX",
        querystring: z
          .object({
            departement: z.string().regex(/^([0-9]{2}|2[AB]|97[1-6])$/, "Code département attendu (ex. 62).").optional(),
            region: z.string().regex(/^[0-9]{2}$/, "Code région attendu (ex. 32).").optional(),
            year: z.coerce.number().int().min(2000).max(2100),
            format: z.enum(["html", "pdf", "csv", "xlsx"]).default("html"),
            download: z.enum(["true", "false"]).optional(),
          })
          .refine((q) => !(q.departement && q.region), { message: "Indiquez un département ou une région, pas les deux." }),
      },
    },
    async (request, reply) => {
      const q = request.query;
      const principal = request.principal!;
      // No territory in the query: national for DGEFP/admin; otherwise the policy refused nothing
      // because nothing was named, so the caller's own territory is used.
      let scope: ReportScope;
      if (q.departement) scope = { type: "departement", code: q.departement };
      else if (q.region) scope = { type: "region", code: q.region };
      else if (principal.departementCode) scope = { type: "departement", code: principal.departementCode };
      else if (principal.regionCode) scope = { type: "region", code: principal.regionCode };
      else if (principal.role === "national" || principal.role === "admin") scope = { type: "nation" };
      else return sendProblem(reply, 403, "Accès refusé", "Le rapport annuel est réservé aux services de l'État et aux conseils départementaux.");
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
    },
  );
};
export default routes;
