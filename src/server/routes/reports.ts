// Annual report of a territory (the same model as `passerelle report`): HTML preview, PDF, CSV (one
// file per table, zipped) and XLSX downloads, in the request; or, with POST …/jobs, produced by the job
// queue (src/jobs/reportJob.ts) and fetched through /api/v1/jobs/{jobId} (routes/jobs.ts) — for the
// national or regional reports, long to compute. Contract: src/contracts/reports.ts.
import { enqueueAnnualReport, getAnnualReport } from "../../contracts/reports.js";
import { enqueueReportJob } from "../../jobs/reportJob.js";
import { readJobView } from "../../jobs/jobView.js";
import { renderReportFile } from "../../reports/reportFile.js";
import { buildReportModel } from "../../reports/reportModel.js";
import type { RouteModule } from "../context.js";
import { route } from "../route.js";

const routes: RouteModule = async (app, ctx) => {
  const db = ctx.handle.db;

  route(app, getAnnualReport, { policy: "territory:read" }, async ({ target: scope, input: q, reply }) => {
    const model = await buildReportModel(db, { scope, year: q.year, generatedOn: ctx.clock.today() });
    const file = await renderReportFile(model, scope, q.year, q.format);
    // The HTML is a preview unless asked as a download.
    if (q.format !== "html" || q.download === "true") reply.header("content-disposition", `attachment; filename="${file.fileName}"`);
    return reply.type(file.contentType).send(file.data);
  });

  route(app, enqueueAnnualReport, { policy: "territory:read" }, async ({ target: scope, input: q, principal, reply }) => {
    const id = await enqueueReportJob(ctx.handle, {
      scope,
      year: q.year,
      format: q.format,
      generatedOn: ctx.clock.today(),
      ownerId: principal?.userId ?? null,
    });
    app.jobs.wake();
    const job = await readJobView(db, principal, id, (j) => app.jobs.liveProgress(j));
    return reply.code(202).header("location", `/api/v1/jobs/${id}`).send(job);
  });
};
export default routes;
