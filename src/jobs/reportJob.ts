// The "report" job: the annual report of a territory (the model of `passerelle report` and of GET
// /api/v1/reports/annual) rendered in one format by whichever instance claims the job, the file stored
// with the job (jobResult.ts). The job keeps the policy and target its creation was authorised for:
// reading it authorises them again for the reader (jobView.ts).
import type { ReportFormat } from "../contracts/reports.js";
import type { Target } from "../contracts/target.js";
import type { DatabaseHandle } from "../db/connection.js";
import type { PolicyName } from "../server/auth/principal.js";
import { renderReportFile } from "../reports/reportFile.js";
import { buildReportModel, type ReportScope } from "../reports/reportModel.js";
import { storeJobResult } from "./jobResult.js";
import { enqueueJob } from "./queue.js";
import type { JobHandler } from "./worker.js";

/** Who may read a job producing a file: those the policy lets read its target (any kind: jobView.ts). */
export interface JobAccess {
  policy: PolicyName;
  target: Target;
}

export interface ReportJobPayload {
  access: JobAccess;
  scope: ReportScope;
  year: number;
  format: ReportFormat;
  /** The day of the request ("généré le"): the file is the one the synchronous route would have sent. */
  generatedOn: string;
}

/** What a finished report job keeps in `job.result`. */
export interface JobFileResult {
  fileName: string;
  contentType: string;
  size: number;
}

/** Progress of a job producing a file: the step, and steps done out of total. */
export interface FileJobProgress {
  step: string;
  done: number;
  total: number;
}

export async function enqueueReportJob(
  handle: DatabaseHandle,
  input: { scope: ReportScope; year: number; format: ReportFormat; generatedOn: string; ownerId: number | null },
): Promise<string> {
  const payload: ReportJobPayload = {
    access: { policy: "territory:read", target: input.scope },
    scope: input.scope,
    year: input.year,
    format: input.format,
    generatedOn: input.generatedOn,
  };
  const id = await enqueueJob(handle, {
    kind: "report",
    payload: payload as unknown as Record<string, unknown>,
    ownerId: input.ownerId,
    departementCode: input.scope.type === "departement" ? input.scope.code : null,
  });
  // Without a dedupe key the insert always happens.
  return id!;
}

export function reportJobHandler(handle: DatabaseHandle): JobHandler {
  return async (job, ctx) => {
    const p = job.payload as unknown as ReportJobPayload;
    const step = (label: string, done: number): void => ctx.progress({ step: label, done, total: 3 } satisfies FileJobProgress);
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
