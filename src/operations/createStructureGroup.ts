// Use case: a group of structures (e.g. several SIAE of one ensemblier sharing premises).
import { z } from "zod";
import { recordAudit } from "../db/audit.js";
import { id, optionalText } from "./schemas.js";
import { NotFoundError, OperationInputError, type OperationDeps, parseInput } from "./types.js";
import type { Db } from "../db/schema.js";

export const createStructureGroupInput = z.object({
  name: z.string().trim().min(1).max(200),
  description: optionalText,
  structureIds: z.array(id).min(1, "au moins une structure"),
});
export type CreateStructureGroupInput = z.input<typeof createStructureGroupInput>;

export async function createStructureGroup(db: Db, deps: OperationDeps, raw: CreateStructureGroupInput): Promise<{ id: number }> {
  const input = parseInput(createStructureGroupInput, raw);
  const unique = [...new Set(input.structureIds)];
  const found = await db.selectFrom("structure").select("id").where("id", "in", unique).execute();
  const missing = unique.filter((s) => !found.some((f) => f.id === s));
  if (missing.length > 0) throw new NotFoundError("structure", missing.join(", "));
  const existing = await db.selectFrom("structure_group").select("id").where("name", "=", input.name).executeTakeFirst();
  if (existing) throw new OperationInputError([{ field: "name", reason: `un groupe porte déjà ce nom (n° ${existing.id})` }]);
  const group = await db
    .insertInto("structure_group")
    .values({ name: input.name, description: input.description ?? null })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("structure_group_member")
    .values(unique.map((s) => ({ group_id: group.id, structure_id: s })))
    .execute();
  await recordAudit(db, deps.actor, {
    action: "structure_group.create",
    entity: "structure_group",
    entityId: group.id,
    after: { name: input.name, structureIds: unique },
  });
  return { id: group.id };
}
