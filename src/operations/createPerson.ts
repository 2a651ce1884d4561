// Use case: register a person (future salarié). The NIR is validated by the domain (iae-reference
// §9), then stored ONLY encrypted (pii.encrypt) and as a keyed hash (pii.hash("nir")) used to find
// the same person across structures; a temporary NIR (7/8) needs a NTT.
import { z } from "zod";
import { validateBirthDate } from "../domain/identifiers/birthDate.js";
import { validateNir, validateNtt } from "../domain/identifiers/nir.js";
import { cipherCells, type PersonalDataCipher } from "../security/personalData.js";
import { reserveId } from "../db/reserveIds.js";
import { recordAudit } from "../db/audit.js";
import { communeCode, departementCode, isoDate, optionalText, postalCode } from "./schemas.js";
import { OperationInputError, type OperationDeps, parseInput, ruleOnField } from "./types.js";
import type { Selectable } from "kysely";
import type { Db, PersonTable } from "../db/schema.js";

export const createPersonInput = z
  .object({
    nir: z.string().optional(),
    ntt: z.string().optional(),
    civility: z.enum(["M", "MME"]),
    lastName: z.string().trim().min(1).max(100),
    birthName: optionalText,
    firstName: z.string().trim().min(1).max(100),
    birthDate: isoDate,
    birthCountryCode: optionalText,
    addressLine: optionalText,
    postalCode: postalCode.optional(),
    communeCode: communeCode.optional(),
    departementCode: departementCode.optional(),
    email: z.string().trim().email("adresse électronique invalide").optional(),
    phone: optionalText,
    educationLevelCode: z
      .string()
      .regex(/^\d{2}$/, "code de niveau de formation à 2 chiffres")
      .optional(),
    isQpv: z.boolean().optional(),
    isZrr: z.boolean().optional(),
    isSynthetic: z.boolean().default(false),
  })
  .refine((v) => v.nir !== undefined || v.ntt !== undefined, { message: "NIR ou NTT requis", path: ["nir"] });
export type CreatePersonInput = z.input<typeof createPersonInput>;
export type ParsedPersonInput = z.output<typeof createPersonInput>;

/** The stored row as written: the identity fields the input requires are never null here. */
export type PersonRow = Pick<
  Selectable<PersonTable>,
  | "id"
  | "nir_encrypted"
  | "nir_hash"
  | "ntt"
  | "birth_name"
  | "birth_country_code"
  | "address_line"
  | "postal_code"
  | "commune_code"
  | "departement_code"
  | "email"
  | "phone"
  | "education_level_code"
  | "is_qpv"
  | "is_zrr"
  | "is_synthetic"
> & { civility: "M" | "MME"; last_name: string; first_name: string; birth_date: string; birth_year: number };

/** Pure: validate identifiers and build the stored row (NIR encrypted + hashed, never clear). Shared with the demo loader. */
export function preparePersonRow(pii: PersonalDataCipher, input: ParsedPersonInput, id: number): PersonRow {
  const nir = input.nir === undefined ? null : ruleOnField("nir", () => validateNir(input.nir as string));
  const ntt = input.ntt === undefined ? null : ruleOnField("ntt", () => validateNtt(input.ntt as string));
  // Rule: NIR missing or temporary (7/8) → NTT required — iae-reference §7.2/§9
  if ((nir === null || nir.needsNtt) && ntt === null)
    throw new OperationInputError([{ field: "ntt", reason: "NTT requis quand le NIR est absent ou provisoire (7 ou 8)" }]);
  if (nir !== null && !nir.needsNtt) {
    // Coherence NIR ↔ birth date: the NIR carries the 2-digit birth year (month may be fictitious 20–42/50–99).
    if (nir.birthYear2 !== input.birthDate.slice(2, 4))
      throw new OperationInputError([{ field: "nir", reason: "l'année de naissance du NIR ne correspond pas à la date de naissance" }]);
  }
  return {
    id,
    nir_encrypted: nir === null ? null : pii.encrypt(nir.value, cipherCells.personNir(id)),
    nir_hash: nir === null ? null : pii.hash("nir", nir.value),
    ntt,
    civility: input.civility,
    last_name: input.lastName,
    birth_name: input.birthName ?? null,
    first_name: input.firstName,
    birth_date: input.birthDate,
    birth_year: Number(input.birthDate.slice(0, 4)),
    birth_country_code: input.birthCountryCode ?? null,
    address_line: input.addressLine ?? null,
    postal_code: input.postalCode ?? null,
    commune_code: input.communeCode ?? null,
    departement_code: input.departementCode ?? null,
    email: input.email ?? null,
    phone: input.phone ?? null,
    education_level_code: input.educationLevelCode ?? null,
    is_qpv: input.isQpv ?? null,
    is_zrr: input.isZrr ?? null,
    is_synthetic: input.isSynthetic,
  };
}

export async function createPerson(db: Db, deps: OperationDeps, raw: CreatePersonInput): Promise<{ id: number }> {
  const input = parseInput(createPersonInput, raw);
  // Rule: birth date between 16 and 100 years before today (validateBirthDate, les-emplois validate_birthdate)
  ruleOnField("birthDate", () => validateBirthDate(input.birthDate, deps.clock.today()));
  const row = preparePersonRow(deps.pii, input, await reserveId(db, "person"));
  if (row.nir_hash !== null) {
    const existing = await db.selectFrom("person").select("id").where("nir_hash", "=", row.nir_hash).executeTakeFirst();
    if (existing) throw new OperationInputError([{ field: "nir", reason: `une personne avec ce NIR existe déjà (n° ${existing.id})` }]);
  }
  if (row.commune_code !== null && row.departement_code === null) {
    const commune = await db.selectFrom("ref_commune").select("departement_code").where("code", "=", row.commune_code).executeTakeFirst();
    if (!commune) throw new OperationInputError([{ field: "communeCode", reason: `commune inconnue : ${row.commune_code}` }]);
    row.departement_code = commune.departement_code;
  }
  const inserted = await db.insertInto("person").values(row).returning("id").executeTakeFirstOrThrow();
  const { id: _id, nir_encrypted: _e, nir_hash: _h, ...visible } = row;
  await recordAudit(db, deps.actor, {
    action: "person.create",
    entity: "person",
    entityId: inserted.id,
    personId: inserted.id,
    after: { ...visible, nir: row.nir_hash === null ? null : "[chiffré]" },
  });
  return { id: inserted.id };
}
