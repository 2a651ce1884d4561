// Creating accounts (platform admins through the API, operators through `passerelle users create`).
// Role and scope must agree: regional → région; departemental / conseil départemental → département;
// siae → at least one structure (through membership). Passwords: argon2id, ≥ 12 characters.
import { sql } from "kysely";
import type { Kysely } from "kysely";
import { recordAudit, type Actor } from "../db/audit.js";
import type { Database, Role } from "../db/schema.js";
import { hashPassword } from "./passwords.js";

import { MIN_PASSWORD_LENGTH, ROLES } from "../contracts/account.js";

export { MIN_PASSWORD_LENGTH, ROLES };

export class UserInputError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = "UserInputError";
  }
}

export interface NewUserInput {
  email: string;
  displayName: string;
  role: Role;
  regionCode?: string | null;
  departementCode?: string | null;
  /** When absent, the account can only log in through SSO (ProConnect). */
  password?: string | null;
  structureId?: number | null;
  structureAdmin?: boolean;
}

export async function createUser(db: Kysely<Database>, input: NewUserInput, actor: Actor): Promise<{ id: number }> {
  const email = input.email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254)
    throw new UserInputError(`Adresse e-mail invalide : ${input.email}`, "email");
  const displayName = input.displayName.trim();
  if (displayName.length < 2 || displayName.length > 120)
    throw new UserInputError("Le nom affiché doit faire de 2 à 120 caractères.", "displayName");
  if (!ROLES.includes(input.role)) throw new UserInputError(`Rôle inconnu : ${input.role} (attendu : ${ROLES.join(", ")}).`, "role");
  let regionCode = input.regionCode ?? null;
  const departementCode = input.departementCode ?? null;
  if (input.role === "regional" && !regionCode) throw new UserInputError("Un compte régional (DREETS) exige une région.", "regionCode");
  if ((input.role === "departemental" || input.role === "conseil_departemental") && !departementCode) {
    throw new UserInputError("Un compte départemental (DDETS ou conseil départemental) exige un département.", "departementCode");
  }
  if (input.role === "siae" && !input.structureId)
    throw new UserInputError("Un compte de structure exige une structure (--structure).", "structureId");
  if (input.role !== "siae" && input.structureId)
    throw new UserInputError("Seuls les comptes de structure (siae) sont membres d'une structure.", "structureId");
  if (departementCode) {
    const dep = await db.selectFrom("ref_departement").select("region_code").where("code", "=", departementCode).executeTakeFirst();
    if (!dep) throw new UserInputError(`Département inconnu : ${departementCode}`, "departementCode");
    regionCode ??= dep.region_code;
    if (dep.region_code !== regionCode)
      throw new UserInputError(`Le département ${departementCode} n'est pas dans la région ${regionCode}.`, "regionCode");
  }
  if (regionCode && !(await db.selectFrom("ref_region").select("code").where("code", "=", regionCode).executeTakeFirst())) {
    throw new UserInputError(`Région inconnue : ${regionCode}`, "regionCode");
  }
  if (input.structureId && !(await db.selectFrom("structure").select("id").where("id", "=", input.structureId).executeTakeFirst())) {
    throw new UserInputError(`Structure inconnue : ${input.structureId}`, "structureId");
  }
  if (input.password !== undefined && input.password !== null && input.password.length < MIN_PASSWORD_LENGTH) {
    throw new UserInputError(`Le mot de passe doit faire au moins ${MIN_PASSWORD_LENGTH} caractères.`, "password");
  }
  if (await db.selectFrom("app_user").select("id").where("email", "=", email).executeTakeFirst()) {
    throw new UserInputError(`Un compte existe déjà pour ${email}.`, "email");
  }
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  const row = await db
    .insertInto("app_user")
    .values({
      email,
      display_name: displayName,
      role: input.role,
      region_code: input.role === "siae" || input.role === "national" || input.role === "admin" ? null : regionCode,
      departement_code: input.role === "departemental" || input.role === "conseil_departemental" ? departementCode : null,
      password_hash: passwordHash,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const id = Number(row.id);
  // An account created without a password is meant for SSO: its first ProConnect login may link it by
  // e-mail (server/auth/oidcLink.ts).
  if (!passwordHash) await sql`UPDATE app_user SET oidc_link_allowed = true WHERE id = ${id}`.execute(db);
  if (input.structureId) {
    await db
      .insertInto("membership")
      .values({ user_id: id, structure_id: input.structureId, is_admin: input.structureAdmin ?? false })
      .execute();
  }
  await recordAudit(db, actor, {
    action: "user.create",
    entity: "app_user",
    entityId: id,
    structureId: input.structureId ?? null,
    after: {
      email,
      role: input.role,
      regionCode,
      departementCode,
      structureId: input.structureId ?? null,
      structureAdmin: input.structureAdmin ?? false,
      sso: !passwordHash,
    },
  });
  return { id };
}
