// The "report" job: the annual report of a territory (the model of `passerelle report` and of GET
// /api/v1/reports/annual) rendered in one format by whichever instance claims the job, the file stored
// with the job (jobResult.ts). The job keeps the policy and target its creation was authorised for:
// reading it authorises them again for the reader (jobView.ts).
import type { ReportFormat } from "../contracts/reports.js";
import type { DatabaseHandle } from "../db/connection.js";
import { renderReportFile } from "../reports/reportFile.js";
import { buildReportModel, type ReportScope } from "../reports/reportModel.js";
import { enqueueFileJob, type JobAccess, type JobFileResult, stepper, storeJobResult } from "./jobResult.js";
import type { JobHandler } from "./worker.js";

export interface ReportJobPayload {
  access: JobAccess;
  scope: ReportScope;
  year: number;
  format: ReportFormat;
  /** The day of the request ("généré le"): the file is the one the synchronous route would have sent. */
  generatedOn: string;
}

export const REPORT_JOB_STEPS = 3;

export function enqueueReportJob(
  handle: DatabaseHandle,
  input: { scope: ReportScope; year: number; format: ReportFormat; generatedOn: string; ownerId: number | null },
): Promise<string> {
  return enqueueFileJob<ReportJobPayload>(handle, {
    kind: "report",
    payload: {
      access: { policy: "territory:read", target: input.scope },
      scope: input.scope,
      year: input.year,
      format: input.format,
      generatedOn: input.generatedOn,
    },
    ownerId: input.ownerId,
    departementCode: input.scope.type === "departement" ? input.scope.code : null,
  });
}

export function reportJobHandler(handle: DatabaseHandle): JobHandler {
  return async (job, ctx) => {
    const p = job.payload as unknown as ReportJobPayload;
    const step = stepper(ctx, REPORT_JOB_STEPS);
    step("calcul des chiffres", 0);
    const model = await buildReportModel(handle.db, { scope: p.scope, year: p.year, generatedOn: p.generatedOn });
    step(`mise en forme (${p.format.toUpperCase()})`, 1);
    const file = await renderReportFile(model, p.scope, p.year, p.format);
    step("enregistrement du fichier", 2);
    await storeJobResult(handle, job.id, file.data);
    step("terminé", 3);
    return { fileName: file.fileName, contentType: file.contentType, size: file.data.length } satisfies JobFileResult;
  };
}
