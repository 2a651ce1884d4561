// Second factor of local logins: TOTP (RFC 6238, 6 digits, 30 s, SHA-1 — what every authenticator app
// reads from an otpauth:// URI) with single-use recovery codes. Mandatory for the roles that see or
// change everything (ENFORCED_ROLES: platform admin, DGEFP), offered to every local account.
//  - the secret is stored encrypted with the personal-data cipher (a database dump gives no code);
//  - a code is accepted in its 30 s step and the neighbouring ones (clock drift), once: last_step
//    refuses a replay;
//  - recovery codes: 10 random codes of 60 bits, only their SHA-256 stored, each usable once; shown
//    once, when the factor is enabled.
// Demo accounts (…@demo.passerelle.test) are exempt: they can log in only on a local instance whose
// demo password is published anyway (security/publicInstance.ts), where a second factor protects nothing.
import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import { generateSecret, generateURI, verify } from "otplib";
import type { Database, Role } from "../../db/schema.js";
import { isDemoEmail } from "../../security/publicInstance.js";
import { cipherCells, type PersonalDataCipher } from "../../security/personalData.js";
import { securityDb } from "./securityTables.js";
import { sha256Hex } from "./sessions.js";

export const TOTP_ISSUER = "Passerelle";
export const ENFORCED_ROLES: ReadonlySet<Role> = new Set<Role>(["admin", "national"]);
export const RECOVERY_CODE_COUNT = 10;
const STEP_SECONDS = 30;

export function secondFactorEnforced(role: Role, email: string): boolean {
  return ENFORCED_ROLES.has(role) && !isDemoEmail(email);
}

export interface SecondFactorStatus {
  enabled: boolean;
  /** A secret was issued but no code confirmed it yet. */
  pending: boolean;
  recoveryCodesLeft: number;
}

export async function secondFactorStatus(db: Kysely<Database>, userId: number): Promise<SecondFactorStatus> {
  const sdb = securityDb(db);
  const row = await sdb.selectFrom("user_totp").select("enabled_at").where("user_id", "=", userId).executeTakeFirst();
  const codes = await sdb
    .selectFrom("user_recovery_code")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("user_id", "=", userId)
    .where("used_at", "is", null)
    .executeTakeFirst();
  return { enabled: Boolean(row?.enabled_at), pending: Boolean(row && !row.enabled_at), recoveryCodesLeft: Number(codes?.n ?? 0) };
}

export interface Enrolment {
  /** Base32 secret, to type by hand into an authenticator app. */
  secret: string;
  /** otpauth://totp/… URI (what a QR code would carry). */
  otpauthUri: string;
}

function enrolmentOf(secret: string, email: string): Enrolment {
  return { secret, otpauthUri: generateURI({ issuer: TOTP_ISSUER, label: email, secret }) };
}

/**
 * Issues a secret to confirm with a first code. `keepPending`: a secret already issued and not yet
 * confirmed is shown again (the login-time enrolment: a person who scanned it and reloads the page must
 * not get a new one); otherwise it is replaced. Refused (null) when a factor is already enabled.
 */
export async function beginEnrolment(
  db: Kysely<Database>,
  pii: PersonalDataCipher,
  user: { id: number; email: string },
  now: Date,
  keepPending = false,
): Promise<Enrolment | null> {
  const sdb = securityDb(db);
  const existing = await sdb
    .selectFrom("user_totp")
    .select(["secret_encrypted", "enabled_at"])
    .where("user_id", "=", user.id)
    .executeTakeFirst();
  if (existing?.enabled_at) return null;
  if (existing && keepPending) return enrolmentOf(pii.decrypt(existing.secret_encrypted, cipherCells.totpSecret(user.id)), user.email);
  const secret = generateSecret();
  const secretEncrypted = pii.encrypt(secret, cipherCells.totpSecret(user.id));
  await sdb
    .insertInto("user_totp")
    .values({ user_id: user.id, secret_encrypted: secretEncrypted, enabled_at: null, last_step: null, created_at: now })
    .onConflict((oc) =>
      oc.column("user_id").doUpdateSet({ secret_encrypted: secretEncrypted, enabled_at: null, last_step: null, created_at: now }),
    )
    .execute();
  return enrolmentOf(secret, user.email);
}

