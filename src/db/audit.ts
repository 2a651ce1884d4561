// Audit trail (issue 8): every write — and every read of a salarié's personal page or personal-data
// export — appends one row to audit_event (append-only, enforced by a trigger). Call it inside the
// same transaction as the write it describes. Never put clear NIR / PASS numbers in before/after.
import type { Kysely } from "kysely";
import type { Database } from "./schema.js";

export interface Actor {
  userId: number | null;
  /** e-mail of the user, or "cli", "import", "demo", "system". */
  label: string;
  ip?: string | null;
}

export const SYSTEM_ACTOR: Actor = { userId: null, label: "system" };

export interface AuditEntry {
  action: string;
  entity: string;
  entityId?: string | number | null;
  personId?: number | null;
  structureId?: number | null;
  before?: unknown;
  after?: unknown;
}

const SECRET_FIELDS = /^(nir|nir_encrypted|number_encrypted|password_hash|password|token|ntt)$/i;

/** Remove secret fields from a before/after snapshot. */
export function redactForAudit(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(redactForAudit);
  if (typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SECRET_FIELDS.test(k) ? "[chiffré]" : redactForAudit(v)]),
    );
  }
  return value;
}

/** The INSERT of one audit row, not executed: embed it in the statement it describes (a WITH clause) for one commit. */
export function auditInsert(db: Kysely<Database>, actor: Actor, entry: AuditEntry) {
  return db.insertInto("audit_event").values({
    actor_user_id: actor.userId,
    actor_label: actor.label,
    action: entry.action,
    entity: entry.entity,
    entity_id: entry.entityId === undefined || entry.entityId === null ? null : String(entry.entityId),
    person_id: entry.personId ?? null,
    structure_id: entry.structureId ?? null,
    before: entry.before === undefined ? null : JSON.stringify(redactForAudit(entry.before)),
    after: entry.after === undefined ? null : JSON.stringify(redactForAudit(entry.after)),
    ip: actor.ip ?? null,
  });
}

export async function recordAudit(db: Kysely<Database>, actor: Actor, entry: AuditEntry): Promise<void> {
  await auditInsert(db, actor, entry).execute();
}
