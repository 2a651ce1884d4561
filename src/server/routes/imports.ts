// Imports through the web: upload an ASP list of SIAE (CSV) or a FluxIAE delivery (view file, gzip,
// ZIP); the format is detected, the file is imported atomically (or in dry run) and the report names
// every rejected line (file, line, column, reason). Past runs and their rejections can be listed.
import { createWriteStream } from "node:fs";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { z } from "zod";
import { importAspList, looksLikeAspList } from "../../interchange/asp-lists/importAspList.js";
import { importFluxIae } from "../../interchange/fluxiae/index.js";
import { ImportInputError, type ImportReport } from "../../interchange/importReport.js";
import { decodeText } from "../../interchange/text/decodeText.js";
import { actorOf } from "../auth/plugin.js";
import type { RouteModule } from "../context.js";
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
});

/** First line of an uploaded file, decoded (UTF-8 or Windows-1252), to recognise an ASP list. */
async function firstLine(file: string): Promise<string> {
  const handle = await open(file, "r");
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const head = buffer.subarray(0, bytesRead);
    // gzip / zip containers are FluxIAE deliveries.
    if (head[0] === 0x1f && head[1] === 0x8b) return "";
    if (head[0] === 0x50 && head[1] === 0x4b) return "";
    return decodeText(head).text.split(/\r?\n/, 1)[0] ?? "";
  } finally {
    await handle.close();
  }
}

const routes: RouteModule = async (app, ctx) => {
  const db = ctx.handle.db;

  app.post(
    "/api/v1/imports",
    {
      config: { policy: "import:write", audit: false },
      schema: {
        tags: ["imports"],
        summary: "Importe un fichier (liste ASP des SIAE ou livraison FluxIAE) envoyé en multipart/form-data (champ « file »)",
        querystring: z.object({ dryRun: z.enum(["true", "false"]).optional() }),
        response: { 200: Report },
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
      const originalName = path.basename(part.filename || "fichier");
      const file = path.join(dir, originalName.replace(/[^\w.-]+/g, "_"));
      try {
        await pipeline(part.file, createWriteStream(file));
        if (part.file.truncated) {
          return sendProblem(reply, 413, "Contenu trop volumineux", `Le fichier dépasse la taille maximale acceptée (${ctx.config.uploadLimit} octets).`);
        }
        const dryRun = request.query.dryRun === "true";
        const actor = actorOf(request);
        let report: ImportReport;
        try {
          report = looksLikeAspList(await firstLine(file))
            ? await importAspList(ctx.handle, file, { dryRun, actor, originalName })
            : await importFluxIae(ctx.handle, file, { dryRun, actor, originalName, pii: ctx.pii });
        } catch (error) {
          if (error instanceof ImportInputError) {
            return sendProblem(reply, 400, "Fichier non importable", error.message, {
              errors: error.issues.map((i) => ({ field: `${i.file}${i.line ? `:${i.line}` : ""}${i.column ? ` (${i.column})` : ""}`, message: i.reason })),
            });
          }
          throw error;
        }
        if (report.importRunId !== null && actor.userId !== null) {
          await db.updateTable("import_run").set({ user_id: actor.userId }).where("id", "=", report.importRunId).where("user_id", "is", null).execute();
        }
        return report;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
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
      const { limit, offset } = window(q);
      const [count, rows] = await Promise.all([
        db.selectFrom("import_run").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
        db
          .selectFrom("import_run")
          .selectAll()
          .orderBy("started_at", q.sort.startsWith("-") ? "desc" : "asc")
          .orderBy("id", "desc")
          .limit(limit)
          .offset(offset)
          .execute(),
      ]);
      const items = rows.map((r) => ({
        id: Number(r.id),
        startedAt: new Date(r.started_at).toISOString(),
        source: r.source,
        format: r.format,
        status: r.status,
        rowsRead: r.rows_read,
        inserted: r.inserted,
        updated: r.updated,
        unchanged: r.unchanged,
        rejected: r.rejected,
        error: r.error,
      }));
      if (q.format !== "json") {
        return sendExport(reply, q.format, "imports", items, [
          { header: "Identifiant", value: (r) => r.id },
          { header: "Début", value: (r) => r.startedAt },
          { header: "Fichier", value: (r) => r.source },
          { header: "Format", value: (r) => r.format },
          { header: "État", value: (r) => r.status },
          { header: "Lignes lues", value: (r) => r.rowsRead },
          { header: "Insérées", value: (r) => r.inserted },
          { header: "Mises à jour", value: (r) => r.updated },
          { header: "Inchangées", value: (r) => r.unchanged },
          { header: "Rejetées", value: (r) => r.rejected },
        ]);
      }
      return { items, total: Number(count.n), page: q.page, pageSize: q.pageSize };
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
      const { limit, offset } = window(q);
      const base = db.selectFrom("import_rejection").where("import_run_id", "=", request.params.importRunId);
      const [count, rows] = await Promise.all([
        base.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
        base
          .select(["file", "line", "column_name", "reason", "severity"])
          .orderBy("file")
          .orderBy("line", q.sort.startsWith("-") ? "desc" : "asc")
          .orderBy("id")
          .limit(limit)
          .offset(offset)
          .execute(),
      ]);
      const items = rows.map((r) => ({ file: r.file, line: r.line, column: r.column_name, reason: r.reason, severity: r.severity }));
      if (q.format !== "json") {
        return sendExport(reply, q.format, `rejets-import-${request.params.importRunId}`, items, [
          { header: "Fichier", value: (r) => r.file },
          { header: "Ligne", value: (r) => r.line },
          { header: "Colonne", value: (r) => r.column },
          { header: "Motif", value: (r) => r.reason },
          { header: "Gravité", value: (r) => r.severity },
        ]);
      }
      return { items, total: Number(count.n), page: q.page, pageSize: q.pageSize };
    },
  );
};
export default routes;
