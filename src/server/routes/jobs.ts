// Background jobs producing a file (the annual report, POST /api/v1/reports/annual/jobs; a structure's
// fiches salarié, POST …/fiches-salarie/exports/jobs): state and
// progress, then the file, from any instance. A job is found only by whoever may read what it was made
// for (src/jobs/jobView.ts); otherwise the same 404 as an unknown id. Contract: src/contracts/jobs.ts.
import { Readable } from "node:stream";
import { getJob, getJobResult } from "../../contracts/jobs.js";
import { type JobFileResult, readJobResult } from "../../jobs/jobResult.js";
import { findReadableJob, jobView } from "../../jobs/jobView.js";
import type { RouteModule } from "../context.js";
import { sendProblem } from "../problem.js";
import { route } from "../route.js";

const NOT_FOUND =
  "Cette tâche est inconnue (terminée depuis plus de 30 jours, ou faite pour un territoire hors de votre périmètre) : relancez-la.";

const routes: RouteModule = async (app, ctx) => {
  const db = ctx.handle.db;

  route(app, getJob, { policy: "authenticated" }, async ({ target, principal, reply }) => {
    const job = await findReadableJob(db, principal, target.id);
    if (!job) return sendProblem(reply, 404, "Tâche introuvable", NOT_FOUND);
    return jobView(job, app.jobs.liveProgress(job.id));
  });

  route(app, getJobResult, { policy: "authenticated" }, async ({ target, principal, reply }) => {
    const job = await findReadableJob(db, principal, target.id);
    if (!job) return sendProblem(reply, 404, "Tâche introuvable", NOT_FOUND);
    if (job.status !== "succeeded") {
      return sendProblem(
        reply,
        409,
        "Fichier pas encore prêt",
        job.status === "failed"
          ? "La tâche a échoué : aucun fichier n'a été produit."
          : "La tâche n'est pas terminée : suivez son avancement.",
      );
    }
    const file = job.result as JobFileResult;
    return reply
      .type(file.contentType)
      .header("content-length", file.size)
      .header("content-disposition", `attachment; filename="${file.fileName}"`)
      .send(Readable.from(readJobResult(db, job.id)));
  });
};
export default routes;
