// Read models of the salariés: the list of a structure (page and CSV/XLSX export) and a salarié's page.
// The page's rows go through the one visibility rule of personal data (personVisibility.ts), as the RGPD
// export does (personExport.ts); diagnosis validity is the domain rule (src/domain/eligibility).
import { type Kysely, sql } from "kysely";
import type { PersonPage, PersonRow } from "../contracts/persons.js";
import { type Actor, type AuditEntry, auditInsertWhen } from "../db/audit.js";
import { prepared } from "../db/preparedStatements.js";
import type { Database } from "../db/schema.js";
import { type Approval, approvalStatus, type ProlongationReason, type SuspensionReason } from "../domain/approvals/approval.js";
import { diffDays, endOfMonth, maxDate } from "../domain/calendar/isoDate.js";
import { isDiagnosisValid } from "../domain/eligibility/diagnosis.js";
import type { Principal } from "../server/auth/principal.js";
import {
  limitedView,
  personAccess,
  seesEligibility,
  visibleContract,
  visibleDeclaration,
  visibleExit,
  visibleSupportRow,
} from "./personVisibility.js";
import { visibleStructure } from "./visibility.js";

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export const PERSON_SORT_COLUMNS = {
  lastName: "p.last_name",
  firstName: "p.first_name",
  contractStart: "cur.starts_on",
  passEndsOn: "ap.ends_on",
} as const;

export interface PersonFilters {
  today: string;
  month: string;
  present?: boolean | undefined;
  undeclared?: boolean | undefined;
  toExit?: boolean | undefined;
  passEndingWithin?: number | undefined;
  q?: string | undefined;
  sort: { key: keyof typeof PERSON_SORT_COLUMNS; direction: "asc" | "desc" };
  limit: number;
  offset: number;
}

/** Salariés of a structure: current (latest) contract there, latest PASS IAE, hours of the month. */
export async function listPersons(
  db: Kysely<Database>,
  principal: Principal,
  target: { type: "structure"; id: number },
  f: PersonFilters,
): Promise<{ items: PersonRow[]; total: number }> {
  const structureId = target.id;
  const { today } = f;
  const monthStart = `${f.month}-01`;
  const monthEnd = endOfMonth(monthStart);
  let base = db
    .selectFrom("person as p")
    .innerJoin(
      (eb) =>
        eb
          .selectFrom("contract")
          .distinctOn("person_id")
          .select(["id", "person_id", "contract_type", "starts_on", "planned_end_on", "exit_on", "rsa"])
          .where("structure_id", "=", structureId)
          .where(visibleStructure(principal, sql.ref("structure_id")))
          .orderBy("person_id")
          .orderBy("starts_on", "desc")
          .orderBy("id", "desc")
          .as("cur"),
      (join) => join.onRef("cur.person_id", "=", "p.id"),
    )
    .leftJoin(
      (eb) =>
        eb
          .selectFrom("approval")
          .distinctOn("person_id")
          .select(["person_id", "number_last4", "starts_on", "ends_on"])
          .orderBy("person_id")
          .orderBy("ends_on", "desc")
          .as("ap"),
      (join) => join.onRef("ap.person_id", "=", "p.id"),
    )
    .leftJoin(
      (eb) =>
        eb
          .selectFrom("monthly_declaration")
          .select(["person_id", (e) => e.fn.sum<string>("hours").as("hours")])
          .where("structure_id", "=", structureId)
          .where("month", "=", monthStart)
          .groupBy("person_id")
          .as("md"),
      (join) => join.onRef("md.person_id", "=", "p.id"),
    );
  const present = (b: typeof base) =>
    b.where("cur.starts_on", "<=", monthEnd).where((eb) => eb.or([eb("cur.exit_on", "is", null), eb("cur.exit_on", ">=", monthStart)]));
  if (f.present) base = present(base);
  if (f.undeclared) base = present(base).where("md.hours", "is", null);
  // A PASS to prolong is the concern of the structure while the salarié works there (no exit before today).
  if (f.passEndingWithin !== undefined) {
    base = base
      .where("ap.ends_on", ">=", today)
      .where("ap.ends_on", "<=", sql<string>`(${today}::date + ${f.passEndingWithin}::int)`)
      .where((eb) => eb.or([eb("cur.exit_on", "is", null), eb("cur.exit_on", ">=", today)]));
  }
  // The last contract there is over and no exit closes the parcours: the exit is to be recorded.
  if (f.toExit) {
    base = base
      .where("cur.exit_on", "is", null)
      .where("cur.planned_end_on", "<", today)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom("exit as x")
              .select("x.id")
              .whereRef("x.person_id", "=", "p.id")
              .where("x.structure_id", "=", structureId)
              .whereRef("x.exit_on", ">=", "cur.starts_on"),
          ),
        ),
      );
  }
  if (f.q) {
    const term = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    base = base.where((eb) => eb.or([eb("p.last_name", "ilike", term), eb("p.first_name", "ilike", term)]));
  }
  const [count, rows] = await Promise.all([
    base.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
    base
      .select([
        "p.id",
        "p.last_name",
        "p.first_name",
        "p.birth_year",
        "p.birth_date",
        "cur.id as contract_id",
        "cur.contract_type",
        "cur.starts_on",
        "cur.planned_end_on",
        "cur.exit_on",
        "cur.rsa",
        "ap.number_last4",
        "ap.ends_on as pass_ends_on",
        "md.hours",
      ])
      .orderBy(sql.ref(PERSON_SORT_COLUMNS[f.sort.key]), (ob) =>
        f.sort.direction === "asc" ? ob.asc().nullsLast() : ob.desc().nullsLast(),
      )
      .orderBy("p.id")
      .limit(f.limit)
      .offset(f.offset)
      .execute(),
  ]);
  const items = rows.map((r) => ({
    id: Number(r.id),
    lastName: r.last_name,
    firstName: r.first_name,
    birthYear: r.birth_year ?? (r.birth_date ? Number(String(r.birth_date).slice(0, 4)) : null),
    rsa: r.rsa,
    contractId: Number(r.contract_id),
    contractType: r.contract_type,
    contractStart: r.starts_on,
    contractPlannedEnd: r.planned_end_on,
    exitOn: r.exit_on,
    passLast4: r.number_last4,
    passEndsOn: r.pass_ends_on,
    passRemainingDays: r.pass_ends_on && r.pass_ends_on >= today ? diffDays(today, r.pass_ends_on) + 1 : null,
    hoursThisMonth: num(r.hours),
  }));
  return { items, total: Number(count.n) };
}

