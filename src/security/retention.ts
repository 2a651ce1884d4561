// Retention of personal data. Rule: identification data, NIR and contact details are kept
// 2 years (730 days) after the end of the IAE parcours — or after collection for people who never
// entered one — then the person is anonymised; parcours, contract, hours and exit rows stay (without
// identity) so that statistics do not change — iae-reference §9 (les-emplois privacy page,
// `archive/constants.py`: 730 days). What is kept: birth year, département, civility (sex), education
// level, QPV/ZRR flags, every parcours row. What is erased: names, NIR (cipher and keyed hash), NTT,
// birth date (→ year), address, commune, e-mail, phone, birth country, PASS numbers (cipher, hash,
// last 4), free-text notes of support actions.
// [L] Which date ends the parcours is not fixed by a text: we take the latest of contract exits (or
// planned ends), monthly declarations, exits, support actions, trainings and diagnoses — the record's
// creation when there is none; a person with a contract still open (no exit, planned end unknown or recent) is kept.
import { type Kysely, sql } from "kysely";
import { AUDIT_RETENTION_DAYS, countPrunableAuditRows, pruneAuditTrail } from "../db/auditChain.js";
import type { Database } from "../db/schema.js";

export const RETENTION_DAYS = 730;

/**
 * Import rejections and warnings name a file, a line, a column and a reason; they carry no identifier
 * (errors never echo a NIR, NTT or PASS number), but a rejected line is a person's line. They are kept
 * as long as it takes to correct a delivery and re-import it, then deleted; the run keeps its counts.
 * PASSERELLE_REJECTION_RETENTION_DAYS, default 90.
 */
export const REJECTION_RETENTION_DAYS = 90;

export function rejectionRetentionDaysFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  return positiveDays(env.PASSERELLE_REJECTION_RETENTION_DAYS, "PASSERELLE_REJECTION_RETENTION_DAYS", REJECTION_RETENTION_DAYS);
}

/** The audit trail's own retention (src/db/auditChain.ts): PASSERELLE_AUDIT_RETENTION_DAYS, default 365, at least 180. */
export function auditRetentionDaysFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  return positiveDays(env.PASSERELLE_AUDIT_RETENTION_DAYS, "PASSERELLE_AUDIT_RETENTION_DAYS", AUDIT_RETENTION_DAYS);
}

export function positiveDays(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined || raw.trim() === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} : nombre de jours entier positif attendu (reçu « ${raw} »)`);
  return n;
}

export interface RetentionCandidate {
  personId: number;
  lastActivityOn: string;
}

export interface RetentionReport {
  dryRun: boolean;
  today: string;
  cutoff: string;
  candidates: number;
  anonymised: number;
  people: RetentionCandidate[];
  /** Import rejections older than rejectionRetentionDays: deleted (wet run) or that would be. */
  rejectionsPurged: number;
  /** Audit rows older than auditRetentionDays: deleted (wet run) or that would be. */
  auditRowsPruned: number;
}

export function retentionCutoff(today: string): string {
  const d = new Date(`${today}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || !/^\d{4}-\d{2}-\d{2}$/.test(today)) throw new Error(`Date invalide : ${today} (attendu AAAA-MM-JJ)`);
  return new Date(d.getTime() - RETENTION_DAYS * 86_400_000).toISOString().slice(0, 10);
}

export async function findRetentionCandidates(db: Kysely<Database>, today: string): Promise<RetentionCandidate[]> {
  const cutoff = retentionCutoff(today);
  const rows = await sql<{ id: number; last_activity: string }>`
    WITH activity AS (
      SELECT p.id, coalesce(GREATEST(
        (SELECT max(coalesce(c.exit_on, c.planned_end_on)) FROM contract c WHERE c.person_id = p.id),
        (SELECT max((d.month + interval '1 month' - interval '1 day')::date) FROM monthly_declaration d WHERE d.person_id = p.id),
        (SELECT max(e.exit_on) FROM exit e WHERE e.person_id = p.id),
        (SELECT max(coalesce(s.ends_on, s.starts_on)) FROM support_action s WHERE s.person_id = p.id),
        (SELECT max(coalesce(t.ends_on, t.starts_on)) FROM training t WHERE t.person_id = p.id),
        (SELECT max(g.made_on) FROM eligibility_diagnosis g WHERE g.person_id = p.id)
      ), (p.created_at AT TIME ZONE 'Europe/Paris')::date) AS last_activity
      FROM person p
      WHERE p.anonymised_at IS NULL
        AND NOT EXISTS (
          SELECT 1 FROM contract c
          WHERE c.person_id = p.id AND c.exit_on IS NULL
            AND (c.planned_end_on IS NULL OR c.planned_end_on >= ${cutoff}::date)
        )
    )
    SELECT id, to_char(last_activity, 'YYYY-MM-DD') AS last_activity FROM activity
    WHERE last_activity < ${cutoff}::date
    ORDER BY id`.execute(db);
  return rows.rows.map((r) => ({ personId: Number(r.id), lastActivityOn: r.last_activity }));
}

/** Fields of a fiche salarié complement that identify the person (the situation flags stay, pseudonymous). */
export const FICHE_COMPLEMENT_IDENTITY = [
  "birthCommuneCode",
  "adrNumeroVoie",
  "codeextensionvoie",
  "codetypevoie",
  "adrLibelleVoie",
  "adrCpltDistribution",
  "numeroIDE",
  "nomActeurCreationEntr",
] as const;

