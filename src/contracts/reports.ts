// Annual report of a territory (the model of `passerelle report`): HTML, PDF, CSV (zip) or XLSX.
// Target: `departement` or `region` (one of them), or by default the caller's own territory.
import { z } from "zod";
import type { Principal } from "../server/auth/principal.js";
import { yearParam } from "./common.js";
import { defineContract } from "./contract.js";
import { JobView } from "./jobs.js";
import { departementParam, regionParam } from "./target.js";

export const REPORT_FORMATS = ["html", "pdf", "csv", "xlsx"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

type ReportTarget = { type: "nation" } | { type: "region"; code: string } | { type: "departement"; code: string };

function reportTarget(named: { departement?: string | undefined; region?: string | undefined }, principal: Principal | null): ReportTarget {
  if (named.departement) return { type: "departement", code: named.departement };
  if (named.region) return { type: "region", code: named.region };
  // Nothing named: the caller's own territory (the policy refuses the nation to anyone but the DGEFP).
  if (principal?.departementCode) return { type: "departement", code: principal.departementCode };
  if (principal?.regionCode) return { type: "region", code: principal.regionCode };
  return { type: "nation" };
}

export const getAnnualReport = defineContract({
  method: "GET",
  path: "/api/v1/reports/annual",
  tags: ["rapports"],
  summary: "Rapport annuel d'un département (ou d'une région, ou national) : HTML, PDF, CSV (zip) ou XLSX",
  target: {
    query: z
      .strictObject({ departement: departementParam.optional(), region: regionParam.optional() })
      .refine((q) => !(q.departement && q.region), { message: "Indiquez un département ou une région, pas les deux.", path: ["region"] }),
    resolve: reportTarget,
  },
  query: z.strictObject({
    year: yearParam,
    format: z.enum(REPORT_FORMATS).default("html"),
    download: z.enum(["true", "false"]).optional(),
  }),
});

export const enqueueAnnualReport = defineContract({
  method: "POST",
  path: "/api/v1/reports/annual/jobs",
  tags: ["rapports"],
  summary:
    "Fait produire le rapport annuel par la file des tâches : répond 202 avec la tâche, à suivre sur /api/v1/jobs/{jobId} " +
    "puis à télécharger sur /api/v1/jobs/{jobId}/result",
  target: getAnnualReport.target,
  query: z.strictObject({ year: yearParam, format: z.enum(REPORT_FORMATS).default("pdf") }),
  response: { 202: JobView },
});
