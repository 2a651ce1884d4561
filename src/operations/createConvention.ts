// Use case: a convention between the préfet and a SIAE (1 to 3 years) — iae-reference §2.1.
import { z } from "zod";
import { addDays, addYears, compareDates } from "../domain/calendar/isoDate.js";
import { recordAudit } from "../db/audit.js";
import { id, isoDate } from "./schemas.js";
import { NotFoundError, OperationInputError, type OperationDeps, parseInput } from "./types.js";
import type { Db } from "../db/schema.js";

export const createConventionInput = z.object({
  structureId: id,
  number: z.string().trim().min(1).max(60),
  startsOn: isoDate,
  endsOn: isoDate,
  signedOn: isoDate.optional(),
});
export type CreateConventionInput = z.input<typeof createConventionInput>;

// Rule: a convention lasts 1 to 3 years (pluriannual since the 2014 reform) — iae-reference §2.1 [H]
export const CONVENTION_MAX_YEARS = 3;

export async function createConvention(db: Db, deps: OperationDeps, raw: CreateConventionInput): Promise<{ id: number }> {
  const input = parseInput(createConventionInput, raw);
  if (compareDates(input.endsOn, input.startsOn) < 0)
    throw new OperationInputError([{ field: "endsOn", reason: "la fin précède le début" }]);
  if (compareDates(input.endsOn, addDays(addYears(input.startsOn, CONVENTION_MAX_YEARS), -1)) > 0)
    throw new OperationInputError([{ field: "endsOn", reason: "une convention dure au plus 3 ans" }]);
  const structure = await db.selectFrom("structure").select("id").where("id", "=", input.structureId).executeTakeFirst();
  if (!structure) throw new NotFoundError("structure", input.structureId);
  const dup = await db
    .selectFrom("convention")
    .select("id")
    .where("structure_id", "=", input.structureId)
    .where("number", "=", input.number)
    .executeTakeFirst();
  if (dup) throw new OperationInputError([{ field: "number", reason: "cette convention existe déjà pour la structure" }]);
  const row = await db
    .insertInto("convention")
    .values({
      structure_id: input.structureId,
      number: input.number,
      starts_on: input.startsOn,
      ends_on: input.endsOn,
      signed_on: input.signedOn ?? null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await recordAudit(db, deps.actor, {
    action: "convention.create",
    entity: "convention",
    entityId: row.id,
    structureId: input.structureId,
    after: input,
  });
  return { id: row.id };
}
