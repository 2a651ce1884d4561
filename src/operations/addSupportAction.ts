// Use case: a support action (accompagnement social, professionnel or technique) and the barriers
// (freins, referential ref_barrier) it addresses.
import { z } from "zod";
import { recordAudit } from "../db/audit.js";
import { decimalString, id, isoDate } from "./schemas.js";
import { NotFoundError, OperationInputError, type OperationDeps, parseInput } from "./types.js";
import type { Db } from "../db/schema.js";

export const addSupportActionInput = z
  .object({
    personId: id,
    structureId: id,
    contractId: id.optional(),
    kind: z.enum(["social", "professionnel", "technique"]),
    startsOn: isoDate,
    endsOn: isoDate.optional(),
    hours: decimalString.optional(),
    internal: z.boolean().default(true),
    barriers: z.array(z.string()).default([]),
  })
  .refine((v) => v.endsOn === undefined || v.endsOn >= v.startsOn, { message: "la fin précède le début", path: ["endsOn"] });
export type AddSupportActionInput = z.input<typeof addSupportActionInput>;

export async function addSupportAction(db: Db, deps: OperationDeps, raw: AddSupportActionInput): Promise<{ id: number }> {
  const input = parseInput(addSupportActionInput, raw);
  await checkPersonStructure(db, input.personId, input.structureId, input.contractId);
  const barriers = [...new Set(input.barriers)];
  if (barriers.length > 0) {
    const known = await db.selectFrom("ref_barrier").select("code").where("code", "in", barriers).execute();
    const unknown = barriers.filter((b) => !known.some((k) => k.code === b));
    if (unknown.length > 0) throw new OperationInputError([{ field: "barriers", reason: `frein inconnu : ${unknown.join(", ")}` }]);
  }
  const row = await db
    .insertInto("support_action")
    .values({
      person_id: input.personId,
      structure_id: input.structureId,
      contract_id: input.contractId ?? null,
      kind: input.kind,
      starts_on: input.startsOn,
      ends_on: input.endsOn ?? null,
      hours: input.hours ?? null,
      internal: input.internal,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  if (barriers.length > 0)
    await db
      .insertInto("support_action_barrier")
      .values(barriers.map((b) => ({ action_id: row.id, barrier_code: b })))
      .execute();
  await recordAudit(db, deps.actor, {
    action: "support_action.create",
    entity: "support_action",
    entityId: row.id,
    personId: input.personId,
    structureId: input.structureId,
    after: { ...input, barriers },
  });
  return { id: row.id };
}

/** The person must have a contract with the structure (and the given contract must be one of them). */
export async function checkPersonStructure(db: Db, personId: number, structureId: number, contractId: number | undefined): Promise<void> {
  const contracts = await db
    .selectFrom("contract")
    .select("id")
    .where("person_id", "=", personId)
    .where("structure_id", "=", structureId)
    .execute();
  if (contracts.length === 0) {
    const person = await db.selectFrom("person").select("id").where("id", "=", personId).executeTakeFirst();
    if (!person) throw new NotFoundError("person", personId);
    throw new OperationInputError([{ field: "structureId", reason: "cette personne n'a aucun contrat avec la structure" }]);
  }
  if (contractId !== undefined && !contracts.some((c) => c.id === contractId))
    throw new OperationInputError([{ field: "contractId", reason: "contrat d'une autre personne ou structure" }]);
}
