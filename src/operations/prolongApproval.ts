// Use case: prolong a PASS IAE (iae-reference §5): every rule in addProlongation (reason, kind,
// window −12/+6 months, caps per request and cumulated, prescriber's opinion).
import { z } from "zod";
import { addProlongation } from "../domain/approvals/approval.js";
import { loadApproval, storeApprovalPeriod } from "./approvals.js";
import { id, isoDate, kind, optionalText } from "./schemas.js";
import { type OperationDeps, parseInput, ruleOnField } from "./types.js";
import type { Db } from "../db/schema.js";

export const prolongApprovalInput = z.object({
  approvalId: id,
  reason: z.string(),
  days: z.number().int().positive(),
  requestedOn: isoDate,
  kind,
  prescriberApproved: z.boolean().default(false),
  prescriberOrganization: optionalText,
  structureId: id.optional(),
});
export type ProlongApprovalInput = z.input<typeof prolongApprovalInput>;

export async function prolongApproval(db: Db, deps: OperationDeps, raw: ProlongApprovalInput): Promise<{ endsOn: string }> {
  const input = parseInput(prolongApprovalInput, raw);
  const { row, approval } = await loadApproval(db, input.approvalId);
  const next = ruleOnField("reason", () =>
    addProlongation(approval, {
      reason: input.reason,
      days: input.days,
      requestedAt: input.requestedOn,
      kind: input.kind,
      prescriberApproved: input.prescriberApproved,
    }),
  );
  const added = next.prolongations[next.prolongations.length - 1];
  if (!added) throw new Error("prolongation not added");
  return storeApprovalPeriod(
    db,
    deps,
    row,
    { kind: "prolongation", added, prescriberOrganization: input.prescriberOrganization ?? null },
    next.endAt,
    input.structureId ?? null,
  );
}
