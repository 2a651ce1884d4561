// Server-side sessions: the cookie carries a random 256-bit token; the database stores only
// its SHA-256 (user_session.id), so a leaked database dump gives no usable session. Any app instance
// can serve any session. A new token is issued at every login (no session fixation).
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { type Kysely, sql } from "kysely";
import { prepared } from "../../db/preparedStatements.js";
import type { Database, Role } from "../../db/schema.js";
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
  /** When the session ends if nothing else is seen of it (its expiry, or its idle limit): liveJobReaders.ts. */
  validUntil: Date;
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

interface SessionRow {
  csrf_token: string;
  expires_at: Date;
  last_seen_at: Date;
  user_id: number | string;
  email: string | null;
  display_name: string | null;
  role: Role | null;
  region_code: string | null;
  departement_code: string | null;
  disabled: boolean | null;
  memberships: [number | string, boolean][];
}

/**
 * The session of a cookie token, or null (unknown, expired, idle too long, user disabled).
 * One statement reads the session, its user and the user's memberships (checked at every request, so
 * a revoked session, a disabled user or a removed membership takes effect immediately).
 */
export async function loadSession(db: Kysely<Database>, token: string, now: Date): Promise<SessionInfo | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const id = sha256Hex(token);
  // Run on every authenticated request: prepared (src/db/preparedStatements.ts).
  const result = await prepared(sql<SessionRow>`
    SELECT s.user_id, s.csrf_token, s.expires_at, s.last_seen_at,
      u.email, u.display_name, u.role, u.region_code, u.departement_code, u.disabled,
      CASE WHEN u.role = 'siae' THEN (
        SELECT coalesce(json_agg(json_build_array(m.structure_id, m.is_admin) ORDER BY m.structure_id), '[]')
        FROM membership m WHERE m.user_id = u.id)
      ELSE '[]' END AS memberships
    FROM user_session s LEFT JOIN app_user u ON u.id = s.user_id
    WHERE s.id = ${id}`).execute(db);
  const row = result.rows[0];
  if (!row) return null;
  const expiresAt = new Date(row.expires_at);
  const lastSeenAt = new Date(row.last_seen_at);
  if (expiresAt.getTime() <= now.getTime() || now.getTime() - lastSeenAt.getTime() > SESSION_IDLE_MS) {
    await db.deleteFrom("user_session").where("id", "=", id).execute();
    return null;
  }
  if (row.role === null || row.email === null || row.display_name === null || row.disabled !== false) return null;
  const memberships = typeof row.memberships === "string" ? (JSON.parse(row.memberships) as SessionRow["memberships"]) : row.memberships;
  const principal: Principal = {
    userId: Number(row.user_id),
    email: row.email,
    displayName: row.display_name,
    role: row.role,
    regionCode: row.region_code,
    departementCode: row.departement_code,
    structureIds: memberships.map(([structureId]) => Number(structureId)),
    adminStructureIds: memberships.filter(([, isAdmin]) => isAdmin).map(([structureId]) => Number(structureId)),
  };
  // Touch at most once a minute (keeps writes low under load).
  let seen = lastSeenAt;
  if (now.getTime() - lastSeenAt.getTime() > 60_000) {
    await db.updateTable("user_session").set({ last_seen_at: now }).where("id", "=", id).execute();
    seen = now;
  }
  const validUntil = new Date(Math.min(expiresAt.getTime(), seen.getTime() + SESSION_IDLE_MS));
  return { sessionId: id, csrfToken: row.csrf_token, principal, validUntil };
}

export async function destroySession(db: Kysely<Database>, sessionId: string): Promise<void> {
  await db.deleteFrom("user_session").where("id", "=", sessionId).execute();
}

/** "Log out everywhere": every session of the user. Returns how many were closed. */
export async function destroyUserSessions(db: Kysely<Database>, userId: number): Promise<number> {
  const result = await db.deleteFrom("user_session").where("user_id", "=", userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}
