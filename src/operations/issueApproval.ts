// Use case: issue a PASS IAE (iae-reference §5): 2 years (end inclusive) from the start, on a
// diagnosis valid at the start; a person already holding a running PASS, or in the 2-year waiting
// period without an authorised prescriber, gets none. Number encrypted + hashed + last 4.
import { sql } from "kysely";
import { z } from "zod";
import { canObtainNewApproval, initialEndDate } from "../domain/approvals/approval.js";
import { isDiagnosisValid } from "../domain/eligibility/diagnosis.js";
import { reserveId } from "../db/reserveIds.js";
import { passNumberColumns, platformPassNumber } from "./approvals.js";
import { recordAudit } from "../db/audit.js";
import { id, isoDate } from "./schemas.js";
import { NotFoundError, OperationInputError, type OperationDeps, parseInput, ruleOnField } from "./types.js";
import type { Db } from "../db/schema.js";

export const issueApprovalInput = z.object({
  personId: id,
  diagnosisId: id,
  startsOn: isoDate,
  /** An existing number (former agrément, import); otherwise the platform issues the next 99999… number. */
  number: z.string().optional(),
});
export type IssueApprovalInput = z.input<typeof issueApprovalInput>;

export async function issueApproval(
  db: Db,
  deps: OperationDeps,
  raw: IssueApprovalInput,
): Promise<{ id: number; startsOn: string; endsOn: string; numberLast4: string }> {
  const input = parseInput(issueApprovalInput, raw);
  const diagnosis = await db.selectFrom("eligibility_diagnosis").selectAll().where("id", "=", input.diagnosisId).executeTakeFirst();
  if (!diagnosis || diagnosis.person_id !== input.personId) throw new NotFoundError("eligibility_diagnosis", input.diagnosisId);
  const author = diagnosis.author_kind === "prescriber" ? "PRESCRIBER" : "SIAE";
  if (!isDiagnosisValid({ author, createdAt: diagnosis.made_on }, input.startsOn))
    throw new OperationInputError([
      { field: "diagnosisId", reason: `diagnostic non valide au ${input.startsOn} (expiré le ${diagnosis.expires_on})` },
    ]);
  const last = await db
    .selectFrom("approval")
    .select((eb) => eb.fn.max("ends_on").as("end"))
    .where("person_id", "=", input.personId)
    .executeTakeFirst();
  const allowed = canObtainNewApproval({
    lastApprovalEnd: last?.end ?? null,
    date: input.startsOn,
    viaAuthorisedPrescriber: author === "PRESCRIBER",
    structureSubjectToIaeRules: true,
  });
  if (!allowed.allowed) throw new OperationInputError([{ field: "personId", reason: allowed.reason }]);
  let number = input.number;
  if (number === undefined) {
    const next = await sql<{ n: string }>`select nextval('pass_number_seq')::text as n`.execute(db);
    number = platformPassNumber(Number(next.rows[0]?.n));
  }
  const approvalId = await reserveId(db, "approval");
  const columns = ruleOnField("number", () => passNumberColumns(deps.pii, number as string, approvalId));
  const dup = await db.selectFrom("approval").select("id").where("number_hash", "=", columns.number_hash).executeTakeFirst();
  if (dup) throw new OperationInputError([{ field: "number", reason: "ce numéro de PASS IAE existe déjà" }]);
  const endsOn = initialEndDate(input.startsOn);
  const row = await db
    .insertInto("approval")
    .values({
      id: approvalId,
      person_id: input.personId,
      ...columns,
      starts_on: input.startsOn,
      ends_on: endsOn,
      diagnosis_id: input.diagnosisId,
      origin: input.number === undefined ? "default" : "import",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await recordAudit(db, deps.actor, {
    action: "approval.issue",
    entity: "approval",
    entityId: row.id,
    personId: input.personId,
    after: { startsOn: input.startsOn, endsOn, numberLast4: columns.number_last4 },
  });
  return { id: row.id, startsOn: input.startsOn, endsOn, numberLast4: columns.number_last4 };
}