const normalizeRecovery = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, "");

async function checkTotp(
  db: Kysely<Database>,
  pii: PersonalDataCipher,
  userId: number,
  code: string,
  now: Date,
  enabled: boolean,
): Promise<boolean> {
  if (!/^\d{6}$/.test(code)) return false;
  const sdb = securityDb(db);
  const row = await sdb
    .selectFrom("user_totp")
    .select(["secret_encrypted", "enabled_at", "last_step"])
    .where("user_id", "=", userId)
    .executeTakeFirst();
  if (!row || Boolean(row.enabled_at) !== enabled) return false;
  const lastStep = row.last_step === null ? undefined : Number(row.last_step);
  const result = await verify({
    secret: pii.decrypt(row.secret_encrypted, cipherCells.totpSecret(userId)),
    token: code,
    epoch: Math.floor(now.getTime() / 1000),
    epochTolerance: STEP_SECONDS,
    ...(lastStep !== undefined ? { afterTimeStep: lastStep } : {}),
  });
  if (!result.valid) return false;
  const step =
    "timeStep" in result && typeof result.timeStep === "number" ? result.timeStep : Math.floor(now.getTime() / 1000 / STEP_SECONDS);
  // Conditional on the step read: of two concurrent uses of one code, one wins.
  const updated = await sdb
    .updateTable("user_totp")
    .set({ last_step: step })
    .where("user_id", "=", userId)
    .where((eb) => (lastStep === undefined ? eb("last_step", "is", null) : eb("last_step", "=", lastStep)))
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/** Checks a code of an enabled factor: a TOTP code, or an unused recovery code (then spent). */
export async function verifySecondFactor(
  db: Kysely<Database>,
  pii: PersonalDataCipher,
  userId: number,
  code: string,
  now: Date,
): Promise<"totp" | "recovery" | null> {
  const trimmed = code.trim();
  if (await checkTotp(db, pii, userId, trimmed.replace(/\s/g, ""), now, true)) return "totp";
  const normalized = normalizeRecovery(trimmed);
  if (normalized.length !== 12) return null;
  const spent = await securityDb(db)
    .updateTable("user_recovery_code")
    .set({ used_at: now })
    .where("user_id", "=", userId)
    .where("code_hash", "=", sha256Hex(normalized))
    .where("used_at", "is", null)
    .executeTakeFirst();
  return Number(spent.numUpdatedRows) === 1 ? "recovery" : null;
}

function newRecoveryCode(): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const bytes = randomBytes(12);
  const chars = [...bytes].map((b) => alphabet[b % alphabet.length]).join("");
  return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}`;
}

/**
 * Confirms a pending secret with a first code: the factor is enabled and fresh recovery codes issued
 * (returned once, in clear; only their hashes are kept). Null when the code is wrong.
 */
export async function confirmEnrolment(
  db: Kysely<Database>,
  pii: PersonalDataCipher,
  userId: number,
  code: string,
  now: Date,
): Promise<string[] | null> {
  if (!(await checkTotp(db, pii, userId, code.trim().replace(/\s/g, ""), now, false))) return null;
  const sdb = securityDb(db);
  await sdb.updateTable("user_totp").set({ enabled_at: now }).where("user_id", "=", userId).execute();
  await sdb.deleteFrom("user_recovery_code").where("user_id", "=", userId).execute();
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await sdb
    .insertInto("user_recovery_code")
    .values(codes.map((c) => ({ user_id: userId, code_hash: sha256Hex(normalizeRecovery(c)) })))
    .execute();
  return codes;
}

/** Removes the factor and its recovery codes (the account's owner, or an operator for a lost device). */
export async function removeSecondFactor(db: Kysely<Database>, userId: number): Promise<boolean> {
  const sdb = securityDb(db);
  await sdb.deleteFrom("user_recovery_code").where("user_id", "=", userId).execute();
  const removed = await sdb.deleteFrom("user_totp").where("user_id", "=", userId).executeTakeFirst();
  return Number(removed.numDeletedRows) > 0;
}
