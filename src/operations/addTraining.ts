// Use case: a training followed by a salarié during the parcours (FluxIAE Formations view, §7.1).
import { z } from "zod";
import { checkPersonStructure } from "./addSupportAction.js";
import { recordAudit } from "../db/audit.js";
import { decimalString, id, isoDate } from "./schemas.js";
import { type OperationDeps, parseInput } from "./types.js";
import type { Db } from "../db/schema.js";

export const addTrainingInput = z
  .object({
    personId: id,
    structureId: id,
    contractId: id.optional(),
    title: z.string().trim().min(1).max(300),
    objectiveCode: z.string().max(20).optional(),
    typeCode: z.string().max(20).optional(),
    qualifying: z.boolean().default(false),
    startsOn: isoDate,
    endsOn: isoDate.optional(),
    hours: decimalString.optional(),
  })
  .refine((v) => v.endsOn === undefined || v.endsOn >= v.startsOn, { message: "la fin précède le début", path: ["endsOn"] });
export type AddTrainingInput = z.input<typeof addTrainingInput>;

export async function addTraining(db: Db, deps: OperationDeps, raw: AddTrainingInput): Promise<{ id: number }> {
  const input = parseInput(addTrainingInput, raw);
  await checkPersonStructure(db, input.personId, input.structureId, input.contractId);
  const row = await db
    .insertInto("training")
    .values({
      person_id: input.personId,
      structure_id: input.structureId,
      contract_id: input.contractId ?? null,
      title: input.title,
      objective_code: input.objectiveCode ?? null,
      type_code: input.typeCode ?? null,
      qualifying: input.qualifying,
      starts_on: input.startsOn,
      ends_on: input.endsOn ?? null,
      hours: input.hours ?? null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await recordAudit(db, deps.actor, {
    action: "training.create",
    entity: "training",
    entityId: row.id,
    personId: input.personId,
    structureId: input.structureId,
    after: input,
  });
  return { id: row.id };
}
