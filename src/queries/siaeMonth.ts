// Read model of the SIAE's home page ("what to do this month"). Each count is read by the read model of
// the page its item links to, with that page's own filters: the declaration grid (declarations.ts), the
// salariés list (persons.ts: PASS ending within 30/90 days, exits to record), the monthly realisation
// (structures.ts), the follow-up work list (followUp.ts), the contrôle files (controleCampaigns.ts). What has no page of its own (hirings whose diagnosis will have expired) is listed
// here, each person linking to his or her page. Visibility in SQL (visibility.ts) in every statement.
import { type Kysely, sql } from "kysely";
import type { SiaeMonth } from "../contracts/siaeMonth.js";
import type { Database } from "../db/schema.js";
import {
  type Approval,
  approvalStatus,
  type ProlongationReason,
  PROLONGATION_RULES,
  type SuspensionReason,
} from "../domain/approvals/approval.js";
import { openProlongationReasons, PROLONGATION_REASON_LABELS } from "../domain/approvals/prolongationReasons.js";
import { declarationDeadline, monthToDeclare } from "../domain/declarations/month.js";
import { diagnosisExpiresAt, isDiagnosisValid } from "../domain/eligibility/diagnosis.js";
import { SIAE_KINDS, type SiaeKind } from "../domain/structures/kinds.js";
import type { Principal } from "../server/auth/principal.js";
import { declarationGrid } from "./declarations.js";
import { structureCampaigns } from "./controleCampaigns.js";
import { followUpWorkList } from "./followUp.js";
import { listPersons, type PersonFilters } from "./persons.js";
import { structureRealisation } from "./structures.js";
import { visibleStructure } from "./visibility.js";

type Target = { type: "structure"; id: number };

/** The filters of the salariés list (page 1, its default sort) for one of its filters. */
function personsFilter(today: string, extra: Partial<PersonFilters>, limit = 1): PersonFilters {
  return { today, month: today.slice(0, 7), sort: { key: "passEndsOn", direction: "asc" }, limit, offset: 0, ...extra };
}

