// Salariés: the list of a structure (filters: present this month, PASS IAE ending within 30/90 days,
// no declaration this month; sort, pagination, CSV/XLSX) and a salarié's page (eligibility, PASS IAE
// timeline, contract chains, monthly hours, support actions, trainings, exits).
// NIR and PASS numbers are never returned in clear: only whether a NIR is stored and the PASS's last 4.
import { sql } from "kysely";
import { z } from "zod";
import { type Approval, approvalStatus, type ProlongationReason, type SuspensionReason } from "../../domain/approvals/approval.js";
import { diffDays, endOfMonth, maxDate } from "../../domain/calendar/isoDate.js";
import { auditInsert } from "../../db/audit.js";
import { actorOf } from "../auth/plugin.js";
import type { RouteModule } from "../context.js";
import { sendExport } from "../lists/exportList.js";
import { listQuerySchema, pageSchema, parseSort, window } from "../lists/listQuery.js";
import { sendProblem } from "../problem.js";

const monthKey = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "Mois attendu au format AAAA-MM.");
const StructureParams = z.object({ structureId: z.coerce.number().int().positive() });
const PersonParams = z.object({ personId: z.coerce.number().int().positive() });
const flag = z.enum(["true", "false"]).transform((v) => v === "true");

const SORT_COLUMNS = {
  lastName: "p.last_name",
  firstName: "p.first_name",
  contractStart: "cur.starts_on",
  passEndsOn: "ap.ends_on",
} as const;
const ListQuery = listQuerySchema(["lastName", "firstName", "contractStart", "passEndsOn"], "lastName").extend({
  month: monthKey.optional(),
  present: flag.optional(),
  passEndingWithin: z.coerce.number().int().refine((n) => n === 30 || n === 90, "30 ou 90 jours.").optional(),
  undeclared: flag.optional(),
  q: z.string().trim().max(100).optional(),
});

const PersonRow = z.object({
  id: z.number().int(),
  lastName: z.string().nullable(),
  firstName: z.string().nullable(),
  birthYear: z.number().int().nullable(),
  rsa: z.string().nullable(),
  contractId: z.number().int().nullable(),
  contractType: z.string().nullable(),
  contractStart: z.string().nullable(),
  contractPlannedEnd: z.string().nullable(),
  exitOn: z.string().nullable(),
  passLast4: z.string().nullable(),
  passEndsOn: z.string().nullable(),
  passRemainingDays: z.number().int().nullable(),
  hoursThisMonth: z.number().nullable(),
});
type PersonRow = z.infer<typeof PersonRow>;

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** The salarié page's single statement: the person and one JSON array per section (dates as 'YYYY-MM-DD'). */
interface PersonPageRow {
  id: number;
  last_name: string;
  first_name: string | null;
  birth_year: number | null;
  birth_date: string | null;
  has_nir: boolean;
  diagnoses: { id: number; author_kind: string; made_on: string; expires_on: string }[];
  criteria: { diagnosis_id: number; code: string; level: number; label: string; certified: boolean }[];
  approvals: { id: number; number_last4: string | null; starts_on: string; ends_on: string }[];
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
  hours: { month: string; hours: number; number: string; state: string; structure_id: number }[];
  actions: { id: number; kind: string; starts_on: string; ends_on: string | null; hours: number | null; structure_id: number }[];
  barriers: { action_id: number; label: string }[];
  trainings: { id: number; title: string; starts_on: string; ends_on: string | null; hours: number | null; qualifying: boolean; structure_id: number }[];
}

