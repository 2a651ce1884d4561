// Use case: register a SIAE (one kind of one legal entity). Identity = (ASP id or SIRET, kind) —
// iae-reference §1.1, design §4. The département comes from the commune when one is given.
import { z } from "zod";
import { validateSiret } from "../domain/identifiers/siret.js";
import { recordAudit } from "../db/audit.js";
import { communeCode, departementCode, id, isoDate, kind, optionalText, postalCode } from "./schemas.js";
import { OperationInputError, type OperationDeps, parseInput, ruleOnField } from "./types.js";
import type { Db } from "../db/schema.js";

export const createStructureInput = z
  .object({
    kind,
    name: z.string().trim().min(1).max(300),
    siret: z.string().optional(),
    aspId: id.optional(),
    legalForm: optionalText,
    nafCode: z
      .string()
      .regex(/^\d{2}\.?\d{2}[A-Z]$/, "code NAF attendu (ex. 8899B)")
      .optional(),
    addressLine: optionalText,
    postalCode: postalCode.optional(),
    communeCode: communeCode.optional(),
    communeName: optionalText,
    departementCode: departementCode.optional(),
    phone: optionalText,
    email: z.string().trim().email("adresse électronique invalide").optional(),
    createdOn: isoDate.optional(),
    isSynthetic: z.boolean().default(false),
    source: z.string().default("saisie"),
  })
  .refine((v) => v.siret !== undefined || v.aspId !== undefined, { message: "SIRET ou identifiant ASP requis", path: ["siret"] })
  .refine((v) => v.communeCode !== undefined || v.departementCode !== undefined, {
    message: "commune ou département requis",
    path: ["departementCode"],
  });
export type CreateStructureInput = z.input<typeof createStructureInput>;

export interface CreatedStructure {
  id: number;
  kind: string;
  departementCode: string;
}

export async function createStructure(db: Db, deps: OperationDeps, raw: CreateStructureInput): Promise<CreatedStructure> {
  const input = parseInput(createStructureInput, raw);
  const siret = input.siret === undefined ? null : ruleOnField("siret", () => validateSiret(input.siret as string));
  let departementCode = input.departementCode ?? null;
  if (input.communeCode !== undefined) {
    const commune = await db
      .selectFrom("ref_commune")
      .select(["departement_code", "name"])
      .where("code", "=", input.communeCode)
      .executeTakeFirst();
    if (!commune) throw new OperationInputError([{ field: "communeCode", reason: `commune inconnue : ${input.communeCode}` }]);
    if (departementCode !== null && departementCode !== commune.departement_code)
      throw new OperationInputError([
        { field: "departementCode", reason: `la commune ${input.communeCode} est dans le département ${commune.departement_code}` },
      ]);
    departementCode = commune.departement_code;
  }
  if (departementCode === null) throw new OperationInputError([{ field: "departementCode", reason: "département requis" }]);
  // Rule: (SIRET, kind) and (ASP id, kind) are unique — design §4
  const duplicate = await db
    .selectFrom("structure")
    .select("id")
    .where("kind", "=", input.kind)
    .where((eb) =>
      eb.or([
        siret === null ? eb.val(false) : eb("siret", "=", siret),
        input.aspId === undefined ? eb.val(false) : eb("asp_id", "=", input.aspId),
      ]),
    )
    .executeTakeFirst();
  if (duplicate)
    throw new OperationInputError([
      { field: "siret", reason: `une structure ${input.kind} existe déjà avec cet identifiant (n° ${duplicate.id})` },
    ]);
  const row = await db
    .insertInto("structure")
    .values({
      kind: input.kind,
      asp_id: input.aspId ?? null,
      siret,
      name: input.name,
      legal_form: input.legalForm ?? null,
      naf_code: input.nafCode ?? null,
      address_line: input.addressLine ?? null,
      postal_code: input.postalCode ?? null,
      commune_code: input.communeCode ?? null,
      commune_name: input.communeName ?? null,
      departement_code: departementCode,
      phone: input.phone ?? null,
      email: input.email ?? null,
      created_on: input.createdOn ?? null,
      is_synthetic: input.isSynthetic,
      source: input.source,
    })
    .returning(["id", "kind", "departement_code"])
    .executeTakeFirstOrThrow();
  await recordAudit(db, deps.actor, {
    action: "structure.create",
    entity: "structure",
    entityId: row.id,
    structureId: row.id,
    after: { ...input, siret },
  });
  return { id: row.id, kind: row.kind, departementCode: row.departement_code };
}
