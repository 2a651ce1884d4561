// Use case: prolong a PASS IAE (iae-reference §5): every rule in addProlongation (reason, kind,
// window −12/+6 months, caps per request and cumulated, prescriber's opinion).
import { z } from "zod";
import { addProlongation } from "../domain/approvals/approval.js";
import { loadApproval } from "./approvals.js";
import { recordAudit } from "../db/audit.js";
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
  await db
    .insertInto("approval_prolongation")
    .values({
      approval_id: row.id,
      starts_on: added.startAt,
      ends_on: added.endAt,
      reason: added.reason,
      declared_by_structure_id: input.structureId ?? null,
      prescriber_organization: input.prescriberOrganization ?? null,
    })
    .execute();
  await db.updateTable("approval").set({ ends_on: next.endAt }).where("id", "=", row.id).execute();
  await recordAudit(db, deps.actor, {
    action: "approval.prolong",
    entity: "approval",
    entityId: row.id,
    personId: row.person_id,
    structureId: input.structureId ?? null,
    before: { endsOn: row.ends_on },
    after: { endsOn: next.endAt, prolongation: added },
  });
  return { endsOn: next.endAt };
}
