// Raw figures of a scope and a period, read from the rollups and small tables (never the monthly rows of
// whole years): the SQL twin of src/domain/indicators (formulas, exitHours, fundingLines, structureCreation).
// Amounts/ETP are exact numeric strings (unrounded); callers round.
import { type Kysely, sql } from "kysely";
import type { Database } from "../db/schema.js";
import { monthKeysBetween } from "../domain/calendar/isoDate.js";
import type { ExitCounts } from "../domain/exits/examined.js";
import { addProrated, type ProratedAmount } from "../domain/indicators/proration.js";
import type { Period } from "../domain/indicators/records.js";
import { lastTwoYearsStart } from "../domain/indicators/structureCreation.js";
import { SIAE_KINDS, type SiaeKind } from "../domain/structures/kinds.js";
import { countingCtes } from "./countingAnnexes.js";
import type { Scope } from "./scope.js";

export interface StructureFigures {
  structureId: number;
  name: string;
  kind: SiaeKind;
  departement: string;
  etpConventionnes: string;
  etpRealises: string;
  /** Σ amount × months inside, by AF months (exact; see domain proration.ts). */
  budgetTotal: ProratedAmount;
  budgetCofinanced: ProratedAmount;
  modulated: ProratedAmount;
  exits: ExitCounts;
}

export interface RawFigures {
  structuresAt: Record<SiaeKind, number>;
  createdLast2Years: number;
  createdInPeriod: Record<SiaeKind, number>;
  perStructure: StructureFigures[];
  /** Funding line code → prorated amount (exact numerators). */
  fundingLines: Map<string, ProratedAmount>;
  present: number;
  entered: number;
  rsaEntered: number;
}

export interface FigureParams {
  scope: Scope;
  period: Period;
  /** Observation date of the structure counts. */
  at: string;
  kind?: SiaeKind;
}

const byKind = () => Object.fromEntries(SIAE_KINDS.map((k) => [k, 0])) as Record<SiaeKind, number>;
const monthStart = (isoDate: string) => `${isoDate.slice(0, 7)}-01`;

/**
 * Ranges of month starts of the period split into whole calendar years (read from rollup_person_year)
 * and edge months (read from monthly_declaration).
 */
export function splitYears(period: Period): { years: [number, number] | null; edges: [string, string][] } {
  const months = monthKeysBetween(period.from, period.to);
  const full = new Set<number>();
  for (const m of months) {
    const y = Number(m.slice(0, 4));
    if (m.endsWith("-01") && months.includes(`${y}-12`)) full.add(y);
  }
  const years = [...full].sort((a, b) => a - b);
  const edgeMonths = months.filter((m) => !full.has(Number(m.slice(0, 4))));
  const edges: [string, string][] = [];
  for (const m of edgeMonths) {
    const last = edges.at(-1);
    const prevMonth = last ? last[1] : null;
    const start = `${m}-01`;
    if (last && prevMonth !== null && nextMonth(prevMonth) === start) last[1] = start;
    else edges.push([start, start]);
  }
  const first = years[0];
  const lastYear = years.at(-1);
  return { years: first === undefined || lastYear === undefined ? null : [first, lastYear], edges };
}

function nextMonth(monthStartDate: string): string {
  const y = Number(monthStartDate.slice(0, 4));
  const m = Number(monthStartDate.slice(5, 7));
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
}

