// Brute-force protection for local logins, computed from the table login_attempt (shared by every app
// instance) and never from whether the e-mail belongs to an account, so that an unknown e-mail and a
// locked account get the same answer:
//  - per (e-mail, client network): MAX_FAILURES consecutive failures within LOCK_MS lock that pair for
//    LOCK_MS. An attacker who mistypes the victim's password from address A locks A out of that account,
//    never the victim at address B;
//  - per account, every network together (the backstop against a guess spread over many addresses):
//    MAX_FAILURES_PER_ACCOUNT failures within ACCOUNT_WINDOW_MS lock the account for everyone until the
//    window has passed (an administrator can unlock it: unlockLogin);
//  - per client network: MAX_FAILURES_PER_IP failures within IP_WINDOW_MS, whatever the accounts.
// The client network is the address Fastify gives (X-Forwarded-For only from a trusted proxy: see
// clientAddress.ts), an IPv6 address counted by its /64. Only a hash of the typed e-mail is stored.
import { type Kysely, sql } from "kysely";
import type { Database } from "../../db/schema.js";
import { clientNetwork } from "./clientAddress.js";
import { securityDb } from "./securityTables.js";
import { sha256Hex } from "./sessions.js";

export const MAX_FAILURES = 5;
export const LOCK_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_ACCOUNT = 50;
export const ACCOUNT_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_IP = 30;
export const IP_WINDOW_MS = 15 * 60 * 1000;

export interface LockState {
  locked: boolean;
  retryAfterSeconds: number;
  /** Which counter refused (for the audit trail only: the answer to the client never says). */
  reason?: "address" | "pair" | "account";
}

export interface LoginKey {
  network: string;
  emailHash: string;
}

export function loginKey(ip: string, email: string): LoginKey {
  return { network: clientNetwork(ip), emailHash: sha256Hex(email.trim().toLowerCase()) };
}

const OPEN: LockState = { locked: false, retryAfterSeconds: 0 };

function until(at: Date | string, windowMs: number, now: Date): number {
  return Math.max(1, Math.ceil((new Date(at).getTime() + windowMs - now.getTime()) / 1000));
}

/** Whether a login attempt from this network for this e-mail may go on. */
export async function loginThrottle(db: Kysely<Database>, key: LoginKey, now: Date): Promise<LockState> {
  const sdb = securityDb(db);
  const address = await sdb
    .selectFrom("login_attempt")
    .select((eb) => [eb.fn.countAll<string>().as("n"), eb.fn.min("at").as("first")])
    .where("ip", "=", key.network)
    .where("succeeded", "=", false)
    .where("at", ">", new Date(now.getTime() - IP_WINDOW_MS))
    .executeTakeFirst();
  if (Number(address?.n ?? 0) >= MAX_FAILURES_PER_IP && address?.first) {
    return { locked: true, retryAfterSeconds: until(address.first, IP_WINDOW_MS, now), reason: "address" };
  }
  // The last MAX_FAILURES checked attempts of this pair: all failures within the window = locked.
  const recent = await sdb
    .selectFrom("login_attempt")
    .select(["succeeded", "at"])
    .where("email", "=", key.emailHash)
    .where("ip", "=", key.network)
    .where("refused", "=", false)
    .where("at", ">", new Date(now.getTime() - LOCK_MS))
    .orderBy("at", "desc")
    .orderBy("id", "desc")
    .limit(MAX_FAILURES)
    .execute();
  const oldest = recent[recent.length - 1];
  if (recent.length === MAX_FAILURES && oldest && recent.every((r) => !r.succeeded)) {
    return { locked: true, retryAfterSeconds: until(oldest.at, LOCK_MS, now), reason: "pair" };
  }
  const account = await sdb
    .selectFrom("login_attempt")
    .select((eb) => [eb.fn.countAll<string>().as("n"), eb.fn.min("at").as("first")])
    .where("email", "=", key.emailHash)
    .where("succeeded", "=", false)
    .where("refused", "=", false)
    .where("at", ">", new Date(now.getTime() - ACCOUNT_WINDOW_MS))
    .executeTakeFirst();
  if (Number(account?.n ?? 0) >= MAX_FAILURES_PER_ACCOUNT && account?.first) {
    return { locked: true, retryAfterSeconds: until(account.first, ACCOUNT_WINDOW_MS, now), reason: "account" };
  }
  return OPEN;
}

/** Records an attempt: "refused" = turned away by a throttle before its password was checked. */
export async function recordAttempt(
  db: Kysely<Database>,
  key: LoginKey,
  outcome: "success" | "failure" | "refused",
  now: Date,
): Promise<void> {
  const sdb = securityDb(db);
  await sdb
    .insertInto("login_attempt")
    .values({ ip: key.network, email: key.emailHash, succeeded: outcome === "success", refused: outcome === "refused", at: now })
    .execute();
  // Keep the table small: attempts older than a day are useless for throttling.
  if (Math.random() < 0.05) {
    await sdb
      .deleteFrom("login_attempt")
      .where("at", "<", new Date(now.getTime() - 24 * 3600 * 1000))
      .execute();
  }
}

/** An administrator unlocks an account: its failures, from every address, are forgotten. */
export async function unlockLogin(db: Kysely<Database>, email: string): Promise<void> {
  await securityDb(db)
    .deleteFrom("login_attempt")
    .where("email", "=", sha256Hex(email.trim().toLowerCase()))
    .where("succeeded", "=", false)
    .execute();
  await sql`UPDATE app_user SET failed_logins = 0, locked_until = NULL WHERE email = ${email.trim().toLowerCase()}`.execute(db);
}
