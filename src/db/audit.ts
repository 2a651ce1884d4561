// Audit trail: every write — and every read of a salarié's personal page or personal-data export, and
// every bulk export of personal data — appends one row to audit_event (append-only, hash-chained:
// migration 0460, src/db/auditChain.ts). Call it inside the same transaction as the write it describes.
// The trail outlives the people it mentions (its own retention, longer than nothing, shorter than
// forever), so it never holds an identity: before/after keep the NAMES of personal fields with a marker
// instead of their values (a person is found through person_id, which anonymisation leaves without
// identity). Secrets (NIR, NTT, PASS numbers, passwords, tokens, e-mail, phone) are masked in every
// entry; the other identity fields (names, birth date, address, notes, ASP ids…) in every entry about a
// person (personId set or entity "person").
import { type Kysely, type RawBuilder, sql } from "kysely";
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

/** What a masked field holds in the trail: the field was given (null stays null: an empty field says nothing). */
export const AUDIT_MASK = "[masqué]";

/** Field names compared without case, `_` or `-`: lastName = last_name = LASTNAME. */
const key = (name: string) => name.toLowerCase().replace(/[_-]/g, "");

const SECRET_FIELDS = new Set(
  [
    "nir",
    "nir_encrypted",
    "nir_hash",
    "ntt",
    "pass_number",
    "number_encrypted",
    "number_hash",
    "number_last4",
    "password",
    "password_hash",
    "token",
    "email",
    "phone",
  ].map(key),
);

const IDENTITY_FIELDS = new Set(
  [
    "last_name",
    "first_name",
    "birth_name",
    "birth_date",
    "birth_country_code",
    "birth_commune_code",
    "address",
    "address_line",
    "postal_code",
    "commune_code",
    "notes",
    "asp_pph_id",
    "pph",
    "numero_ide",
    "adr_numero_voie",
    "adr_libelle_voie",
    "adr_cplt_distribution",
    "codeextensionvoie",
    "codetypevoie",
    "nom_acteur_creation_entr",
  ].map(key),
);

/** A before/after snapshot with personal values replaced by AUDIT_MASK (see the header). */
export function redactForAudit(value: unknown, aboutPerson = false): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((v) => redactForAudit(v, aboutPerson));
  if (typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => {
        const masked = SECRET_FIELDS.has(key(k)) || (aboutPerson && IDENTITY_FIELDS.has(key(k)));
        return [k, masked ? (v === null || v === undefined ? null : AUDIT_MASK) : redactForAudit(v, aboutPerson)];
      }),
    );
  }
  return value;
}

/** The INSERT of one audit row, not executed: embed it in the statement it describes (a WITH clause) for one commit. */
function auditRow(actor: Actor, entry: AuditEntry) {
  const aboutPerson = (entry.personId !== undefined && entry.personId !== null) || entry.entity === "person";
  return {
    actor_user_id: actor.userId,
    actor_label: actor.label,
    action: entry.action,
    entity: entry.entity,
    entity_id: entry.entityId === undefined || entry.entityId === null ? null : String(entry.entityId),
    person_id: entry.personId ?? null,
    structure_id: entry.structureId ?? null,
    before: entry.before === undefined ? null : JSON.stringify(redactForAudit(entry.before, aboutPerson)),
    after: entry.after === undefined ? null : JSON.stringify(redactForAudit(entry.after, aboutPerson)),
    ip: actor.ip ?? null,
  };
}

export function auditInsert(db: Kysely<Database>, actor: Actor, entry: AuditEntry) {
  return db.insertInto("audit_event").values(auditRow(actor, entry));
}

/** Column types of an audit row: INSERT … SELECT does not type its parameters from the target columns. */
const AUDIT_COLUMN_TYPES = {
  actor_user_id: "bigint",
  actor_label: "text",
  action: "text",
  entity: "text",
  entity_id: "text",
  person_id: "bigint",
  structure_id: "bigint",
  before: "jsonb",
  after: "jsonb",
  ip: "text",
} as const;

/** The audit row, inserted only when `condition` holds (a read whose access is checked in the same statement). */
export function auditInsertWhen(db: Kysely<Database>, actor: Actor, entry: AuditEntry, condition: RawBuilder<boolean>) {
  const row = auditRow(actor, entry);
  const columns = Object.keys(AUDIT_COLUMN_TYPES) as (keyof typeof AUDIT_COLUMN_TYPES)[];
  return db
    .insertInto("audit_event")
    .columns(columns)
    .expression(sql`SELECT ${sql.join(columns.map((c) => sql`${row[c]}::${sql.raw(AUDIT_COLUMN_TYPES[c])}`))} WHERE ${condition}`);
}

export async function recordAudit(db: Kysely<Database>, actor: Actor, entry: AuditEntry): Promise<void> {
  await auditInsert(db, actor, entry).execute();
}