export async function queryFigures(db: Kysely<Database>, p: FigureParams): Promise<RawFigures> {
  const ctes = countingCtes(p.scope, p.period, p.kind);
  const from = sql`${p.period.from}::date`;
  const to = sql`${p.period.to}::date`;
  const fromMonth = sql`${monthStart(p.period.from)}::date`;
  const at = sql`${p.at}::date`;

  // Structures conventioned at `at` (a counting AF covers it), those created in the last two years, created in the period.
  const structuresAt = byKind();
  let createdLast2Years = 0;
  const st = await sql<{ kind: SiaeKind; n: number; created: number }>`
    WITH ${ctes}
    SELECT s.kind, count(DISTINCT s.id)::int AS n,
      count(DISTINCT s.id) FILTER (WHERE s.created_on BETWEEN ${lastTwoYearsStart(p.at)}::date AND ${at})::int AS created
    FROM counting c JOIN scoped s ON s.id = c.structure_id
    WHERE ${at} BETWEEN c.starts_on AND c.ends_on GROUP BY s.kind`.execute(db);
  for (const r of st.rows) {
    structuresAt[r.kind] = r.n;
    createdLast2Years += r.created;
  }
  const createdInPeriod = byKind();
  const cr = await sql<{ kind: SiaeKind; n: number }>`
    WITH ${ctes}
    SELECT kind, count(*)::int AS n FROM scoped WHERE created_on BETWEEN ${from} AND ${to} GROUP BY kind`.execute(db);
  for (const r of cr.rows) createdInPeriod[r.kind] = r.n;

  // Additive figures per structure: ETP conventionnés, budget, ETP réalisés (rollup_annex_month), exits (rollup_recruitment_annex).
  const per = await sql<{
    structure_id: number;
    name: string;
    kind: SiaeKind;
    departement_code: string;
    etp_conv: string | null;
    etp_real: string | null;
  }>`
    WITH ${ctes},
    af_agg AS (
      SELECT structure_id, sum(etp * inside) / 12 AS etp_conv FROM counting WHERE inside > 0 GROUP BY structure_id),
    real_agg AS (
      SELECT c.structure_id, sum(r.hours / c.annual_hours) AS etp_real
      FROM rollup_annex_month r JOIN counting c ON c.id = r.annex_id
      WHERE r.month BETWEEN ${fromMonth} AND ${to} GROUP BY c.structure_id)
    SELECT s.id AS structure_id, s.name, s.kind, s.departement_code, a.etp_conv, r.etp_real
    FROM scoped s LEFT JOIN af_agg a ON a.structure_id = s.id LEFT JOIN real_agg r ON r.structure_id = s.id
    WHERE a.structure_id IS NOT NULL OR r.structure_id IS NOT NULL
    ORDER BY s.id`.execute(db);

  // Rule: examined exits — thresholds ACI/EI ≥ 1 h and > 2.65 months (days × 0.0328767), AI/ETTI ≥ 150 h on the last AF,
  // EITI ≥ 1 h; retraits and mesures not counting for posts excluded — iae-reference §6.3 (twin: exitRecordsFor + countExaminedExits)
  const ex = await sql<{ structure_id: number; grp: keyof ExitCounts; n: number }>`
    WITH ${ctes},
    ex AS (
      SELECT e.id, e.structure_id, e.recruitment_id, e.exit_on, s.kind, cat.grp, r0.starts_on AS start_on
      FROM exit e JOIN scoped s ON s.id = e.structure_id
      JOIN contract r0 ON r0.id = e.recruitment_id
      JOIN ref_mesure m ON m.code = r0.mesure_code AND m.counts_for_posts
      JOIN ref_exit_motif mo ON mo.code = e.motif_code
      JOIN ref_exit_category cat ON cat.code = mo.category_code
      WHERE e.exit_on BETWEEN ${from} AND ${to} AND cat.grp <> 'retrait'),
    per_af AS (
      SELECT ex.*, ra.hours, c.starts_on AS af_start, max(c.starts_on) OVER (PARTITION BY ex.id) AS last_start
      FROM ex LEFT JOIN rollup_recruitment_annex ra ON ra.recruitment_id = ex.recruitment_id
      LEFT JOIN counting c ON c.id = ra.annex_id),
    h AS (
      SELECT id, structure_id, grp, kind, exit_on, start_on,
        coalesce(sum(hours) FILTER (WHERE af_start IS NOT NULL), 0) AS all_hours,
        coalesce(sum(hours) FILTER (WHERE af_start = last_start), 0) AS last_hours
      FROM per_af GROUP BY id, structure_id, grp, kind, exit_on, start_on)
    SELECT structure_id, grp, count(*)::int AS n
    FROM h
    WHERE CASE
      WHEN kind IN ('ACI', 'EI') THEN all_hours >= 1 AND (exit_on - start_on) * 0.0328767 > 2.65
      WHEN kind IN ('AI', 'ETTI') THEN last_hours >= 150
      ELSE all_hours >= 1 END
    GROUP BY structure_id, grp`.execute(db);
  const exitsOf = new Map<number, ExitCounts>();
  for (const r of ex.rows) {
    const c = exitsOf.get(r.structure_id) ?? { examined: 0, durable: 0, transition: 0, positive: 0, other: 0 };
    c[r.grp] += r.n;
    c.examined += r.n;
    exitsOf.set(r.structure_id, c);
  }
  const perStructure: StructureFigures[] = per.rows.map((r) => ({
    structureId: r.structure_id,
    name: r.name,
    kind: r.kind,
    departement: r.departement_code,
    etpConventionnes: r.etp_conv ?? "0",
    etpRealises: r.etp_real ?? "0",
    budgetTotal: new Map(),
    budgetCofinanced: new Map(),
    modulated: new Map(),
    exits: exitsOf.get(r.structure_id) ?? { examined: 0, durable: 0, transition: 0, positive: 0, other: 0 },
  }));
  // Structures with exits but no AF in the period still carry their exits.
  const known = new Set(perStructure.map((s) => s.structureId));
  const missing = [...exitsOf.keys()].filter((id) => !known.has(id));
  if (missing.length > 0) {
    const rows = await sql<{ id: number; name: string; kind: SiaeKind; departement_code: string }>`
      SELECT id, name, kind, departement_code FROM structure WHERE id IN (${sql.join(missing.map((id) => sql`${id}::bigint`))}) ORDER BY id`.execute(db);
    for (const r of rows.rows)
      perStructure.push({
        structureId: r.id,
        name: r.name,
        kind: r.kind,
        departement: r.departement_code,
        etpConventionnes: "0",
        etpRealises: "0",
        budgetTotal: new Map(),
        budgetCofinanced: new Map(),
        modulated: new Map(),
        exits: exitsOf.get(r.id) ?? { examined: 0, durable: 0, transition: 0, positive: 0, other: 0 },
      });
  }

  // Rule: budget = Σ counting AF amount × months inside / AF months, rounded at the end — iae-reference §2.4/§10 (twin: budgetForPeriod, proration.ts)
  const byId = new Map(perStructure.map((s) => [s.structureId, s]));
  const am = await sql<{ structure_id: number; months: number; total: string; cof: string; modulated: string }>`
    WITH ${ctes}
    SELECT structure_id, months, sum(total_amount * inside) AS total, sum(cofinanced_amount * inside) AS cof, sum(modulated_amount * inside) AS modulated
    FROM counting WHERE inside > 0 GROUP BY structure_id, months`.execute(db);
  for (const r of am.rows) {
    const s = byId.get(r.structure_id);
    if (!s) continue;
    addProrated(s.budgetTotal, r.total, 1, r.months);
    addProrated(s.budgetCofinanced, r.cof, 1, r.months);
    addProrated(s.modulated, r.modulated, 1, r.months);
  }
  const fl = await sql<{ code: string; months: number; amount: string }>`
    WITH ${ctes}
    SELECT f.funding_line_code AS code, c.months, sum(f.amount * c.inside) AS amount
    FROM counting c JOIN financial_annex_funding f ON f.annex_id = c.id WHERE c.inside > 0
    GROUP BY f.funding_line_code, c.months ORDER BY 1, 2`.execute(db);
  const fundingLines = new Map<string, ProratedAmount>();
  for (const r of fl.rows) {
    const acc = fundingLines.get(r.code) ?? new Map();
    addProrated(acc, r.amount, 1, r.months);
    fundingLines.set(r.code, acc);
  }

  // Rule: people present = distinct persons with ≥ 1 h over the period on counting AFs — iae-reference §3.2/§10
  const { years, edges } = splitYears(p.period);
  const parts = [];
  if (years !== null)
    parts.push(sql`SELECT py.person_id, py.hours FROM rollup_person_year py JOIN counting c ON c.id = py.annex_id WHERE py.year BETWEEN ${years[0]} AND ${years[1]}`);
  for (const [a, b] of edges)
    parts.push(sql`SELECT d.person_id, d.hours FROM monthly_declaration d JOIN counting c ON c.id = d.annex_id WHERE d.month BETWEEN ${a}::date AND ${b}::date`);
  const present =
    parts.length === 0
      ? 0
      : ((
          await sql<{ n: number }>`
      WITH ${ctes}
      SELECT count(*)::int AS n FROM (
        SELECT person_id FROM (${sql.join(parts, sql` UNION ALL `)}) x GROUP BY person_id HAVING sum(hours) >= 1) p`.execute(db)
        ).rows[0]?.n ?? 0);

  // Rule: people entered = distinct persons with an initial contract (rank 0) hired in the period, mesure counting for posts; RSA share among them — iae-reference §10
  const en = await sql<{ entered: number; rsa: number }>`
    WITH ${ctes}
    SELECT count(DISTINCT c.person_id)::int AS entered,
      count(DISTINCT c.person_id) FILTER (WHERE c.rsa IN ('OUI-M', 'OUI-NM'))::int AS rsa
    FROM contract c JOIN scoped s ON s.id = c.structure_id JOIN ref_mesure m ON m.code = c.mesure_code AND m.counts_for_posts
    WHERE c.rank = 0 AND c.starts_on BETWEEN ${from} AND ${to}`.execute(db);

  return {
    structuresAt,
    createdLast2Years,
    createdInPeriod,
    perStructure,
    fundingLines,
    present,
    entered: en.rows[0]?.entered ?? 0,
    rsaEntered: en.rows[0]?.rsa ?? 0,
  };
}