const ERASED_FIELDS = [
  "last_name",
  "birth_name",
  "first_name",
  "birth_date",
  "nir_encrypted",
  "nir_hash",
  "ntt",
  "address_line",
  "postal_code",
  "commune_code",
  "email",
  "phone",
  "birth_country_code",
  "approval.number_encrypted",
  "approval.number_hash",
  "approval.number_last4",
  "support_action.notes",
  "asp_person.asp_pph_id",
  "person_asp_id.asp_pph_id",
  ...FICHE_COMPLEMENT_IDENTITY.map((k) => `fiche_salarie_complement.${k}`),
];

/** Anonymise one batch of people (call inside a transaction). */
export async function anonymisePeople(
  db: Kysely<Database>,
  personIds: readonly number[],
  now: Date,
  actorLabel = "retention",
): Promise<number> {
  if (personIds.length === 0) return 0;
  const ids = [...personIds];
  const updated = await db
    .updateTable("person")
    .set({
      birth_year: sql<number>`coalesce(birth_year, extract(year FROM birth_date)::smallint)`,
      birth_date: null,
      last_name: null,
      birth_name: null,
      first_name: null,
      nir_encrypted: null,
      nir_hash: null,
      ntt: null,
      address_line: null,
      postal_code: null,
      commune_code: null,
      email: null,
      phone: null,
      birth_country_code: null,
      anonymised_at: now,
      updated_at: now,
    })
    .where("id", "in", ids)
    .where("anonymised_at", "is", null)
    .executeTakeFirst();
  await db
    .updateTable("approval")
    .set({ number_encrypted: null, number_hash: null, number_last4: null })
    .where("person_id", "in", ids)
    .execute();
  await db.updateTable("support_action").set({ notes: null }).where("person_id", "in", ids).execute();
  // The ASP's person ids: the ASP resolves them to a NIR and a name.
  await sql`DELETE FROM asp_person WHERE person_id = ANY(${sql.val(ids)}::bigint[])`.execute(db);
  await sql`DELETE FROM person_asp_id WHERE person_id = ANY(${sql.val(ids)}::bigint[])`.execute(db);
  await sql`UPDATE fiche_salarie_complement f SET data = f.data - ${sql.val([...FICHE_COMPLEMENT_IDENTITY])}::text[], updated_at = ${now}
    FROM contract c WHERE c.id = f.contract_id AND c.person_id = ANY(${sql.val(ids)}::bigint[])`.execute(db);
  await db
    .insertInto("audit_event")
    .values(
      ids.map((id) => ({
        actor_user_id: null,
        actor_label: actorLabel,
        action: "person.anonymise",
        entity: "person",
        entity_id: String(id),
        person_id: id,
        before: JSON.stringify({ erased: ERASED_FIELDS }),
        after: JSON.stringify({ rule: `${RETENTION_DAYS} jours après la fin du parcours` }),
      })),
    )
    .execute();
  return Number(updated.numUpdatedRows);
}

export const RETENTION_BATCH = 1000;

/** The retention job: dry run by default (nothing written), `wetRun` to anonymise. */
export async function runRetention(
  handle: { db: Kysely<Database>; withTransaction<T>(fn: (tx: { db: Kysely<Database> }) => Promise<T>): Promise<T> },
  options: { today: string; now: Date; wetRun: boolean; rejectionRetentionDays?: number; auditRetentionDays?: number },
): Promise<RetentionReport> {
  const people = await findRetentionCandidates(handle.db, options.today);
  let anonymised = 0;
  if (options.wetRun) {
    for (let i = 0; i < people.length; i += RETENTION_BATCH) {
      const batch = people.slice(i, i + RETENTION_BATCH).map((p) => p.personId);
      anonymised += await handle.withTransaction(({ db }) => anonymisePeople(db, batch, options.now));
    }
  }
  const rejectionsPurged = await purgeImportRejections(
    handle.db,
    options.now,
    options.rejectionRetentionDays ?? REJECTION_RETENTION_DAYS,
    options.wetRun,
  );
  const auditDays = options.auditRetentionDays ?? AUDIT_RETENTION_DAYS;
  const auditRowsPruned = options.wetRun
    ? await handle.withTransaction(({ db }) => pruneAuditTrail(db, auditDays))
    : await countPrunableAuditRows(handle.db, auditDays);
  return {
    dryRun: !options.wetRun,
    today: options.today,
    cutoff: retentionCutoff(options.today),
    candidates: people.length,
    anonymised,
    people,
    rejectionsPurged,
    auditRowsPruned,
  };
}

/** Deletes (or counts, in a dry run) the rejections of import runs started more than `days` days before `now`. */
export async function purgeImportRejections(db: Kysely<Database>, now: Date, days: number, wetRun: boolean): Promise<number> {
  const before = new Date(now.getTime() - days * 86_400_000);
  const old = db.selectFrom("import_run").select("id").where("started_at", "<", before);
  if (!wetRun) {
    const row = await db
      .selectFrom("import_rejection")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("import_run_id", "in", old)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
  const deleted = await db.deleteFrom("import_rejection").where("import_run_id", "in", old).executeTakeFirst();
  return Number(deleted.numDeletedRows);
}
