// Imports through the web: upload an ASP list of SIAE (CSV) or a FluxIAE delivery (view file, gzip,
// ZIP); the format is detected, the file is imported atomically (or in dry run) and the report names
// every rejected line (file, line, column, reason). With ?background=true the upload answers 202 with
// a job that the page polls (phase, rows read) until the report is there: the job and its file are in
// the database (src/jobs), run by whichever instance claims it and readable from all. Past runs and their
// rejections can be listed. The upload writes only within the uploader's territory, and runs, jobs and
// rejections are read through src/queries/imports.ts (docs/imports.md). Contracts: src/contracts/imports.ts.
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import {
  getImportJob,
  getImportRun,
  listImportRejections as listImportRejectionsContract,
  listImportRuns as listImportRunsContract,
  uploadImport,
} from "../../contracts/imports.js";
import { importPath } from "../../interchange/importPath.js";
import { ImportInputError, type ImportReport } from "../../interchange/importReport.js";
import { findImportRun, importTerritoryOf, listImportRejections, listImportRuns } from "../../queries/imports.js";
import { actorOf } from "../auth/plugin.js";
import type { RouteModule } from "../context.js";
import { enqueueImport, territoryOfJob } from "../../jobs/importJob.js";
import { importJobView, readImportJob } from "../../jobs/importJobView.js";
import { mayReadImport } from "../../interchange/importTerritory.js";
import { sendExport } from "../lists/exportList.js";
import { window } from "../lists/listQuery.js";
import { sendProblem } from "../problem.js";
import { route } from "../route.js";