/** The salarié page's single statement: the person and one JSON array per section (dates as 'YYYY-MM-DD'). */
interface PersonPageRow {
  id: number;
  last_name: string;
  first_name: string | null;
  birth_year: number | null;
  birth_date: string | null;
  has_nir: boolean;
  diagnoses: { id: number; author_kind: "prescriber" | "siae"; made_on: string; expires_on: string }[];
  criteria: { diagnosis_id: number; code: string; level: number; label: string; certified: boolean }[];
  approvals: { id: number; number_last4: string | null; starts_on: string; ends_on: string; diagnosis_id: number | null }[];
  suspensions: { approval_id: number; starts_on: string; ends_on: string; reason: string }[];
  prolongations: { approval_id: number; starts_on: string; ends_on: string; reason: string }[];
  contracts: {
    id: number;
    recruitment_id: number | null;
    rank: number;
    contract_type: string;
    mesure_code: string;
    starts_on: string;
    planned_end_on: string | null;
    exit_on: string | null;
    weekly_hours: number | null;
    rsa: string;
    structure_id: number;
    structure_name: string;
  }[];
  exits: { recruitment_id: number; exit_on: string; motif_code: number; motif_label: string; category_label: string; grp: string }[];
  hours: { month: string; hours: number; number: string; state: string }[];
  actions: { id: number; kind: string; starts_on: string; ends_on: string | null; hours: number | null }[];
  barriers: { action_id: number; label: string }[];
  trainings: { id: number; title: string; starts_on: string; ends_on: string | null; hours: number | null; qualifying: boolean }[];
}

/**
 * A salarié's page in one statement (one round trip, one snapshot), access check included: `gate` evaluates
 * the person access rule (personAccess, src/server/auth/policies.ts — the one copy, also used by `authorize`);
 * the read's audit row is inserted by this same statement only when access holds (one commit per page view);
 * then each section is a JSON array built by an indexed subquery on person_id, restricted by the visibility
 * rule, read only when access holds. The caller passed personRolePrecheck. `access`: null when no such person,
 * false outside the caller's scope (no page, no audit row).
 */
