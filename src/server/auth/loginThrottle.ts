// Brute-force protection for local logins (issue 8):
//  - per account: after MAX_FAILURES consecutive failures the account is locked for LOCK_MS
//    (app_user.locked_until); a success resets the counter;
//  - per client address: more than MAX_FAILURES_PER_IP failures within IP_WINDOW_MS are refused
//    (table login_attempt, shared by every app instance).
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import { securityDb } from "./securityTables.js";
import { sha256Hex } from "./sessions.js";

export const MAX_FAILURES = 5;
export const LOCK_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_IP = 30;
export const IP_WINDOW_MS = 15 * 60 * 1000;

export interface LockState {
  locked: boolean;
  retryAfterSeconds: number;
}

export async function ipLocked(db: Kysely<Database>, ip: string, now: Date): Promise<LockState> {
  const since = new Date(now.getTime() - IP_WINDOW_MS);
  const row = await securityDb(db)
    .selectFrom("login_attempt")
    .select((eb) => [eb.fn.countAll<string>().as("n"), eb.fn.min("at").as("first")])
    .where("ip", "=", ip)
    .where("succeeded", "=", false)
    .where("at", ">", since)
    .executeTakeFirst();
  const failures = Number(row?.n ?? 0);
  if (failures < MAX_FAILURES_PER_IP || !row?.first) return { locked: false, retryAfterSeconds: 0 };
  const first = new Date(row.first);
  return { locked: true, retryAfterSeconds: Math.max(1, Math.ceil((first.getTime() + IP_WINDOW_MS - now.getTime()) / 1000)) };
}

export function accountLocked(lockedUntil: Date | null, now: Date): LockState {
  if (!lockedUntil || lockedUntil.getTime() <= now.getTime()) return { locked: false, retryAfterSeconds: 0 };
  return { locked: true, retryAfterSeconds: Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000) };
}

export async function recordAttempt(db: Kysely<Database>, ip: string, email: string, succeeded: boolean, now: Date): Promise<void> {
  const sdb = securityDb(db);
  // Only a hash of what was typed: people sometimes type a password or an identifier in the e-mail field.
  await sdb.insertInto("login_attempt").values({ ip, email: sha256Hex(email.toLowerCase()), succeeded, at: now }).execute();
  // Keep the table small: attempts older than a day are useless for throttling.
  if (Math.random() < 0.05) {
    await sdb.deleteFrom("login_attempt").where("at", "<", new Date(now.getTime() - 24 * 3600 * 1000)).execute();
  }
}

/** Count a failure on an account; locks it at the MAX_FAILURES-th consecutive failure. */
export async function registerFailure(db: Kysely<Database>, userId: number, now: Date): Promise<LockState> {
  const row = await db
    .updateTable("app_user")
    .set((eb) => ({ failed_logins: eb("failed_logins", "+", 1), updated_at: now }))
    .where("id", "=", userId)
    .returning("failed_logins")
    .executeTakeFirst();
  if (row && row.failed_logins >= MAX_FAILURES) {
    const until = new Date(now.getTime() + LOCK_MS);
    await db.updateTable("app_user").set({ failed_logins: 0, locked_until: until }).where("id", "=", userId).execute();
    return { locked: true, retryAfterSeconds: Math.ceil(LOCK_MS / 1000) };
  }
  return { locked: false, retryAfterSeconds: 0 };
}

export async function registerSuccess(db: Kysely<Database>, userId: number): Promise<void> {
  await db.updateTable("app_user").set({ failed_logins: 0, locked_until: null }).where("id", "=", userId).execute();
}
