// Server-side sessions (issue 8): the cookie carries a random 256-bit token; the database stores only
// its SHA-256 (user_session.id), so a leaked database dump gives no usable session. Any app instance
// can serve any session. A new token is issued at every login (no session fixation).
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import type { Principal } from "./principal.js";

export const SESSION_COOKIE = "passerelle_session";
/** Absolute lifetime of a session. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** Idle timeout: a session unused for this long is refused. */
export const SESSION_IDLE_MS = 2 * 60 * 60 * 1000;

export const sha256Hex = (value: string): string => createHash("sha256").update(value).digest("hex");
export const randomToken = (): string => randomBytes(32).toString("base64url");

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface SessionInfo {
  sessionId: string;
  csrfToken: string;
  principal: Principal;
}

export async function createSession(
  db: Kysely<Database>,
  userId: number,
  meta: { ip: string | null; userAgent: string | null },
  now: Date,
): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
  const token = randomToken();
  const csrfToken = randomToken();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  // Housekeeping: the user's dead sessions go at each login.
  await db
    .deleteFrom("user_session")
    .where("user_id", "=", userId)
    .where((eb) => eb.or([eb("expires_at", "<=", now), eb("last_seen_at", "<", new Date(now.getTime() - SESSION_IDLE_MS))]))
    .execute();
  await db
    .insertInto("user_session")
    .values({
      id: sha256Hex(token),
      user_id: userId,
      csrf_token: csrfToken,
      created_at: now,
      last_seen_at: now,
      expires_at: expiresAt,
      ip: meta.ip,
      user_agent: meta.userAgent?.slice(0, 300) ?? null,
    })
    .execute();
  return { token, csrfToken, expiresAt };
}

/** The principal of a user (null when the user does not exist or is disabled). */
export async function loadPrincipal(db: Kysely<Database>, userId: number): Promise<Principal | null> {
  const user = await db
    .selectFrom("app_user")
    .select(["id", "email", "display_name", "role", "region_code", "departement_code", "disabled"])
    .where("id", "=", userId)
    .executeTakeFirst();
  if (!user || user.disabled) return null;
  const memberships =
    user.role === "siae"
      ? await db
          .selectFrom("membership")
          .select(["structure_id", "is_admin"])
          .where("user_id", "=", userId)
          .orderBy("structure_id")
          .execute()
      : [];
  return {
    userId: Number(user.id),
    email: user.email,
    displayName: user.display_name,
    role: user.role,
    regionCode: user.region_code,
    departementCode: user.departement_code,
    structureIds: memberships.map((m) => Number(m.structure_id)),
    adminStructureIds: memberships.filter((m) => m.is_admin).map((m) => Number(m.structure_id)),
  };
}

/** The session of a cookie token, or null (unknown, expired, idle too long, user disabled). */
export async function loadSession(db: Kysely<Database>, token: string, now: Date): Promise<SessionInfo | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const id = sha256Hex(token);
  const row = await db
    .selectFrom("user_session")
    .select(["id", "user_id", "csrf_token", "expires_at", "last_seen_at"])
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) return null;
  if (row.expires_at.getTime() <= now.getTime() || now.getTime() - row.last_seen_at.getTime() > SESSION_IDLE_MS) {
    await db.deleteFrom("user_session").where("id", "=", id).execute();
    return null;
  }
  const principal = await loadPrincipal(db, Number(row.user_id));
  if (!principal) return null;
  // Touch at most once a minute (keeps writes low under load).
  if (now.getTime() - row.last_seen_at.getTime() > 60_000) {
    await db.updateTable("user_session").set({ last_seen_at: now }).where("id", "=", id).execute();
  }
  return { sessionId: id, csrfToken: row.csrf_token, principal };
}

export async function destroySession(db: Kysely<Database>, sessionId: string): Promise<void> {
  await db.deleteFrom("user_session").where("id", "=", sessionId).execute();
}

/** "Log out everywhere": every session of the user. Returns how many were closed. */
export async function destroyUserSessions(db: Kysely<Database>, userId: number): Promise<number> {
  const result = await db.deleteFrom("user_session").where("user_id", "=", userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}
