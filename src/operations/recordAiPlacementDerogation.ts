// Use case: the DDETS records the préfet's authorisation for an association intermédiaire to exceed the
// 480 h of company mises à disposition over 24 months, for at most 3 years, renewable (code du travail
// L5132-9 2°, D5132-18-1). The declarations of the months it covers are then not capped.
import { z } from "zod";
import { recordAudit } from "../db/audit.js";
import { addDays, addYears, compareDates } from "../domain/calendar/isoDate.js";
import { id, isoDate, optionalText } from "./schemas.js";
import { NotFoundError, OperationInputError, type OperationDeps, parseInput } from "./types.js";
import type { Db } from "../db/schema.js";

export const recordAiPlacementDerogationInput = z.object({
  structureId: id,
  startsOn: isoDate,
  endsOn: isoDate,
  decisionReference: optionalText,
});
export type RecordAiPlacementDerogationInput = z.input<typeof recordAiPlacementDerogationInput>;

export async function recordAiPlacementDerogation(
  db: Db,
  deps: OperationDeps,
  raw: RecordAiPlacementDerogationInput,
): Promise<{ id: number }> {
  const input = parseInput(recordAiPlacementDerogationInput, raw);
  const structure = await db.selectFrom("structure").select("kind").where("id", "=", input.structureId).executeTakeFirst();
  if (!structure) throw new NotFoundError("structure", input.structureId);
  if (structure.kind !== "AI")
    throw new OperationInputError([
      { field: "structureId", reason: "dérogation au plafond de 480 h réservée aux associations intermédiaires" },
    ]);
  if (compareDates(input.endsOn, input.startsOn) < 0)
    throw new OperationInputError([{ field: "endsOn", reason: "la fin précède le début" }]);
  const maxEnd = addDays(addYears(input.startsOn, 3), -1);
  if (compareDates(input.endsOn, maxEnd) > 0)
    throw new OperationInputError([{ field: "endsOn", reason: `3 ans au plus, renouvelables (L5132-9) : fin au plus tard le ${maxEnd}` }]);
  const row = await db
    .insertInto("ai_placement_derogation")
    .values({
      structure_id: input.structureId,
      starts_on: input.startsOn,
      ends_on: input.endsOn,
      decision_reference: input.decisionReference ?? null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await recordAudit(db, deps.actor, {
    action: "ai_placement_derogation.create",
    entity: "ai_placement_derogation",
    entityId: row.id,
    structureId: input.structureId,
    after: input,
  });
  return { id: Number(row.id) };
}