const routes: RouteModule = async (app, ctx) => {
  const db = ctx.handle.db;

  app.get(
    "/api/v1/structures/:structureId/persons",
    {
      config: { policy: "structure:declare" },
      schema: {
        tags: ["salariés"],
        summary: "Salariés d'une structure (présents, PASS IAE bientôt échu, non déclarés ; export CSV/XLSX)",
        params: StructureParams,
        querystring: ListQuery,
        response: { 200: pageSchema(PersonRow) },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const structureId = request.params.structureId;
      const today = ctx.clock.today();
      const month = q.month ?? today.slice(0, 7);
      const monthStart = `${month}-01`;
      const monthEnd = endOfMonth(monthStart);
      // Current (latest) contract of each person in this structure; the person's latest PASS IAE.
      let base = db
        .selectFrom("person as p")
        .innerJoin(
          (eb) =>
            eb
              .selectFrom("contract")
              .distinctOn("person_id")
              .select(["id", "person_id", "contract_type", "starts_on", "planned_end_on", "exit_on", "rsa"])
              .where("structure_id", "=", structureId)
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
      if (q.present) base = present(base);
      if (q.undeclared) base = present(base).where("md.hours", "is", null);
      if (q.passEndingWithin !== undefined) {
        base = base
          .where("ap.ends_on", ">=", today)
          .where("ap.ends_on", "<=", sql<string>`(${today}::date + ${q.passEndingWithin}::int)`);
      }
      if (q.q) {
        const term = `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        base = base.where((eb) => eb.or([eb("p.last_name", "ilike", term), eb("p.first_name", "ilike", term)]));
      }
      const sort = parseSort<keyof typeof SORT_COLUMNS>(q.sort);
      const { limit, offset } = window(q);
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
          .orderBy(sql.ref(SORT_COLUMNS[sort.key]), (ob) => (sort.direction === "asc" ? ob.asc().nullsLast() : ob.desc().nullsLast()))
          .orderBy("p.id")
          .limit(limit)
          .offset(offset)
          .execute(),
      ]);
      const items: PersonRow[] = rows.map((r) => ({
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
      if (q.format !== "json") {
        return sendExport(reply, q.format, `salaries-${structureId}-${month}`, items, [
          { header: "Nom", value: (r) => r.lastName },
          { header: "Prénom", value: (r) => r.firstName },
          { header: "Année de naissance", value: (r) => r.birthYear },
          { header: "RSA", value: (r) => r.rsa },
          { header: "Contrat", value: (r) => r.contractType },
          { header: "Début du contrat", value: (r) => r.contractStart },
          { header: "Fin prévue", value: (r) => r.contractPlannedEnd },
          { header: "Sortie", value: (r) => r.exitOn },
          { header: "PASS IAE (4 derniers caractères)", value: (r) => r.passLast4 },
          { header: "Fin du PASS IAE", value: (r) => r.passEndsOn },
          { header: "Jours restants", value: (r) => r.passRemainingDays },
          { header: `Heures ${month}`, value: (r) => r.hoursThisMonth, numFmt: "0.00" },
        ]);
      }
      return { items, total: Number(count.n), page: q.page, pageSize: q.pageSize };
    },
  );

  const Dated = { startsOn: z.string(), endsOn: z.string().nullable() };
  const PersonPage = z.object({
    id: z.number().int(),
    lastName: z.string().nullable(),
    firstName: z.string().nullable(),
    birthYear: z.number().int().nullable(),
    hasNir: z.boolean(),
    limited: z.boolean(),
    diagnoses: z.array(
      z.object({
        id: z.number().int(),
        authorKind: z.string(),
        madeOn: z.string(),
        expiresOn: z.string(),
        valid: z.boolean(),
        criteria: z.array(z.object({ code: z.string(), level: z.number().int(), label: z.string(), certified: z.boolean() })),
      }),
    ),
    approvals: z.array(
      z.object({
        id: z.number().int(),
        numberLast4: z.string().nullable(),
        startsOn: z.string(),
        endsOn: z.string(),
        status: z.enum(["VALID", "FUTURE", "SUSPENDED", "EXPIRED"]),
        remainingDays: z.number().int(),
        suspensions: z.array(z.object({ ...Dated, reason: z.string() })),
        prolongations: z.array(z.object({ ...Dated, reason: z.string() })),
      }),
    ),
    recruitments: z.array(
      z.object({
        id: z.number().int(),
        structureId: z.number().int(),
        structureName: z.string(),
        contracts: z.array(
          z.object({
            id: z.number().int(),
            rank: z.number().int(),
            type: z.string(),
            mesure: z.string(),
            startsOn: z.string(),
            plannedEndOn: z.string().nullable(),
            exitOn: z.string().nullable(),
            weeklyHours: z.number().nullable(),
            rsa: z.string(),
          }),
        ),
        exit: z.object({ exitOn: z.string(), motifCode: z.number().int(), motifLabel: z.string(), categoryLabel: z.string(), group: z.string() }).nullable(),
      }),
    ),
    monthlyHours: z.array(z.object({ month: z.string(), hours: z.number(), annexNumber: z.string(), state: z.string() })),
    supportActions: z.array(z.object({ id: z.number().int(), kind: z.string(), ...Dated, hours: z.number().nullable(), barriers: z.array(z.string()) })),
    trainings: z.array(z.object({ id: z.number().int(), title: z.string(), ...Dated, hours: z.number().nullable(), qualifying: z.boolean() })),
  });

  app.get(
    "/api/v1/persons/:personId",
    {
      config: { policy: "person:read", readAudit: "inline" },
      schema: {
        tags: ["salariés"],
        summary: "Page d'un salarié : éligibilité, PASS IAE, contrats, heures, accompagnement, formations, sortie",
        params: PersonParams,
        response: { 200: PersonPage },
      },
    },
    async (request, reply) => {
      const personId = request.params.personId;
      const principal = request.principal!;
      const today = ctx.clock.today();
      // A conseil départemental sees RSA beneficiaries with limited fields (policies.ts, principal.ts).
      const limited = principal.role === "conseil_departemental";
      const visibleStructures = principal.role === "siae" ? principal.structureIds : null;
      // One statement for the whole page (one round trip, one snapshot): each section is a JSON array
      // built by an indexed subquery on person_id (contract, approval, monthly_declaration… _person_idx).
      // The read's audit row (issue 8) is written by this same statement: one commit per page view.
      const audit = request.readAudit;
      if (!audit) throw new Error("person page: the auth plugin prepared no audit entry");
      const page = await sql<PersonPageRow>`
        WITH audit AS (${auditInsert(db, actorOf(request), audit)})
        SELECT p.id, p.last_name, p.first_name, p.birth_year, p.birth_date, p.nir_hash IS NOT NULL AS has_nir,
          (SELECT coalesce(json_agg(x ORDER BY x.made_on DESC), '[]') FROM (
             SELECT id, author_kind, made_on, expires_on FROM eligibility_diagnosis WHERE person_id = p.id) x) AS diagnoses,
          (SELECT coalesce(json_agg(x ORDER BY x.level, x.label), '[]') FROM (
             SELECT dc.diagnosis_id, c.code, c.level, c.label, dc.certified
             FROM eligibility_diagnosis_criterion dc
             JOIN eligibility_diagnosis d ON d.id = dc.diagnosis_id
             JOIN ref_eligibility_criterion c ON c.code = dc.criterion_code
             WHERE d.person_id = p.id) x) AS criteria,
          (SELECT coalesce(json_agg(x ORDER BY x.starts_on DESC), '[]') FROM (
             SELECT id, number_last4, starts_on, ends_on FROM approval WHERE person_id = p.id) x) AS approvals,
          (SELECT coalesce(json_agg(x ORDER BY x.starts_on), '[]') FROM (
             SELECT s.approval_id, s.starts_on, s.ends_on, s.reason
             FROM approval_suspension s JOIN approval a ON a.id = s.approval_id WHERE a.person_id = p.id) x) AS suspensions,
          (SELECT coalesce(json_agg(x ORDER BY x.starts_on), '[]') FROM (
             SELECT s.approval_id, s.starts_on, s.ends_on, s.reason
             FROM approval_prolongation s JOIN approval a ON a.id = s.approval_id WHERE a.person_id = p.id) x) AS prolongations,
          (SELECT coalesce(json_agg(x ORDER BY x.starts_on, x.rank), '[]') FROM (
             SELECT c.id, c.recruitment_id, c.rank, c.contract_type, c.mesure_code, c.starts_on, c.planned_end_on, c.exit_on,
               c.weekly_hours, c.rsa, c.structure_id, s.name AS structure_name
             FROM contract c JOIN structure s ON s.id = c.structure_id WHERE c.person_id = p.id) x) AS contracts,
          (SELECT coalesce(json_agg(x), '[]') FROM (
             SELECT e.recruitment_id, e.exit_on, e.motif_code, m.label AS motif_label, c.label AS category_label, c.grp
             FROM exit e JOIN ref_exit_motif m ON m.code = e.motif_code JOIN ref_exit_category c ON c.code = m.category_code
             WHERE e.person_id = p.id) x) AS exits,
          (SELECT coalesce(json_agg(x ORDER BY x.month DESC), '[]') FROM (
             SELECT d.month, d.hours, a.number, d.state, d.structure_id
             FROM monthly_declaration d JOIN financial_annex a ON a.id = d.annex_id
             WHERE d.person_id = p.id ORDER BY d.month DESC LIMIT 60) x) AS hours,
          (SELECT coalesce(json_agg(x ORDER BY x.starts_on DESC), '[]') FROM (
             SELECT id, kind, starts_on, ends_on, hours, structure_id FROM support_action WHERE person_id = p.id) x) AS actions,
          (SELECT coalesce(json_agg(x), '[]') FROM (
             SELECT b.action_id, r.label
             FROM support_action_barrier b JOIN support_action a ON a.id = b.action_id JOIN ref_barrier r ON r.code = b.barrier_code
             WHERE a.person_id = p.id) x) AS barriers,
          (SELECT coalesce(json_agg(x ORDER BY x.starts_on DESC), '[]') FROM (
             SELECT id, title, starts_on, ends_on, hours, qualifying, structure_id FROM training WHERE person_id = p.id) x) AS trainings
        FROM person p WHERE p.id = ${personId}`.execute(db);
      request.readAuditTaken = true;
      const p = page.rows[0];
      if (!p) return sendProblem(reply, 404, "Ressource introuvable", `Aucun salarié n° ${personId}.`);
      const { diagnoses, criteria, approvals, suspensions, prolongations, contracts, exits, hours, actions, barriers, trainings } = p;
      const inView = (structureId: number) => visibleStructures === null || visibleStructures.includes(Number(structureId));
      const chains = new Map<number, typeof contracts>();
      for (const c of contracts) {
        if (!inView(c.structure_id)) continue;
        const key = Number(c.recruitment_id ?? c.id);
        chains.set(key, [...(chains.get(key) ?? []), c]);
      }
      return {
        id: Number(p.id),
        lastName: p.last_name,
        firstName: p.first_name,
        birthYear: p.birth_year ?? (p.birth_date ? Number(String(p.birth_date).slice(0, 4)) : null),
        hasNir: p.has_nir,
        limited,
        diagnoses: limited
          ? []
          : diagnoses.map((d) => ({
              id: Number(d.id),
              authorKind: d.author_kind,
              madeOn: d.made_on,
              expiresOn: d.expires_on,
              valid: d.made_on <= today && today <= d.expires_on,
              criteria: criteria
                .filter((c) => Number(c.diagnosis_id) === Number(d.id))
                .map((c) => ({ code: c.code, level: c.level, label: c.label, certified: c.certified })),
            })),
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
              ? { exitOn: exit.exit_on, motifCode: exit.motif_code, motifLabel: exit.motif_label, categoryLabel: exit.category_label, group: exit.grp }
              : null,
          };
        }),
        monthlyHours: hours
          .filter((h) => inView(h.structure_id))
          .map((h) => ({ month: String(h.month).slice(0, 7), hours: Number(h.hours), annexNumber: h.number, state: h.state })),
        supportActions: limited
          ? []
          : actions
              .filter((a) => inView(a.structure_id))
              .map((a) => ({
                id: Number(a.id),
                kind: a.kind,
                startsOn: a.starts_on,
                endsOn: a.ends_on,
                hours: num(a.hours),
                barriers: barriers.filter((b) => Number(b.action_id) === Number(a.id)).map((b) => b.label),
              })),
        trainings: limited
          ? []
          : trainings
              .filter((t) => inView(t.structure_id))
              .map((t) => ({ id: Number(t.id), title: t.title, startsOn: t.starts_on, endsOn: t.ends_on, hours: num(t.hours), qualifying: t.qualifying })),
      };
    },
  );
};
export default routes;
