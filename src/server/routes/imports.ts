// Imports through the web: upload an ASP list of SIAE (CSV) or a FluxIAE delivery (view file, gzip,
// ZIP); the format is detected, the file is imported atomically (or in dry run) and the report names
// every rejected line (file, line, column, reason). With ?background=true the upload answers 202 with
// a job that the page polls (phase, rows read) until the report is there. Past runs and their
// rejections can be listed. The upload writes only within the uploader's territory, and runs, jobs and
// rejections are read through src/queries/imports.ts (docs/imports.md).
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { z } from "zod";
import { importPath } from "../../interchange/importPath.js";
import { ImportInputError, type ImportReport } from "../../interchange/importReport.js";
import { findImportRun, importTerritoryOf, listImportRejections, listImportRuns } from "../../queries/imports.js";
import { actorOf } from "../auth/plugin.js";
import type { RouteModule } from "../context.js";
import { type ImportJob, ImportJobRegistry } from "../imports/importJobs.js";
import { sendExport } from "../lists/exportList.js";
import { listQuerySchema, pageSchema, window } from "../lists/listQuery.js";
import { sendProblem } from "../problem.js";
const Issue = z.object({ file: z.string(), line: z.number().int().nullable(), column: z.string().nullable(), reason: z.string() });
const Report = z.object({
  format: z.string(),
  rowsRead: z.number().int(),
  inserted: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  rejected: z.number().int(),
  rejections: z.array(Issue),
  warnings: z.array(Issue),
  importRunId: z.number().int().nullable(),
  dryRun: z.boolean(),
  durationMs: z.number(),
});
const Run = z.object({
  id: z.number().int(),
  startedAt: z.string(),
  source: z.string(),
  format: z.string(),
  status: z.string(),
  rowsRead: z.number().int(),
  inserted: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  rejected: z.number().int(),
  error: z.string().nullable(),
  dryRun: z.boolean(),
  finishedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  userName: z.string().nullable(),
  departement: z.string().nullable(),
});

