// Imports through the web: upload (ASP list or FluxIAE delivery, multipart field « file »), background
// jobs, the history of runs and a run's rejections. Targets: the import run or the job of the path;
// the history names nothing (the read model src/queries/imports.ts shows the caller's territory only).
// The report keeps the keys of `passerelle import --json` (design §5).
import { z } from "zod";
import { listQuery, pageOf } from "./common.js";
import { defineContract } from "./contract.js";
import { idParam } from "./target.js";

export const ImportIssue = z.object({
  file: z.string(),
  line: z.number().int().nullable(),
  column: z.string().nullable(),
  reason: z.string(),
});
export type ImportIssue = z.infer<typeof ImportIssue>;
export const ImportReport = z.object({
  format: z.string(),
  rowsRead: z.number().int(),
  inserted: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  rejected: z.number().int(),
  rejections: z.array(ImportIssue),
  warnings: z.array(ImportIssue),
  importRunId: z.number().int().nullable(),
  dryRun: z.boolean(),
  durationMs: z.number(),
});
export type ImportReport = z.infer<typeof ImportReport>;
export const ImportRun = z.object({
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
  /** Département the import was made for; null for a national import. */
  departement: z.string().nullable(),
});
export type ImportRun = z.infer<typeof ImportRun>;
export const ImportJob = z.object({
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
  report: ImportReport.nullable(),
  error: z.object({ title: z.string(), detail: z.string(), rejections: z.array(ImportIssue) }).nullable(),
});
export type ImportJob = z.infer<typeof ImportJob>;
export const ImportRejection = ImportIssue.extend({ severity: z.string() });
export type ImportRejection = z.infer<typeof ImportRejection>;

const runTarget = {
  params: z.strictObject({ importRunId: idParam("import") }),
  resolve: ({ importRunId }: { importRunId: number }) => ({ type: "importRun" as const, id: importRunId }),
};

export const uploadImport = defineContract({
  method: "POST",
  path: "/api/v1/imports",
  tags: ["imports"],
  summary:
    "Importe un fichier (liste ASP des SIAE ou livraison FluxIAE) envoyé en multipart/form-data (champ « file ») ; " +
    "avec background=true, répond 202 avec une tâche à suivre sur /api/v1/imports/jobs/{jobId}",
  query: z.strictObject({ dryRun: z.enum(["true", "false"]).optional(), background: z.enum(["true", "false"]).optional() }),
  response: { 200: ImportReport, 202: ImportJob },
});

export const getImportJob = defineContract({
  method: "GET",
  path: "/api/v1/imports/jobs/:jobId",
  tags: ["imports"],
  summary: "Avancement d'un import lancé en arrière-plan (phase, lignes lues), puis son rapport",
  target: {
    params: z.strictObject({ jobId: z.uuid("Identifiant de tâche d'import invalide.") }),
    resolve: ({ jobId }: { jobId: string }) => ({ type: "importJob" as const, id: jobId }),
  },
  response: { 200: ImportJob },
});

export const listImportRuns = defineContract({
  method: "GET",
  path: "/api/v1/imports",
  tags: ["imports"],
  summary: "Historique des imports (export CSV/XLSX)",
  query: z.strictObject(listQuery(["startedAt"], "-startedAt")),
  response: { 200: pageOf(ImportRun) },
});

export const getImportRun = defineContract({
  method: "GET",
  path: "/api/v1/imports/:importRunId",
  tags: ["imports"],
  summary: "Un import passé : fichier, auteur, date, compteurs (rejets sur /rejections)",
  target: runTarget,
  response: { 200: ImportRun },
});

export const listImportRejections = defineContract({
  method: "GET",
  path: "/api/v1/imports/:importRunId/rejections",
  tags: ["imports"],
  summary: "Rejets et avertissements d'un import (fichier, ligne, colonne, motif ; export CSV/XLSX)",
  target: runTarget,
  query: z.strictObject(listQuery(["line"], "line")),
  response: { 200: pageOf(ImportRejection) },
});
