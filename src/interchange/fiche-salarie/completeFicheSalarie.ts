// Use case: enter, for one hiring (initial contract), the fields of the fiche salarié that Passerelle's
// other tables do not carry (iae-reference §7.2): commune of birth, address split into ASP parts,
// situation of the salarié at hiring. Stored in fiche_salarie_complement under the ASP field names;
// given fields replace the stored ones, null erases one. Audited. Run inside handle.withTransaction.
import { sql } from "kysely";
import { z } from "zod";
import { recordAudit } from "../../db/audit.js";
import { NotFoundError, OperationInputError, type OperationDeps, parseInput } from "../../operations/types.js";
import type { Db } from "../../db/schema.js";

const duration = z.enum(["01", "02", "03", "04"]).nullable().optional();
const flag = z.boolean().nullable().optional();

export const ficheComplementFields = z
  .object({
    birthCommuneCode: z.string().regex(/^\d[\dAB]\d{3}$/, "code commune INSEE attendu").nullable().optional(),
    adrNumeroVoie: z.string().regex(/^\d{1,5}$/, "1 à 5 chiffres").nullable().optional(),
    codeextensionvoie: z.enum(["B", "T", "Q", "C"]).nullable().optional(),
    codetypevoie: z.string().regex(/^[A-Z]{1,4}$/, "code type de voie ASP (ex. RUE, AV)").nullable().optional(),
    adrLibelleVoie: z.string().trim().min(1).max(100).nullable().optional(),
    adrCpltDistribution: z.string().regex(/^[A-Za-z0-9@ ]{1,32}$/, "32 caractères au plus : lettres sans accent, chiffres, @, espaces").nullable().optional(),
    salarieEnEmploi: flag,
    salarieTypeEmployeur: z.enum(["01", "02", "03", "04", "05", "06", "07"]).nullable().optional(),
    salarieSansEmploiDepuis: duration,
    salarieSansRessource: flag,
    inscritPoleEmploi: flag,
    inscritPoleEmploiDepuis: duration,
    numeroIDE: z.string().regex(/^[0-9A-Za-z]{1,11}$/, "11 caractères au plus").nullable().optional(),
    salarieOETH: flag,
    salarieAideSociale: flag,
    salarieBenefRSADepuis: duration,
    salarieBenefASS: flag,
    salarieBenefASSDepuis: duration,
    salarieBenefAAH: flag,
    salarieBenefAAHDepuis: duration,
    salarieBenefATA: flag,
    salarieBenefATADepuis: duration,
  })
  .strict();

export const completeFicheSalarieInput = z.object({ contractId: z.number().int().positive(), fields: ficheComplementFields });
export type CompleteFicheSalarieInput = z.input<typeof completeFicheSalarieInput>;

export async function completeFicheSalarie(db: Db, deps: OperationDeps, raw: CompleteFicheSalarieInput): Promise<{ contractId: number; data: Record<string, unknown> }> {
  const input = parseInput(completeFicheSalarieInput, raw);
  const contract = await db.selectFrom("contract").select(["id", "person_id", "structure_id", "rank"]).where("id", "=", input.contractId).executeTakeFirst();
  if (!contract) throw new NotFoundError("contract", input.contractId);
  if (contract.rank !== 0) throw new OperationInputError([{ field: "contractId", reason: "la fiche salarié se complète sur le contrat initial (embauche), pas sur un renouvellement" }]);
  if (typeof input.fields.birthCommuneCode === "string") {
    const known = await db.selectFrom("ref_commune").select("code").where("code", "=", input.fields.birthCommuneCode).executeTakeFirst();
    if (!known) throw new OperationInputError([{ field: "fields.birthCommuneCode", reason: `commune inconnue : ${input.fields.birthCommuneCode}` }]);
  }
  const before = await sql<{ data: Record<string, unknown> }>`SELECT data FROM fiche_salarie_complement WHERE contract_id = ${contract.id}`.execute(db);
  const data: Record<string, unknown> = { ...(before.rows[0]?.data ?? {}) };
  for (const [k, v] of Object.entries(input.fields)) {
    if (v === undefined) continue;
    if (v === null) delete data[k];
    else data[k] = v;
  }
  await sql`
    INSERT INTO fiche_salarie_complement (contract_id, data, updated_at) VALUES (${contract.id}, ${JSON.stringify(data)}::jsonb, now())
    ON CONFLICT (contract_id) DO UPDATE SET data = excluded.data, updated_at = now()`.execute(db);
  await recordAudit(db, deps.actor, { action: "fiche_salarie.complete", entity: "contract", entityId: contract.id, personId: contract.person_id, structureId: contract.structure_id, before: before.rows[0]?.data ?? null, after: data });
  return { contractId: contract.id, data };
}