const Job = z.object({
  id: z.string(),
  status: z.enum(["running", "succeeded", "failed"]),
  fileName: z.string(),
  dryRun: z.boolean(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  phase: z.enum(["detection", "import", "termine"]),
  what: z.string().nullable(),
  rowsRead: z.number().int(),
  total: z.number().int().nullable(),
  report: Report.nullable(),
  error: z.object({ title: z.string(), detail: z.string(), rejections: z.array(Issue) }).nullable(),
});

function jobJson(job: ImportJob): z.infer<typeof Job> {
  return {
    id: job.id,
    status: job.status,
    fileName: job.fileName,
    dryRun: job.dryRun,
    startedAt: job.startedAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
    phase: job.progress.phase,
    what: job.progress.what,
    rowsRead: job.progress.rowsRead,
    total: job.progress.total,
    report: job.report,
    error: job.failure ? { title: job.failure.title, detail: job.failure.detail, rejections: job.failure.issues } : null,
  };
}

const routes: RouteModule = async (app, ctx) => {
  const db = ctx.handle.db;
  const jobs = new ImportJobRegistry();
  // A background import still running holds the database: let it finish before the handle closes.
  app.addHook("onClose", async () => {
    await jobs.settled();
  });

  app.post(
    "/api/v1/imports",
    {
      config: { policy: "import:write", audit: false },
      schema: {
        tags: ["imports"],
        summary:
          "Importe un fichier (liste ASP des SIAE ou livraison FluxIAE) envoyé en multipart/form-data (champ « file ») ; " +
          "avec background=true, répond 202 avec une tâche à suivre sur /api/v1/imports/jobs/{jobId}",
        querystring: z.object({ dryRun: z.enum(["true", "false"]).optional(), background: z.enum(["true", "false"]).optional() }),
        response: { 200: Report, 202: Job },
      },
    },
    async (request, reply) => {
      if (!request.isMultipart()) {
        return sendProblem(reply, 415, "Type de contenu non pris en charge", "Envoyez le fichier en multipart/form-data dans le champ « file ».");
      }
      const part = await request.file();
      if (part?.fieldname !== "file") {
        return sendProblem(reply, 400, "Requête invalide", "Aucun fichier reçu dans le champ « file ».");
      }
      const dir = await mkdtemp(path.join(tmpdir(), "passerelle-upload-"));
      const cleanup = () => rm(dir, { recursive: true, force: true });
      const originalName = path.basename(part.filename || "fichier");
      const file = path.join(dir, originalName.replace(/[^\w.-]+/g, "_"));
      let handedOver = false;
      try {
        await pipeline(part.file, createWriteStream(file));
        if (part.file.truncated) {
          return sendProblem(reply, 413, "Contenu trop volumineux", `Le fichier dépasse la taille maximale acceptée (${ctx.config.uploadLimit} octets).`);
        }
        const dryRun = request.query.dryRun === "true";
        const actor = actorOf(request);
        const territory = importTerritoryOf(request.principal!);
        if (!territory) return sendProblem(reply, 403, "Accès refusé", "Réservé à la DDETS, à la DGEFP et aux administrateurs.");
        const run = async (onProgress?: (done: number, total: number | null, what: string) => void): Promise<ImportReport> => {
          const report = await importPath(ctx.handle, file, { dryRun, actor, territory, originalName, pii: ctx.pii, onProgress });
          if (report.importRunId !== null && actor.userId !== null) {
            await db.updateTable("import_run").set({ user_id: actor.userId }).where("id", "=", report.importRunId).where("user_id", "is", null).execute();
          }
          return report;
        };
        if (request.query.background === "true") {
          const job = jobs.start({ ownerId: actor.userId, territory, fileName: originalName, dryRun }, run, {
            cleanup,
            onUnexpected: (error) => request.log.error({ err: error }, "background import failed"),
          });
          handedOver = true;
          return reply.code(202).header("location", `/api/v1/imports/jobs/${job.id}`).send(jobJson(job));
        }
        try {
          return await run();
        } catch (error) {
          if (error instanceof ImportInputError) {
            return sendProblem(reply, 400, "Fichier non importable", error.message, {
              errors: error.issues.map((i) => ({ field: `${i.file}${i.line ? `:${i.line}` : ""}${i.column ? ` (${i.column})` : ""}`, message: i.reason })),
            });
          }
          throw error;
        }
      } finally {
        if (!handedOver) await cleanup();
      }
    },
  );

  app.get(
    "/api/v1/imports/jobs/:jobId",
    {
      config: { policy: "import:write" },
      schema: {
        tags: ["imports"],
        summary: "Avancement d'un import lancé en arrière-plan (phase, lignes lues), puis son rapport",
        params: z.object({ jobId: z.string().uuid("Identifiant de tâche d'import invalide.") }),
        response: { 200: Job },
      },
    },
    async (request, reply) => {
      const job = jobs.get(request.params.jobId, importTerritoryOf(request.principal!));
      if (!job) {
        return sendProblem(
          reply,
          404,
          "Tâche d'import introuvable",
          "Cette tâche d'import est inconnue de ce serveur (terminée depuis plus d'une heure, lancée par un autre compte ou sur une autre instance) : consultez l'historique des imports.",
        );
      }
      return jobJson(job);
    },
  );

  app.get(
    "/api/v1/imports",
    {
      config: { policy: "import:write" },
      schema: {
        tags: ["imports"],
        summary: "Historique des imports (export CSV/XLSX)",
        querystring: listQuerySchema(["startedAt"], "-startedAt"),
        response: { 200: pageSchema(Run) },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const { items, total } = await listImportRuns(db, request.principal!, { ...window(q), order: q.sort.startsWith("-") ? "desc" : "asc" });
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
    },
  );

  app.get(
    "/api/v1/imports/:importRunId",
    {
      config: { policy: "import:write" },
      schema: {
        tags: ["imports"],
        summary: "Un import passé : fichier, auteur, date, compteurs (rejets sur /rejections)",
        params: z.object({ importRunId: z.coerce.number().int().positive() }),
        response: { 200: Run },
      },
    },
    async (request, reply) => {
      const run = await findImportRun(db, request.principal!, { id: request.params.importRunId });
      if (!run) return sendProblem(reply, 404, "Import introuvable", `Aucun import de votre périmètre n'a l'identifiant ${request.params.importRunId}.`);
      return run;
    },
  );

  app.get(
    "/api/v1/imports/:importRunId/rejections",
    {
      config: { policy: "import:write" },
      schema: {
        tags: ["imports"],
        summary: "Rejets et avertissements d'un import (fichier, ligne, colonne, motif ; export CSV/XLSX)",
        params: z.object({ importRunId: z.coerce.number().int().positive() }),
        querystring: listQuerySchema(["line"], "line"),
        response: { 200: pageSchema(Issue.extend({ severity: z.string() })) },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const page = await listImportRejections(db, request.principal!, { id: request.params.importRunId }, { ...window(q), order: q.sort.startsWith("-") ? "desc" : "asc" });
      if (!page) return sendProblem(reply, 404, "Import introuvable", `Aucun import de votre périmètre n'a l'identifiant ${request.params.importRunId}.`);
      const { items, total } = page;
      if (q.format !== "json") {
        return sendExport(reply, q.format, `rejets-import-${request.params.importRunId}`, items, [
          { header: "Fichier", value: (r) => r.file },
          { header: "Ligne", value: (r) => r.line },
          { header: "Colonne", value: (r) => r.column },
          { header: "Motif", value: (r) => r.reason },
          { header: "Gravité", value: (r) => r.severity },
        ]);
      }
      return { items, total, page: q.page, pageSize: q.pageSize };
    },
  );
};
export default routes;