export async function siaeMonth(
  db: Kysely<Database>,
  principal: Principal,
  target: Target,
  today: string,
): Promise<Omit<SiaeMonth, "fiches"> & { fiches: { rejected: number } }> {
  const structure = await db
    .selectFrom("structure")
    .select(["id", "name", "kind"])
    .where("id", "=", target.id)
    .where(visibleStructure(principal, sql.ref("id")))
    .executeTakeFirst();
  if (!structure) throw new Error("structure invisible: the policy let an out-of-scope target through");
  const kind = structure.kind;
  const month = monthToDeclare(today);
  const deadline = declarationDeadline(month);
  const year = Number(month.slice(0, 4));

  // Sequential: one connection on PGlite, and each statement is small.
  const grid = await declarationGrid(db, principal, target, month);
  const pass30 = await listPersons(db, principal, target, personsFilter(today, { passEndingWithin: 30 }));
  const pass90 = await listPersons(db, principal, target, personsFilter(today, { passEndingWithin: 90 }, 100));
  const toExit = await listPersons(db, principal, target, personsFilter(today, { toExit: true }));
  const realisation = await structureRealisation(db, principal, target, year);
  const reasons = await prolongationDetails(
    db,
    principal,
    target,
    pass90.items.map((p) => p.id),
    today,
    kind,
  );
  const diagnoses = await hiringsWithoutDiagnosis(db, principal, target, today);
  const followUps = await followUpWorkList(db, principal, target, today);
  // The structure's own files only (the policy let this structure through); decided ones need nothing more.
  const controle = (await structureCampaigns(db, target.id, today)).flatMap((c) =>
    c.file.state === "decide" ? [] : [{ campaignId: c.id, from: c.from, to: c.to, state: c.file.state, due: c.file.due }],
  );
  // Fiches the ASP's return file rejected (fiche_salarie is outside the Kysely schema: migration 0302).
  const rejected = await sql<{ n: string }>`SELECT count(*) AS n FROM fiche_salarie f
    WHERE f.structure_id = ${target.id} AND f.status = 'REJECTED' AND ${visibleStructure(principal, sql.ref("f.structure_id"))}`.execute(
    db,
  );

  const lines = grid.annexes.flatMap((a) => a.lines.map((l) => ({ ...l, annexId: a.id })));
  const undeclared = lines.filter((l) => l.declarationState !== "VALIDE");
  const inMonth = realisation.months.find((m) => m.month === month);
  const declaredMonths = realisation.months.filter((m) => m.month <= month && m.declarations > 0);
  return {
    structureId: Number(structure.id),
    structureName: structure.name,
    kind,
    today,
    declaration: {
      month,
      deadline,
      late: today > deadline,
      annexes: grid.annexes.length,
      lines: lines.length,
      undeclaredLines: undeclared.length,
      undeclaredPersons: new Set(undeclared.map((l) => l.personId)).size,
      undeclaredAnnexes: new Set(undeclared.map((l) => l.annexId)).size,
    },
    pass: {
      within30: pass30.total,
      within90: pass90.total,
      people: pass90.items
        .filter((p) => p.passEndsOn !== null)
        .map((p) => ({
          personId: p.id,
          lastName: p.lastName,
          firstName: p.firstName,
          passEndsOn: p.passEndsOn ?? "",
          remainingDays: p.passRemainingDays ?? 0,
          reasons: (reasons.get(p.id) ?? []).map((code) => ({
            code,
            label: PROLONGATION_REASON_LABELS[code],
            needsPrescriber: PROLONGATION_RULES[code].needsPrescriber,
          })),
        })),
    },
    diagnoses: { count: diagnoses.length, people: diagnoses },
    exits: { toRecord: toExit.total },
    followUps: { month: followUps.month, due: followUps.due, toEnter: followUps.toEnter },
    controle,
    fiches: { rejected: Number(rejected.rows[0]?.n ?? 0) },
    consumption:
      inMonth && (inMonth.etpConventionnes ?? 0) > 0
        ? {
            year,
            etpConventionnes: inMonth.etpConventionnes,
            months: realisation.months
              .filter((m) => m.month <= month)
              .map((m) => ({
                month: m.month,
                etpRealises: m.etpRealises,
                etpConventionnes: m.etpConventionnes,
                declared: m.declarations > 0,
              })),
            etpRealisesToDate: declaredMonths.length
              ? Math.round((declaredMonths.reduce((s, m) => s + m.etpRealises, 0) / declaredMonths.length) * 100) / 100
              : 0,
          }
        : null,
  };
}

/** The prolongation motives open on `today` to each salarié (domain rule: src/domain/approvals). */
async function prolongationDetails(
  db: Kysely<Database>,
  principal: Principal,
  target: Target,
  personIds: number[],
  today: string,
  kind: string,
) {
  const out = new Map<number, ProlongationReason[]>();
  if (personIds.length === 0 || !(SIAE_KINDS as readonly string[]).includes(kind)) return out;
  const rows = await sql<{
    person_id: number;
    birth_date: string | null;
    birth_year: number | null;
    rqth: boolean;
    starts_on: string;
    ends_on: string;
    suspensions: { starts_on: string; ends_on: string; reason: string }[];
    prolongations: { starts_on: string; ends_on: string; reason: string }[];
  }>`
    SELECT p.id AS person_id, p.birth_date, p.birth_year,
      coalesce((SELECT bool_or(c.rqth) FROM contract c WHERE c.person_id = p.id AND c.structure_id = ${target.id}), false) AS rqth,
      ap.starts_on, ap.ends_on,
      (SELECT coalesce(json_agg(s), '[]') FROM (SELECT starts_on, ends_on, reason FROM approval_suspension WHERE approval_id = ap.id) s) AS suspensions,
      (SELECT coalesce(json_agg(s), '[]') FROM (SELECT starts_on, ends_on, reason FROM approval_prolongation WHERE approval_id = ap.id) s) AS prolongations
    FROM person p
    JOIN LATERAL (SELECT id, starts_on, ends_on FROM approval WHERE person_id = p.id ORDER BY ends_on DESC LIMIT 1) ap ON true
    WHERE p.id IN (${sql.join(personIds)})
      AND EXISTS (SELECT 1 FROM contract c WHERE c.person_id = p.id AND c.structure_id = ${target.id}
                  AND ${visibleStructure(principal, sql.ref("c.structure_id"))})`.execute(db);
  for (const r of rows.rows) {
    const approval: Approval = {
      startAt: r.starts_on,
      endAt: r.ends_on,
      suspensions: r.suspensions.map((s) => ({ startAt: s.starts_on, endAt: s.ends_on, reason: s.reason as SuspensionReason })),
      prolongations: r.prolongations.map((s) => ({
        startAt: s.starts_on,
        endAt: s.ends_on,
        reason: s.reason as ProlongationReason,
        requestedAt: s.starts_on,
      })),
    };
    out.set(
      Number(r.person_id),
      openProlongationReasons(approval, {
        kind: kind as SiaeKind,
        date: today,
        person: { birthDate: r.birth_date, birthYear: r.birth_year, rqth: r.rqth },
      }),
    );
  }
  return out;
}

