// Use case: suspend a PASS IAE (iae-reference §5): rules in addSuspension (reason, ≤ 36 months,
// retroactivity 365 days, not after today, CONTRAT_PASSERELLE for EI/ACI, no overlap); the PASS end
// date moves back by suspensionExtensionDays (end − start, as les emplois de l'inclusion).
import { z } from "zod";
import { addSuspension } from "../domain/approvals/approval.js";
import { loadApproval, storeApprovalPeriod } from "./approvals.js";
import { id, isoDate } from "./schemas.js";
import { type OperationDeps, parseInput, ruleOnField } from "./types.js";
import type { Db } from "../db/schema.js";

export const suspendApprovalInput = z.object({
  approvalId: id,
  startsOn: isoDate,
  endsOn: isoDate,
  reason: z.string(),
  structureId: id.optional(),
});
export type SuspendApprovalInput = z.input<typeof suspendApprovalInput>;

export async function suspendApproval(db: Db, deps: OperationDeps, raw: SuspendApprovalInput): Promise<{ endsOn: string }> {
  const input = parseInput(suspendApprovalInput, raw);
  const { row, approval } = await loadApproval(db, input.approvalId);
  // The declaring structure's kind decides whether CONTRAT_PASSERELLE is open (EI and ACI only).
  const structure =
    input.structureId === undefined
      ? undefined
      : await db.selectFrom("structure").select("kind").where("id", "=", input.structureId).executeTakeFirst();
  // The suspension cannot start before that structure's last hiring of the person.
  const lastHiring =
    input.structureId === undefined
      ? undefined
      : await db
          .selectFrom("contract")
          .select("starts_on")
          .where("person_id", "=", row.person_id)
          .where("structure_id", "=", input.structureId)
          .where("rank", "=", 0)
          .orderBy("starts_on", "desc")
          .limit(1)
          .executeTakeFirst();
  const next = ruleOnField("startsOn", () =>
    addSuspension(
      approval,
      {
        startAt: input.startsOn,
        endAt: input.endsOn,
        reason: input.reason,
        ...(structure ? { kind: structure.kind } : {}),
        hiringStart: lastHiring?.starts_on ?? null,
      },
      deps.clock,
    ),
  );
  const added = next.suspensions[next.suspensions.length - 1];
  if (!added) throw new Error("suspension not added");
  return storeApprovalPeriod(db, deps, row, { kind: "suspension", added }, next.endAt, input.structureId ?? null);
}
