// Loading a stored PASS IAE into the domain shape (suspensions + prolongations) and the number helpers.
import type { Approval, ProlongationReason, SuspensionReason } from "../domain/approvals/approval.js";
import { parsePassNumber, PASS_PLATFORM_PREFIX } from "../domain/identifiers/passNumber.js";
import { cipherCells, type PersonalDataCipher } from "../security/personalData.js";
import { recordAudit } from "../db/audit.js";
import { NotFoundError, type OperationDeps } from "./types.js";
import type { Db } from "../db/schema.js";

export async function loadApproval(
  db: Db,
  approvalId: number,
): Promise<{ row: { id: number; person_id: number; starts_on: string; ends_on: string }; approval: Approval }> {
  const row = await db
    .selectFrom("approval")
    .select(["id", "person_id", "starts_on", "ends_on"])
    .where("id", "=", approvalId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError("approval", approvalId);
  const suspensions = await db
    .selectFrom("approval_suspension")
    .select(["starts_on", "ends_on", "reason"])
    .where("approval_id", "=", approvalId)
    .orderBy("starts_on")
    .execute();
  const prolongations = await db
    .selectFrom("approval_prolongation")
    .select(["starts_on", "ends_on", "reason", "created_at"])
    .where("approval_id", "=", approvalId)
    .orderBy("starts_on")
    .execute();
  return {
    row,
    approval: {
      startAt: row.starts_on,
      endAt: row.ends_on,
      suspensions: suspensions.map((s) => ({ startAt: s.starts_on, endAt: s.ends_on, reason: s.reason as SuspensionReason })),
      prolongations: prolongations.map((p) => ({
        startAt: p.starts_on,
        endAt: p.ends_on,
        reason: p.reason as ProlongationReason,
        requestedAt: p.created_at.toISOString().slice(0, 10),
      })),
    },
  };
}

/**
 * Stores a suspension or prolongation the domain has accepted, moves the PASS end date to the domain's new
 * one and audits both dates with the period added.
 */
export async function storeApprovalPeriod(
  db: Db,
  deps: OperationDeps,
  row: { id: number; person_id: number; ends_on: string },
  period:
    | { kind: "suspension"; added: { startAt: string; endAt: string; reason: string } }
    | { kind: "prolongation"; added: { startAt: string; endAt: string; reason: string }; prescriberOrganization: string | null },
  newEndAt: string,
  structureId: number | null,
): Promise<{ endsOn: string }> {
  const values = {
    approval_id: row.id,
    starts_on: period.added.startAt,
    ends_on: period.added.endAt,
    reason: period.added.reason,
    declared_by_structure_id: structureId,
  };
  if (period.kind === "suspension") await db.insertInto("approval_suspension").values(values).execute();
  else
    await db
      .insertInto("approval_prolongation")
      .values({ ...values, prescriber_organization: period.prescriberOrganization })
      .execute();
  await db.updateTable("approval").set({ ends_on: newEndAt }).where("id", "=", row.id).execute();
  await recordAudit(db, deps.actor, {
    action: period.kind === "suspension" ? "approval.suspend" : "approval.prolong",
    entity: "approval",
    entityId: row.id,
    personId: row.person_id,
    structureId,
    before: { endsOn: row.ends_on },
    after: { endsOn: newEndAt, [period.kind]: period.added },
  });
  return { endsOn: newEndAt };
}

/** Stored form of a PASS number: encrypted, keyed hash, last 4 for display — never clear. */
export function passNumberColumns(
  pii: PersonalDataCipher,
  number: string,
  approvalId: number,
): { number_encrypted: string; number_hash: string; number_last4: string } {
  const parsed = parsePassNumber(number);
  return {
    number_encrypted: pii.encrypt(parsed.value, cipherCells.approvalNumber(approvalId)),
    number_hash: pii.hash("pass", parsed.value),
    number_last4: parsed.value.slice(-4),
  };
}

/** A platform PASS number (99999 + 7 digits) from a sequence value. */
export function platformPassNumber(sequence: number): string {
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > 9_999_999)
    throw new RangeError(`séquence de PASS hors bornes : ${sequence}`);
  return `${PASS_PLATFORM_PREFIX}${String(sequence).padStart(7, "0")}`;
}
