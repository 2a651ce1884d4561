// Use case: record the definitive exit of a recruitment (initial contract + renewals; one exit per
// recruitment — iae-reference §6.3): the exit row with its ASP motif (category always read through
// the referential — §6.2, design §4) and contract.exit_on on the chain's running contract.
import { z } from "zod";
import { compareDates } from "../domain/calendar/isoDate.js";
import { exitGroupOfMotif } from "../domain/exits/referential.js";
import { recordAudit } from "../db/audit.js";
import { loadExitReferentialFromDb } from "./referenceData.js";
import { id, isoDate } from "./schemas.js";
import { NotFoundError, OperationInputError, type OperationDeps, parseInput, ruleOnField } from "./types.js";
import type { Db } from "../db/schema.js";

export const recordExitInput = z.object({ contractId: id, exitOn: isoDate, motifCode: z.number().int() });
export type RecordExitInput = z.input<typeof recordExitInput>;

export async function recordExit(
  db: Db,
  deps: OperationDeps,
  raw: RecordExitInput,
): Promise<{ id: number; recruitmentId: number; group: string }> {
  const input = parseInput(recordExitInput, raw);
  const referential = await loadExitReferentialFromDb(db);
  const group = ruleOnField("motifCode", () => exitGroupOfMotif(referential, String(input.motifCode)));
  const contract = await db.selectFrom("contract").select(["id", "recruitment_id"]).where("id", "=", input.contractId).executeTakeFirst();
  if (!contract) throw new NotFoundError("contract", input.contractId);
  const recruitmentId = contract.recruitment_id ?? contract.id;
  const chain = await db
    .selectFrom("contract")
    .select(["id", "rank", "starts_on", "person_id", "structure_id", "exit_on"])
    .where((eb) => eb.or([eb("id", "=", recruitmentId), eb("recruitment_id", "=", recruitmentId)]))
    .orderBy("rank", "desc")
    .execute();
  const last = chain[0];
  const first = chain.find((c) => c.id === recruitmentId);
  if (!last || !first) throw new NotFoundError("contract", recruitmentId);
  const existing = await db.selectFrom("exit").select("id").where("recruitment_id", "=", recruitmentId).executeTakeFirst();
  if (existing)
    throw new OperationInputError([
      { field: "contractId", reason: `une sortie est déjà enregistrée pour ce parcours (n° ${existing.id})` },
    ]);
  if (compareDates(input.exitOn, last.starts_on) < 0)
    throw new OperationInputError([
      { field: "exitOn", reason: `date de sortie antérieure au début du dernier contrat (${last.starts_on})` },
    ]);
  const row = await db
    .insertInto("exit")
    .values({
      recruitment_id: recruitmentId,
      person_id: first.person_id,
      structure_id: first.structure_id,
      exit_on: input.exitOn,
      motif_code: input.motifCode,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db.updateTable("contract").set({ exit_on: input.exitOn, updated_at: new Date() }).where("id", "=", last.id).execute();
  await recordAudit(db, deps.actor, {
    action: "exit.record",
    entity: "exit",
    entityId: row.id,
    personId: first.person_id,
    structureId: first.structure_id,
    after: { recruitmentId, exitOn: input.exitOn, motifCode: input.motifCode, group },
  });
  return { id: row.id, recruitmentId, group };
}
