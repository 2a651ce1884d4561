// Use case: enter, for one hiring (initial contract), the fields of the fiche salarié that Passerelle's
// other tables do not carry (iae-reference §7.2): commune of birth, address split into ASP parts,
// situation of the salarié at hiring (the seven situation flags of Nov. 2025, the EITI fields; code lists and
// labels in aspCodeLists.ts). Stored in fiche_salarie_complement (jsonb) under the ASP field names — a new ASP
// field needs no new column;
// given fields replace the stored ones, null erases one. Audited. Run inside handle.withTransaction.
import { sql } from "kysely";
import { z } from "zod";
import { recordAudit } from "../../db/audit.js";
import { NotFoundError, OperationInputError, type OperationDeps, parseInput } from "../../operations/types.js";
import type { Db } from "../../db/schema.js";
import { ficheComplementFields } from "../../contracts/fichesSalarie.js";

export const completeFicheSalarieInput = z.object({
  contractId: z.number().int().positive(),
  /** When given (the web), a contract of another structure is not found. */
  structureId: z.number().int().positive().optional(),
  fields: ficheComplementFields,
});
export type CompleteFicheSalarieInput = z.input<typeof completeFicheSalarieInput>;

export async function completeFicheSalarie(
  db: Db,
  deps: OperationDeps,
  raw: CompleteFicheSalarieInput,
): Promise<{ contractId: number; data: Record<string, unknown> }> {
  const input = parseInput(completeFicheSalarieInput, raw);
  const contract = await db
    .selectFrom("contract")
    .select(["id", "person_id", "structure_id", "rank"])
    .where("id", "=", input.contractId)
    .executeTakeFirst();
  if (!contract || (input.structureId !== undefined && contract.structure_id !== input.structureId))
    throw new NotFoundError("contract", input.contractId);
  if (contract.rank !== 0)
    throw new OperationInputError([
      { field: "contractId", reason: "la fiche salarié se complète sur le contrat initial (embauche), pas sur un renouvellement" },
    ]);
  if (typeof input.fields.birthCommuneCode === "string") {
    const known = await db.selectFrom("ref_commune").select("code").where("code", "=", input.fields.birthCommuneCode).executeTakeFirst();
    if (!known)
      throw new OperationInputError([{ field: "fields.birthCommuneCode", reason: `commune inconnue : ${input.fields.birthCommuneCode}` }]);
  }
  const before = await sql<{
    data: Record<string, unknown>;
  }>`SELECT data FROM fiche_salarie_complement WHERE contract_id = ${contract.id}`.execute(db);
  const data: Record<string, unknown> = { ...(before.rows[0]?.data ?? {}) };
  for (const [k, v] of Object.entries(input.fields)) {
    if (v === undefined) continue;
    if (v === null) delete data[k];
    else data[k] = v;
  }
  await sql`
    INSERT INTO fiche_salarie_complement (contract_id, data, updated_at) VALUES (${contract.id}, ${JSON.stringify(data)}::jsonb, now())
    ON CONFLICT (contract_id) DO UPDATE SET data = excluded.data, updated_at = now()`.execute(db);
  await recordAudit(db, deps.actor, {
    action: "fiche_salarie.complete",
    entity: "contract",
    entityId: contract.id,
    personId: contract.person_id,
    structureId: contract.structure_id,
    before: before.rows[0]?.data ?? null,
    after: data,
  });
  return { contractId: contract.id, data };
}