/**
 * Hirings planned after today (initial contracts starting later) whose salarié will hold, on the first
 * day, neither a valid PASS IAE nor a valid diagnosis (domain rules: approvalStatus, isDiagnosisValid).
 */
async function hiringsWithoutDiagnosis(
  db: Kysely<Database>,
  principal: Principal,
  target: Target,
  today: string,
): Promise<SiaeMonth["diagnoses"]["people"]> {
  const rows = await sql<{
    person_id: number;
    last_name: string | null;
    first_name: string | null;
    starts_on: string;
    diagnoses: { id: number; author_kind: "prescriber" | "siae"; made_on: string }[];
    approvals: { starts_on: string; ends_on: string; diagnosis_id: number | null }[];
  }>`
    SELECT c.person_id, p.last_name, p.first_name, c.starts_on,
      (SELECT coalesce(json_agg(d), '[]') FROM (SELECT id, author_kind, made_on FROM eligibility_diagnosis WHERE person_id = c.person_id) d) AS diagnoses,
      (SELECT coalesce(json_agg(a), '[]') FROM (SELECT starts_on, ends_on, diagnosis_id FROM approval WHERE person_id = c.person_id) a) AS approvals
    FROM contract c JOIN person p ON p.id = c.person_id
    WHERE c.structure_id = ${target.id} AND c.recruitment_id IS NULL AND c.starts_on > ${today}
      AND ${visibleStructure(principal, sql.ref("c.structure_id"))}
    ORDER BY c.starts_on, p.last_name, c.id`.execute(db);
  const out: SiaeMonth["diagnoses"]["people"] = [];
  for (const r of rows.rows) {
    const start = r.starts_on;
    const passValid = r.approvals.some(
      (a) =>
        approvalStatus({ startAt: a.starts_on, endAt: a.ends_on, suspensions: [], prolongations: [] }, start) !== "EXPIRED" &&
        a.starts_on <= start,
    );
    const diagnoses = r.diagnoses.map((d) => {
      const issued = r.approvals.find((a) => Number(a.diagnosis_id) === Number(d.id));
      return {
        author: d.author_kind === "prescriber" ? ("PRESCRIBER" as const) : ("SIAE" as const),
        createdAt: d.made_on,
        approval: issued ? { startAt: issued.starts_on, endAt: issued.ends_on } : null,
      };
    });
    if (passValid || diagnoses.some((d) => isDiagnosisValid(d, start))) continue;
    const latest =
      diagnoses
        .map((d) => diagnosisExpiresAt(d))
        .sort()
        .at(-1) ?? null;
    out.push({
      personId: Number(r.person_id),
      lastName: r.last_name,
      firstName: r.first_name,
      contractStart: start,
      diagnosisExpiresOn: latest,
    });
  }
  return out;
}
