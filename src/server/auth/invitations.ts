// Membership invitations: a structure admin invites an e-mail address; the link carries a
// random token (only its SHA-256 is stored) and expires after INVITATION_TTL_DAYS.
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import { randomToken, sha256Hex } from "./sessions.js";

export const INVITATION_TTL_DAYS = 7;

export type InvitationState = "pending" | "expired" | "accepted";

export interface InvitationRow {
  id: number;
  email: string;
  structureId: number;
  structureName: string;
  isAdmin: boolean;
  expiresAt: Date;
  acceptedAt: Date | null;
}

export function invitationState(inv: { expiresAt: Date; acceptedAt: Date | null }, now: Date): InvitationState {
  if (inv.acceptedAt) return "accepted";
  return inv.expiresAt.getTime() <= now.getTime() ? "expired" : "pending";
}

export async function createInvitation(
  db: Kysely<Database>,
  input: { email: string; structureId: number; isAdmin: boolean; invitedBy: number | null },
  now: Date,
): Promise<{ id: number; token: string; expiresAt: Date }> {
  const token = randomToken();
  const expiresAt = new Date(now.getTime() + INVITATION_TTL_DAYS * 24 * 3600 * 1000);
  const row = await db
    .insertInto("invitation")
    .values({
      token_hash: sha256Hex(token),
      email: input.email,
      structure_id: input.structureId,
      is_admin: input.isAdmin,
      invited_by: input.invitedBy,
      expires_at: expiresAt,
      created_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { id: Number(row.id), token, expiresAt };
}

export async function findInvitation(db: Kysely<Database>, token: string, forUpdate = false): Promise<InvitationRow | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  let query = db
    .selectFrom("invitation as i")
    .innerJoin("structure as s", "s.id", "i.structure_id")
    .select(["i.id", "i.email", "i.structure_id", "s.name", "i.is_admin", "i.expires_at", "i.accepted_at"])
    .where("i.token_hash", "=", sha256Hex(token));
  if (forUpdate) query = query.forUpdate("i");
  const row = await query.executeTakeFirst();
  if (!row) return null;
  return {
    id: Number(row.id),
    email: row.email,
    structureId: Number(row.structure_id),
    structureName: row.name,
    isAdmin: row.is_admin,
    expiresAt: row.expires_at,
    acceptedAt: row.accepted_at,
  };
}
