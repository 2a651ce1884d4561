// Use case: a site (premises) of one structure, or shared by a group of structures.
import { z } from "zod";
import { recordAudit } from "../db/audit.js";
import { communeCode, decimalString, id, isoDate, optionalText, postalCode } from "./schemas.js";
import { NotFoundError, OperationInputError, type OperationDeps, parseInput } from "./types.js";
import type { Db } from "../db/schema.js";

export const addSiteInput = z
  .object({
    structureId: id.optional(),
    groupId: id.optional(),
    name: z.string().trim().min(1).max(200),
    addressLine: optionalText,
    postalCode: postalCode.optional(),
    communeCode: communeCode.optional(),
    surfaceM2: decimalString.optional(),
    permanentStaff: z.number().int().min(0).optional(),
    openedOn: isoDate.optional(),
    closedOn: isoDate.optional(),
  })
  .refine((v) => (v.structureId === undefined) !== (v.groupId === undefined), {
    message: "une structure OU un groupe",
    path: ["structureId"],
  })
  .refine((v) => v.openedOn === undefined || v.closedOn === undefined || v.closedOn >= v.openedOn, {
    message: "fermeture avant l'ouverture",
    path: ["closedOn"],
  });
export type AddSiteInput = z.input<typeof addSiteInput>;

export async function addSite(db: Db, deps: OperationDeps, raw: AddSiteInput): Promise<{ id: number }> {
  const input = parseInput(addSiteInput, raw);
  if (
    input.structureId !== undefined &&
    !(await db.selectFrom("structure").select("id").where("id", "=", input.structureId).executeTakeFirst())
  )
    throw new NotFoundError("structure", input.structureId);
  if (
    input.groupId !== undefined &&
    !(await db.selectFrom("structure_group").select("id").where("id", "=", input.groupId).executeTakeFirst())
  )
    throw new NotFoundError("structure_group", input.groupId);
  if (input.surfaceM2 !== undefined && Number(input.surfaceM2) <= 0)
    throw new OperationInputError([{ field: "surfaceM2", reason: "surface > 0 attendue" }]);
  const row = await db
    .insertInto("site")
    .values({
      structure_id: input.structureId ?? null,
      group_id: input.groupId ?? null,
      name: input.name,
      address_line: input.addressLine ?? null,
      postal_code: input.postalCode ?? null,
      commune_code: input.communeCode ?? null,
      surface_m2: input.surfaceM2 ?? null,
      permanent_staff: input.permanentStaff ?? null,
      opened_on: input.openedOn ?? null,
      closed_on: input.closedOn ?? null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await recordAudit(db, deps.actor, {
    action: "site.create",
    entity: "site",
    entityId: row.id,
    structureId: input.structureId ?? null,
    after: input,
  });
  return { id: row.id };
}