export async function personPage(
  db: Kysely<Database>,
  principal: Principal,
  target: { type: "person"; id: number },
  options: { today: string; audit: { actor: Actor; entry: AuditEntry } },
): Promise<{ access: boolean | null; page: PersonPage | null }> {
  const { today } = options;
  const eligibility = seesEligibility(principal) ? sql`true` : sql`false`;
  const audit = auditInsertWhen(db, options.audit.actor, options.audit.entry, sql<boolean>`EXISTS (SELECT 1 FROM gate WHERE gate.allowed)`);
  const page = await prepared(sql<PersonPageRow & { allowed: boolean }>`
    WITH gate AS (SELECT p.id, ${personAccess(principal, sql.ref("p.id"))} AS allowed FROM person p WHERE p.id = ${target.id}),
      audit AS (${audit})
    SELECT gate.allowed, p.id, p.last_name, p.first_name, p.birth_year, p.birth_date, p.nir_hash IS NOT NULL AS has_nir,
      (SELECT coalesce(json_agg(x ORDER BY x.made_on DESC), '[]') FROM (
         SELECT id, author_kind, made_on, expires_on FROM eligibility_diagnosis WHERE person_id = p.id AND ${eligibility}) x) AS diagnoses,
      (SELECT coalesce(json_agg(x ORDER BY x.level, x.label), '[]') FROM (
         SELECT dc.diagnosis_id, c.code, c.level, c.label, dc.certified
         FROM eligibility_diagnosis_criterion dc
         JOIN eligibility_diagnosis d ON d.id = dc.diagnosis_id
         JOIN ref_eligibility_criterion c ON c.code = dc.criterion_code
         WHERE d.person_id = p.id AND ${eligibility}) x) AS criteria,
      (SELECT coalesce(json_agg(x ORDER BY x.starts_on DESC), '[]') FROM (
         SELECT id, number_last4, starts_on, ends_on, diagnosis_id FROM approval WHERE person_id = p.id) x) AS approvals,
      (SELECT coalesce(json_agg(x ORDER BY x.starts_on), '[]') FROM (
         SELECT s.approval_id, s.starts_on, s.ends_on, s.reason
         FROM approval_suspension s JOIN approval a ON a.id = s.approval_id WHERE a.person_id = p.id) x) AS suspensions,
      (SELECT coalesce(json_agg(x ORDER BY x.starts_on), '[]') FROM (
         SELECT s.approval_id, s.starts_on, s.ends_on, s.reason
         FROM approval_prolongation s JOIN approval a ON a.id = s.approval_id WHERE a.person_id = p.id) x) AS prolongations,
      (SELECT coalesce(json_agg(x ORDER BY x.starts_on, x.rank), '[]') FROM (
         SELECT c.id, c.recruitment_id, c.rank, c.contract_type, c.mesure_code, c.starts_on, c.planned_end_on, c.exit_on,
           c.weekly_hours, c.rsa, c.structure_id, s.name AS structure_name
         FROM contract c JOIN structure s ON s.id = c.structure_id
         WHERE c.person_id = p.id AND ${visibleContract(principal, "c")}) x) AS contracts,
      (SELECT coalesce(json_agg(x), '[]') FROM (
         SELECT e.recruitment_id, e.exit_on, e.motif_code, m.label AS motif_label, c.label AS category_label, c.grp
         FROM exit e JOIN ref_exit_motif m ON m.code = e.motif_code JOIN ref_exit_category c ON c.code = m.category_code
         WHERE e.person_id = p.id AND ${visibleExit(principal, "e")}) x) AS exits,
      (SELECT coalesce(json_agg(x ORDER BY x.month DESC), '[]') FROM (
         SELECT d.month, d.hours, a.number, d.state
         FROM monthly_declaration d JOIN financial_annex a ON a.id = d.annex_id
         WHERE d.person_id = p.id AND ${visibleDeclaration(principal, "d")} ORDER BY d.month DESC LIMIT 60) x) AS hours,
      (SELECT coalesce(json_agg(x ORDER BY x.starts_on DESC), '[]') FROM (
         SELECT sa.id, sa.kind, sa.starts_on, sa.ends_on, sa.hours FROM support_action sa
         WHERE sa.person_id = p.id AND ${visibleSupportRow(principal, "sa")}) x) AS actions,
      (SELECT coalesce(json_agg(x), '[]') FROM (
         SELECT b.action_id, r.label
         FROM support_action_barrier b JOIN support_action sa ON sa.id = b.action_id JOIN ref_barrier r ON r.code = b.barrier_code
         WHERE sa.person_id = p.id AND ${visibleSupportRow(principal, "sa")}) x) AS barriers,
      (SELECT coalesce(json_agg(x ORDER BY x.starts_on DESC), '[]') FROM (
         SELECT t.id, t.title, t.starts_on, t.ends_on, t.hours, t.qualifying FROM training t
         WHERE t.person_id = p.id AND ${visibleSupportRow(principal, "t")}) x) AS trainings
    FROM gate LEFT JOIN person p ON gate.allowed AND p.id = gate.id`).execute(db);
  const p = page.rows[0];
  if (!p?.allowed) return { access: p ? p.allowed : null, page: null };
  const { diagnoses, criteria, approvals, suspensions, prolongations, contracts, exits, hours, actions, barriers, trainings } = p;
  const chains = new Map<number, typeof contracts>();
  for (const c of contracts) {
    const key = Number(c.recruitment_id ?? c.id);
    chains.set(key, [...(chains.get(key) ?? []), c]);
  }
  const view: PersonPage = {
    id: Number(p.id),
    lastName: p.last_name,
    firstName: p.first_name,
    birthYear: p.birth_year ?? (p.birth_date ? Number(String(p.birth_date).slice(0, 4)) : null),
    hasNir: p.has_nir,
    limited: limitedView(principal),
    diagnoses: diagnoses.map((d) => {
      // Rule: a diagnosis stays valid while a PASS issued on it is — iae-reference §4.2 (src/domain/eligibility/diagnosis.ts).
      const issued = approvals.filter((a) => Number(a.diagnosis_id) === Number(d.id)).sort((a, b) => (a.ends_on < b.ends_on ? 1 : -1))[0];
      const valid = isDiagnosisValid(
        {
          author: d.author_kind === "prescriber" ? "PRESCRIBER" : "SIAE",
          createdAt: d.made_on,
          approval: issued ? { startAt: issued.starts_on, endAt: issued.ends_on } : null,
        },
        today,
      );
      return {
        id: Number(d.id),
        authorKind: d.author_kind,
        madeOn: d.made_on,
        expiresOn: d.expires_on,
        valid,
        criteria: criteria
          .filter((c) => Number(c.diagnosis_id) === Number(d.id))
          .map((c) => ({ code: c.code, level: c.level, label: c.label, certified: c.certified })),
      };
    }),
    approvals: approvals.map((a) => {
      const domain: Approval = {
        startAt: a.starts_on,
        endAt: a.ends_on,
        suspensions: suspensions
          .filter((s) => Number(s.approval_id) === Number(a.id))
          .map((s) => ({ startAt: s.starts_on, endAt: s.ends_on, reason: s.reason as SuspensionReason })),
        prolongations: prolongations
          .filter((s) => Number(s.approval_id) === Number(a.id))
          .map((s) => ({ startAt: s.starts_on, endAt: s.ends_on, reason: s.reason as ProlongationReason, requestedAt: s.starts_on })),
      };
      return {
        id: Number(a.id),
        numberLast4: a.number_last4,
        startsOn: a.starts_on,
        endsOn: a.ends_on,
        // Rule: status and remaining days from the PASS end (already pushed back by suspensions
        // and prolongations) — iae-reference §5, src/domain/approvals.
        status: approvalStatus(domain, today),
        remainingDays: today > a.ends_on ? 0 : diffDays(maxDate(today, a.starts_on), a.ends_on) + 1,
        suspensions: domain.suspensions.map((s) => ({ startsOn: s.startAt, endsOn: s.endAt, reason: s.reason })),
        prolongations: domain.prolongations.map((s) => ({ startsOn: s.startAt, endsOn: s.endAt, reason: s.reason })),
      };
    }),
    recruitments: [...chains.entries()].map(([id, chain]) => {
      const first = chain[0]!;
      const exit = exits.find((e) => Number(e.recruitment_id) === id);
      return {
        id,
        structureId: Number(first.structure_id),
        structureName: first.structure_name,
        contracts: chain.map((c) => ({
          id: Number(c.id),
          rank: c.rank,
          type: c.contract_type,
          mesure: c.mesure_code,
          startsOn: c.starts_on,
          plannedEndOn: c.planned_end_on,
          exitOn: c.exit_on,
          weeklyHours: num(c.weekly_hours),
          rsa: c.rsa,
        })),
        exit: exit
          ? {
              exitOn: exit.exit_on,
              motifCode: exit.motif_code,
              motifLabel: exit.motif_label,
              categoryLabel: exit.category_label,
              group: exit.grp,
            }
          : null,
      };
    }),
    monthlyHours: hours.map((h) => ({ month: String(h.month).slice(0, 7), hours: Number(h.hours), annexNumber: h.number, state: h.state })),
    supportActions: actions.map((a) => ({
      id: Number(a.id),
      kind: a.kind,
      startsOn: a.starts_on,
      endsOn: a.ends_on,
      hours: num(a.hours),
      barriers: barriers.filter((b) => Number(b.action_id) === Number(a.id)).map((b) => b.label),
    })),
    trainings: trainings.map((t) => ({
      id: Number(t.id),
      title: t.title,
      startsOn: t.starts_on,
      endsOn: t.ends_on,
      hours: num(t.hours),
      qualifying: t.qualifying,
    })),
  };
  return { access: true, page: view };
}