const routes: RouteModule = async (app, ctx) => {
  const db = ctx.handle.db;

  route(app, uploadImport, { policy: "import:write", audit: false }, async ({ input, request, reply }) => {
    if (!request.isMultipart()) {
      return sendProblem(
        reply,
        415,
        "Type de contenu non pris en charge",
        "Envoyez le fichier en multipart/form-data dans le champ « file ».",
      );
    }
    const part = await request.file();
    if (part?.fieldname !== "file") {
      return sendProblem(reply, 400, "Requête invalide", "Aucun fichier reçu dans le champ « file ».");
    }
    const dir = await mkdtemp(path.join(tmpdir(), "passerelle-upload-"));
    const cleanup = () => rm(dir, { recursive: true, force: true });
    const originalName = path.basename(part.filename || "fichier");
    const file = path.join(dir, originalName.replace(/[^\w.-]+/g, "_"));
    try {
      await pipeline(part.file, createWriteStream(file));
      if (part.file.truncated) {
        return sendProblem(
          reply,
          413,
          "Contenu trop volumineux",
          `Le fichier dépasse la taille maximale acceptée (${ctx.config.uploadLimit} octets).`,
        );
      }
      const dryRun = input.dryRun === "true";
      const actor = actorOf(request);
      const territory = importTerritoryOf(request.principal!);
      if (!territory) return sendProblem(reply, 403, "Accès refusé", "Réservé à la DDETS, à la DGEFP et aux administrateurs.");
      const run = async (onProgress?: (done: number, total: number | null, what: string) => void): Promise<ImportReport> => {
        const report = await importPath(ctx.handle, file, { dryRun, actor, territory, originalName, pii: ctx.pii, onProgress });
        if (report.importRunId !== null && actor.userId !== null) {
          await db
            .updateTable("import_run")
            .set({ user_id: actor.userId })
            .where("id", "=", report.importRunId)
            .where("user_id", "is", null)
            .execute();
        }
        return report;
      };
      if (input.background === "true") {
        // The file goes into the database with the job: whichever instance claims it runs it (src/jobs).
        const id = (await enqueueImport(ctx.handle, { filePath: file, fileName: originalName, dryRun, actor, territory }))!;
        if (ctx.handle.engine === "pglite" && request.session) {
          app.liveJobReaders.remember(id, request.session, (j) => app.jobs.runningJob(j) !== undefined);
        }
        app.jobs.wake();
        const job = await readImportJob(db, id, territory, (j) => app.jobs.liveProgress(j));
        return reply.code(202).header("location", `/api/v1/imports/jobs/${id}`).send(job);
      }
      try {
        return await run();
      } catch (error) {
        if (error instanceof ImportInputError) {
          return sendProblem(reply, 400, "Fichier non importable", error.message, {
            errors: error.issues.map((i) => ({
              field: `${i.file}${i.line ? `:${i.line}` : ""}${i.column ? ` (${i.column})` : ""}`,
              message: i.reason,
            })),
          });
        }
        throw error;
      }
    } finally {
      await cleanup();
    }
  });

  route(app, getImportJob, { policy: "import:write", liveJobRead: true }, async ({ target, principal, reply }) => {
    // PGlite: the import running here holds the only connection; its progress is answered from memory.
    const here = ctx.handle.engine === "pglite" ? app.jobs.runningJob(target.id) : undefined;
    if (here?.job.kind === "import" && mayReadImport(importTerritoryOf(principal!), territoryOfJob(here.job))) {
      return importJobView(here.job, here.progress);
    }
    const job = await readImportJob(db, target.id, importTerritoryOf(principal!), (id) => app.jobs.liveProgress(id));
    if (!job) {
      return sendProblem(
        reply,
        404,
        "Tâche d'import introuvable",
        "Cette tâche d'import est inconnue (terminée depuis plus de 30 jours, ou lancée hors de votre périmètre) : consultez l'historique des imports.",
      );
    }
    return job;
  });

  route(app, listImportRunsContract, { policy: "import:write" }, async ({ input, principal, reply }) => {
    const q = input;
    const { items, total } = await listImportRuns(db, principal!, { ...window(q), order: q.sort.startsWith("-") ? "desc" : "asc" });
    if (q.format !== "json") {
      return sendExport(reply, q.format, "imports", items, [
        { header: "Identifiant", value: (r) => r.id },
        { header: "Début", value: (r) => r.startedAt },
        { header: "Par", value: (r) => r.userName },
        { header: "Fichier", value: (r) => r.source },
        { header: "Format", value: (r) => r.format },
        { header: "État", value: (r) => r.status },
        { header: "Lignes lues", value: (r) => r.rowsRead },
        { header: "Insérées", value: (r) => r.inserted },
        { header: "Mises à jour", value: (r) => r.updated },
        { header: "Inchangées", value: (r) => r.unchanged },
        { header: "Rejetées", value: (r) => r.rejected },
        { header: "À blanc", value: (r) => (r.dryRun ? "oui" : "non") },
      ]);
    }
    return { items, total, page: q.page, pageSize: q.pageSize };
  });

  route(app, getImportRun, { policy: "import:write" }, async ({ target, principal, reply }) => {
    const run = await findImportRun(db, principal!, target);
    if (!run) return sendProblem(reply, 404, "Import introuvable", `Aucun import de votre périmètre n'a l'identifiant ${target.id}.`);
    return run;
  });

  route(app, listImportRejectionsContract, { policy: "import:write" }, async ({ target, input, principal, reply }) => {
    const q = input;
    const page = await listImportRejections(db, principal!, target, { ...window(q), order: q.sort.startsWith("-") ? "desc" : "asc" });
    if (!page) return sendProblem(reply, 404, "Import introuvable", `Aucun import de votre périmètre n'a l'identifiant ${target.id}.`);
    const { items, total } = page;
    if (q.format !== "json") {
      return sendExport(reply, q.format, `rejets-import-${target.id}`, items, [
        { header: "Fichier", value: (r) => r.file },
        { header: "Ligne", value: (r) => r.line },
        { header: "Colonne", value: (r) => r.column },
        { header: "Motif", value: (r) => r.reason },
        { header: "Gravité", value: (r) => r.severity },
      ]);
    }
    return { items, total, page: q.page, pageSize: q.pageSize };
  });
};
export default routes;
