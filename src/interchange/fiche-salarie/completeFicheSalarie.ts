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
import { DURATION_CODES, EITI_CONTRIBUTION_CODES, SITUATION_FLAGS, type SituationFlag } from "./aspCodeLists.js";

const codeOf = <T extends Record<string, string>>(list: T) => z.enum(Object.keys(list) as [keyof T & string, ...(keyof T & string)[]]);
const duration = codeOf(DURATION_CODES).nullable().optional();
const flag = z.boolean().nullable().optional();
const situationFlags = Object.fromEntries((Object.keys(SITUATION_FLAGS) as SituationFlag[]).map((k) => [k, flag])) as Record<
  SituationFlag,
  typeof flag
>;

export const ficheComplementFields = z
  .object({
    birthCommuneCode: z
      .string()
      .regex(/^\d[\dAB]\d{3}$/, "code commune INSEE attendu")
      .nullable()
      .optional(),
    adrNumeroVoie: z
      .string()
      .regex(/^\d{1,5}$/, "1 à 5 chiffres")
      .nullable()
      .optional(),
    codeextensionvoie: z.enum(["B", "T", "Q", "C"]).nullable().optional(),
    codetypevoie: z
      .string()
      .regex(/^[A-Z]{1,4}$/, "code type de voie ASP (ex. RUE, AV)")
      .nullable()
      .optional(),
    adrLibelleVoie: z.string().trim().min(1).max(100).nullable().optional(),
    adrCpltDistribution: z
      .string()
      .regex(/^[A-Za-z0-9@ ]{1,32}$/, "32 caractères au plus : lettres sans accent, chiffres, @, espaces")
      .nullable()
      .optional(),
    salarieEnEmploi: flag,
    salarieTypeEmployeur: z.enum(["01", "02", "03", "04", "05", "06", "07"]).nullable().optional(),
    salarieSansEmploiDepuis: duration,
    salarieSansRessource: flag,
    inscritPoleEmploi: flag,
    inscritPoleEmploiDepuis: duration,
    numeroIDE: z
      .string()
      .regex(/^[0-9A-Za-z]{1,11}$/, "11 caractères au plus")
      .nullable()
      .optional(),
    salarieOETH: flag,
    salarieAideSociale: flag,
    salarieBenefRSADepuis: duration,
    salarieBenefASS: flag,
    salarieBenefASSDepuis: duration,
    salarieBenefAAH: flag,
    salarieBenefAAHDepuis: duration,
    // Accepted for the files written before, never sent: the ATA no longer exists, the fiche says false (buildRecord.ts).
    salarieBenefATA: flag,
    salarieBenefATADepuis: duration,
    // The seven situation flags required since November 2025 (labels: aspCodeLists.ts SITUATION_FLAGS).
    ...situationFlags,
    // EITI only (labels: EITI_FIELDS).
    salarieBenefARE: flag,
    salarieBenefAREDepuis: duration,
    salarieBenefPrimeActivite: flag,
    salarieBenefPrimeActiviteDepuis: duration,
    salarieBenefCAPE: flag,
    salarieBenefCESA: flag,
    nomActeurCreationEntr: z
      .string()
      .trim()
      .max(100)
      .regex(/^[\p{L} -]+$/u, "lettres, espaces et tirets seulement")
      .nullable()
      .optional(),
    revenuMensuelMoyenTI: z
      .string()
      .trim()
      .regex(/^\d{1,5}([.,]\d{1,2})?$/, "montant en euros, 99 999,99 au plus")
      .nullable()
      .optional(),
    cotisationsTI: codeOf(EITI_CONTRIBUTION_CODES).nullable().optional(),
  })
  .strict();

export const completeFicheSalarieInput = z.object({ contractId: z.number().int().positive(), fields: ficheComplementFields });
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
  if (!contract) throw new NotFoundError("contract", input.contractId);
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
