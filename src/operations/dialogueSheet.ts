// The DDETS agent's part of the dialogue de gestion (conclusions, objectives agreed for N+1 — they pre-fill the
// request of N+1, saveRequestDraft) and the envelope notified to the département per funding line (CDIAE pack).
// The figures of the sheet are computed (src/queries/dialogue.ts), never stored.
import { z } from "zod";
import { recordAudit } from "../db/audit.js";
import type { Db } from "../db/schema.js";
import { decimalString, id, isoDate } from "./schemas.js";
import { NotFoundError, OperationInputError, type OperationDeps, parseInput } from "./types.js";

const rate = decimalString.refine((v) => Number(v) <= 100, { message: "taux entre 0 et 100 attendu" });

export const saveDialogueSheetInput = z
  .object({
    structureId: id,
    year: z.number().int().min(2014).max(2100),
    conclusions: z.string().max(8000, "8 000 caractères au plus"),
    nextObjectives: z
      .object({
        etp: decimalString.refine((v) => Number(v) > 0, { message: "nombre d'ETP > 0 attendu" }).optional(),
        dynamicRate: rate.optional(),
        durableRate: rate.optional(),
        transitionRate: rate.optional(),
        positiveRate: rate.optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

export async function saveDialogueSheet(db: Db, deps: OperationDeps, raw: z.input<typeof saveDialogueSheetInput>): Promise<void> {
  const input = parseInput(saveDialogueSheetInput, raw);
  const s = await db.selectFrom("structure").select("id").where("id", "=", input.structureId).executeTakeFirst();
  if (!s) throw new NotFoundError("structure", input.structureId);
  const before = await db
    .selectFrom("dialogue_sheet")
    .select(["conclusions", "next_objectives"])
    .where("structure_id", "=", input.structureId)
    .where("year", "=", input.year)
    .executeTakeFirst();
  const values = {
    conclusions: input.conclusions,
    next_objectives: JSON.stringify(input.nextObjectives),
    updated_by: deps.actor.label,
    updated_at: new Date(),
  };
  await db
    .insertInto("dialogue_sheet")
    .values({ structure_id: input.structureId, year: input.year, ...values })
    .onConflict((oc) => oc.columns(["structure_id", "year"]).doUpdateSet(values))
    .execute();
  await recordAudit(db, deps.actor, {
    action: "dialogue_sheet.save",
    entity: "dialogue_sheet",
    entityId: `${input.structureId}/${input.year}`,
    structureId: input.structureId,
    before: before ?? null,
    after: { conclusions: input.conclusions, nextObjectives: input.nextObjectives },
  });
}

export const setEnvelopeInput = z
  .object({
    departementCode: z.string().regex(/^(\d{2}|2A|2B|\d{3})$/, "code département attendu"),
    year: z.number().int().min(2014).max(2100),
    notifiedOn: isoDate.optional(),
    lines: z.array(z.object({ code: z.string().regex(/^[A-Z0-9_]+$/), amount: decimalString }).strict()).min(1),
  })
  .strict();

/** Records the envelope notified to a département for a year (replaces the lines given). */
export async function setNotifiedEnvelope(db: Db, deps: OperationDeps, raw: z.input<typeof setEnvelopeInput>): Promise<void> {
  const input = parseInput(setEnvelopeInput, raw);
  const known = new Set((await db.selectFrom("funding_line").select("code").execute()).map((r) => r.code));
  const dep = await db.selectFrom("ref_departement").select("code").where("code", "=", input.departementCode).executeTakeFirst();
  if (!dep) throw new OperationInputError([{ field: "departementCode", reason: "département inconnu" }]);
  input.lines.forEach((l, i) => {
    if (!known.has(l.code))
      throw new OperationInputError([{ field: `lines.${i}.code`, reason: `ligne de financement inconnue : ${l.code}` }]);
  });
  for (const l of input.lines) {
    const values = { amount: l.amount, notified_on: input.notifiedOn ?? null };
    await db
      .insertInto("notified_envelope")
      .values({ departement_code: input.departementCode, year: input.year, funding_line_code: l.code, ...values })
      .onConflict((oc) => oc.columns(["departement_code", "year", "funding_line_code"]).doUpdateSet(values))
      .execute();
  }
  await recordAudit(db, deps.actor, {
    action: "notified_envelope.set",
    entity: "notified_envelope",
    entityId: `${input.departementCode}/${input.year}`,
    after: { lines: input.lines, notifiedOn: input.notifiedOn ?? null },
  });
}
