// Use case: an eligibility diagnosis (iae-reference §4): criteria checked against the referential
// and the kind's rule (checkCriteria), expiry from the author (6 months prescriber, 92 days SIAE).
import { z } from "zod";
import { checkAgeCriteria, checkCriteria } from "../domain/eligibility/criteria.js";
import { diagnosisExpiresAt } from "../domain/eligibility/diagnosis.js";
import { recordAudit } from "../db/audit.js";
import { loadCriteria } from "./referenceData.js";
import { id, isoDate, kind, optionalText } from "./schemas.js";
import { NotFoundError, OperationInputError, type OperationDeps, parseInput, ruleOnField } from "./types.js";
import type { Db } from "../db/schema.js";

export const createEligibilityDiagnosisInput = z
  .object({
    personId: id,
    author: z.enum(["prescriber", "siae"]),
    authorStructureId: id.optional(),
    prescriberOrganization: optionalText,
    /** Kind of SIAE the diagnosis is for (number of level-2 criteria required). */
    kind,
    madeOn: isoDate,
    criteria: z.array(z.string()).default([]),
  })
  .refine((v) => v.author === "prescriber" || v.authorStructureId !== undefined, {
    message: "la SIAE auteur est requise",
    path: ["authorStructureId"],
  });
export type CreateEligibilityDiagnosisInput = z.input<typeof createEligibilityDiagnosisInput>;

export async function createEligibilityDiagnosis(
  db: Db,
  deps: OperationDeps,
  raw: CreateEligibilityDiagnosisInput,
): Promise<{ id: number; expiresOn: string }> {
  const input = parseInput(createEligibilityDiagnosisInput, raw);
  const person = await db.selectFrom("person").select(["id", "birth_date"]).where("id", "=", input.personId).executeTakeFirst();
  if (!person) throw new NotFoundError("person", input.personId);
  const authorKind = input.author === "prescriber" ? "PRESCRIBER" : "SIAE";
  const referential = await loadCriteria(db);
  const result = ruleOnField("criteria", () => checkCriteria(referential, input.criteria, authorKind, input.kind));
  // Rule: SENIOR / JEUNE must agree with the birth date on the diagnosis day (checkAgeCriteria)
  ruleOnField("criteria", () => checkAgeCriteria(input.criteria, person.birth_date, input.madeOn));
  if (!result.eligible) throw new OperationInputError([{ field: "criteria", reason: `critères insuffisants : ${result.required}` }]);
  const expiresOn = diagnosisExpiresAt({ author: authorKind, createdAt: input.madeOn });
  const row = await db
    .insertInto("eligibility_diagnosis")
    .values({
      person_id: input.personId,
      author_kind: input.author,
      author_structure_id: input.authorStructureId ?? null,
      prescriber_organization: input.prescriberOrganization ?? null,
      made_on: input.madeOn,
      expires_on: expiresOn,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  if (input.criteria.length > 0)
    await db
      .insertInto("eligibility_diagnosis_criterion")
      .values(input.criteria.map((c) => ({ diagnosis_id: row.id, criterion_code: c })))
      .execute();
  await recordAudit(db, deps.actor, {
    action: "eligibility_diagnosis.create",
    entity: "eligibility_diagnosis",
    entityId: row.id,
    personId: input.personId,
    structureId: input.authorStructureId ?? null,
    after: { ...input, expiresOn },
  });
  return { id: row.id, expiresOn };
}
