// Raw figures of a scope and a period, read from the rollups and small tables (never the monthly rows of
// whole years): the SQL twin of src/domain/indicators (formulas, exitHours, fundingLines, structureCreation).
// Amounts/ETP are exact numeric strings (unrounded); callers round.
import { type Kysely, type RawBuilder, sql } from "kysely";
import { rsaContractRunning } from "../db/rsa.js";
import type { Database } from "../db/schema.js";
import { monthKeysBetween } from "../domain/calendar/isoDate.js";
import type { ExitCounts } from "../domain/exits/examined.js";
import { addProrated, type ProratedAmount } from "../domain/indicators/proration.js";
import type { Period } from "../domain/indicators/records.js";
import { lastTwoYearsStart } from "../domain/indicators/structureCreation.js";
import { SIAE_KINDS, type SiaeKind } from "../domain/structures/kinds.js";
import { examinedExitRows } from "./examinedExits.js";
import { type Scope, scopeCondition, structureInScope, territoryCondition } from "./scope.js";

/** Sums over the structures of the scope (what the dashboards show), or one structure's figures. */
export interface ScopeTotals {
  etpConventionnes: string;
  etpRealises: string;
  /** Σ amount × months inside, by AF months (exact; see domain proration.ts). */
  budgetTotal: ProratedAmount;
  budgetCofinanced: ProratedAmount;
  modulated: ProratedAmount;
  exits: ExitCounts;
}

const emptyTotals = (): ScopeTotals => ({
  etpConventionnes: "0",
  etpRealises: "0",
  budgetTotal: new Map(),
  budgetCofinanced: new Map(),
  modulated: new Map(),
  exits: { examined: 0, durable: 0, transition: 0, positive: 0, other: 0 },
});

export interface StructureFigures extends ScopeTotals {
  structureId: number;
  name: string;
  kind: SiaeKind;
  departement: string;
}

export interface RawFigures {
  structuresAt: Record<SiaeKind, number>;
  createdLast2Years: number;
  createdInPeriod: Record<SiaeKind, number>;
  totals: ScopeTotals;
  /** Per structure (empty unless asked with `perStructure`: the national list is thousands of rows). */
  perStructure: StructureFigures[];
  /** Funding line code → prorated amount (exact numerators). */
  fundingLines: Map<string, ProratedAmount>;
  present: number;
  /** People present who are RSA beneficiaries (the numerator of people.rsaShare). */
  presentRsa: number;
  entered: number;
  rsaEntered: number;
}

export interface FigureParams {
  scope: Scope;
  period: Period;
  /** Observation date of the structure counts. */
  at: string;
  kind?: SiaeKind;
  /** Also return the figures of each structure (default true). */
  perStructure?: boolean;
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

/**
 * A period's rows read from a yearly rollup for its whole calendar years (`byYears(first, last)`) and from
 * monthly rows for the months around them (`byMonths(from, to)`, one call per run of months).
 */
export function yearsAndMonths(
  period: Period,
  byYears: (first: number, last: number) => RawBuilder<unknown>,
  byMonths: (from: string, to: string) => RawBuilder<unknown>,
): RawBuilder<unknown>[] {
  const { years, edges } = splitYears(period);
  return [...(years === null ? [] : [byYears(years[0], years[1])]), ...edges.map(([a, b]) => byMonths(a, b))];
}

/** The year when the period is exactly one calendar year (people present read from rollup_annex_year), else null. */
function calendarYear(period: Period): number | null {
  const { years, edges } = splitYears(period);
  return years !== null && edges.length === 0 && years[0] === years[1] ? years[0] : null;
}

/**
 * People counted over one calendar year (the period's index p, one row or none): Σ `soloColumn` of the
 * counting annexes (people with a single annex that year, rollup_annex_year) + the people with several annexes
 * that year (rollup_multi_person_year) whose hours on counting annexes reach 1 h and who meet `multiCondition`
 * (an aggregate over their rows py, with c their counting annex).
 */
function oneYearCount(
  p: number,
  period: Period,
  soloColumn: "solo_present" | "solo_present_rsa",
  multiCondition: RawBuilder<unknown>,
): RawBuilder<unknown>[] {
  const year = calendarYear(period);
  if (year === null) return [];
  return [
    sql`SELECT ${p}::int AS p,
      (SELECT coalesce(sum(r.${sql.ref(soloColumn)}), 0) FROM rollup_annex_year r JOIN counting c ON c.id = r.annex_id WHERE r.year = ${year})
      + (SELECT count(*) FROM (
          SELECT py.person_id FROM rollup_multi_person_year mp
          JOIN rollup_person_year py ON py.year = mp.year AND py.person_id = mp.person_id
          JOIN counting c ON c.id = py.annex_id
          WHERE mp.year = ${year} GROUP BY py.person_id HAVING sum(py.hours) >= 1 AND ${multiCondition}) m) AS n`,
  ];
}

function nextMonth(monthStartDate: string): string {
  const y = Number(monthStartDate.slice(0, 4));
  const m = Number(monthStartDate.slice(5, 7));
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
}

/** One period of a multi-period query, with the observation date of its structure counts. */
export interface PeriodAt {
  period: Period;
  at: string;
}

/** Figures of one period (see queryFiguresMany). */
export async function queryFigures(db: Kysely<Database>, p: FigureParams): Promise<RawFigures> {
  const [raw] = await queryFiguresMany(db, p.scope, [{ period: p.period, at: p.at }], p.kind, p.perStructure ?? true);
  if (!raw) throw new Error("queryFigures: no result");
  return raw;
}

const monthIndexOf = (isoDate: string) => Number(isoDate.slice(0, 4)) * 12 + Number(isoDate.slice(5, 7));

/** Whole months (from the 1st to the last day of a month): entries and exits are read from the monthly rollups. */
export function isMonthAligned(period: Period): boolean {
  if (!period.from.endsWith("-01")) return false;
  const last = monthKeysBetween(period.to, period.to)[0];
  if (last === undefined) return false;
  const y = Number(last.slice(0, 4));
  const m = Number(last.slice(5, 7));
  const end = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return Number(period.to.slice(8, 10)) === end;
}

type Json = string | number | null;

/** The first and last day met by the periods and their dates of observation, and their calendar years. */
function periodsHull(items: readonly PeriodAt[]): { from: string; to: string; fromYear: number; toYear: number } {
  const days = items.flatMap(({ period, at }) => [period.from, period.to, at]).sort();
  const from = days[0] ?? "";
  const to = days[days.length - 1] ?? "";
  return { from, to, fromYear: Number(from.slice(0, 4)), toYear: Number(to.slice(0, 4)) };
}

/**
 * Raw figures of several periods of one scope in ONE statement (one round trip): the counting annexes are
 * computed once (materialized) and every figure is grouped by period. Entries and examined exits come from
 * rollup_entry_month / rollup_entry_repeat / rollup_exit_month for whole-month periods, from the base rows
 * otherwise; hours from rollup_annex_month and rollup_person_year (+ monthly rows of partial years).
 */
export async function queryFiguresMany(
  db: Kysely<Database>,
  scope: Scope,
  items: readonly PeriodAt[],
  kind?: SiaeKind,
  perStructure = false,
): Promise<RawFigures[]> {
  if (items.length === 0) return [];
  const periodRows = items.map(
    ({ period, at }, i) =>
      sql`(${i}::int, ${period.from}::date, ${period.to}::date, ${at}::date, ${monthStart(period.from)}::date, ${lastTwoYearsStart(at)}::date, ${monthIndexOf(period.from)}::int, ${monthIndexOf(period.to)}::int)`,
  );
  // Rows of the scope (rollups, annexes): a semi-join on the scoped structures, none for the whole nation.
  const inScope = (column: RawBuilder<unknown>) => structureInScope(column, scope, kind, sql`SELECT id FROM scoped`);
  // Whole months of a territory (nation, région, département) without the per-structure list: the rollups per
  // (month, département, kind), a few rows per département and month instead of one per structure.
  const territory = perStructure ? null : territoryCondition(scope, kind);
  const exitParts = items.map(({ period }, i) =>
    !isMonthAligned(period)
      ? exitsFromRows(i, period)
      : territory
        ? exitsFromRollup(i, period, sql`rollup_exit_scope_month`, territory, false)
        : exitsFromRollup(i, period, sql`rollup_exit_month`, inScope(sql`r.structure_id`), perStructure),
  );
  const entryParts = items.map(({ period }, i) =>
    isMonthAligned(period)
      ? entriesFromRollup(
          i,
          period,
          territory ? sql`rollup_entry_scope_month` : sql`rollup_entry_month`,
          territory ?? inScope(sql`r.structure_id`),
          inScope(sql`x.structure_id`),
        )
      : entriesFromRows(i, period),
  );
  // Hours per counting annex: whole calendar years from rollup_annex_year, other months from rollup_annex_month.
  const hourParts = items.flatMap(({ period }, i) => {
    const parts = yearsAndMonths(
      period,
      (y0, y1) =>
        sql`SELECT ${i}::int AS p, r.annex_id, r.hours FROM rollup_annex_year r JOIN counting c ON c.id = r.annex_id WHERE r.year BETWEEN ${y0} AND ${y1}`,
      (a, b) =>
        sql`SELECT ${i}::int AS p, r.annex_id, r.hours FROM rollup_annex_month r JOIN counting c ON c.id = r.annex_id WHERE r.month BETWEEN ${a}::date AND ${b}::date`,
    );
    return parts.length > 0 ? parts : [sql`SELECT ${i}::int AS p, NULL::bigint AS annex_id, 0::numeric AS hours WHERE false`];
  });
  // Rule: people present = distinct persons with ≥ 1 h over the period on counting AFs — iae-reference §3.2/§10.
  // One calendar year: Σ solo_present of the counting annexes (people with a single annex that year) + the people
  // with several annexes that year (rollup_multi_person_year) whose hours on counting annexes reach 1 h.
  const presentOneYear = items.flatMap(({ period }, i) => oneYearCount(i, period, "solo_present", sql`true`));
  const presentParts = items.flatMap(({ period }, i) =>
    calendarYear(period) !== null
      ? []
      : yearsAndMonths(
          period,
          (y0, y1) =>
            sql`SELECT ${i}::int AS p, py.person_id, py.hours FROM rollup_person_year py JOIN counting c ON c.id = py.annex_id WHERE py.year BETWEEN ${y0} AND ${y1}`,
          (a, b) =>
            sql`SELECT ${i}::int AS p, d.person_id, d.hours FROM monthly_declaration d JOIN counting c ON c.id = d.annex_id WHERE d.month BETWEEN ${a}::date AND ${b}::date`,
        ),
  );
  const presentSql = sql.join(
    [
      ...presentOneYear,
      ...(presentParts.length === 0
        ? []
        : [
            sql`SELECT p, count(*)::int AS n FROM (SELECT p, person_id FROM (${sql.join(presentParts, sql` UNION ALL `)}) x GROUP BY p, person_id HAVING sum(hours) >= 1) y GROUP BY p`,
          ]),
      sql`SELECT NULL::int AS p, 0::bigint AS n WHERE false`,
    ],
    sql` UNION ALL `,
  );
  // Rule: RSA share = among the people present, those with a contract flagged RSA (contrat_salarie_rsa OUI-M/OUI-NM)
  // running in the period in a structure where they worked — iae-reference §10 (share "des personnes accompagnées",
  // PA stg_etat_mensuel_individuel_avec_brsa.sql: the RSA flag of the contract of the hours); same rule as the
  // département RSA table (departementRsa.ts). Hours are read only for the RSA candidates (rsa_in).
  // One calendar year: Σ solo_present_rsa of the counting annexes (rollup_annex_year, migration 0661: the people
  // with a single annex that year) + the people with several annexes that year, by the rule above read directly.
  const rsaOneYear = items.flatMap(({ period }, i) =>
    oneYearCount(
      i,
      period,
      "solo_present_rsa",
      sql`bool_or(EXISTS (
        SELECT 1 FROM contract k WHERE k.person_id = py.person_id AND k.structure_id = c.structure_id
          AND ${rsaContractRunning("k", period.from, period.to)}))`,
    ),
  );
  const rsaParts = items.flatMap(({ period }, i) => {
    if (calendarYear(period) !== null) return [];
    // The period's candidates straight from contract (the join to rsa_in below filters exactly): the same
    // filter on the CTE's period column was estimated at 2 rows for 2,388 and PostgreSQL then chose a nested
    // loop reading the materialized `counting` once per candidate (3.7 s of a 3.9 s national dashboard at
    // scale 0.02; plans in docs/plans/).
    const who = sql`(SELECT k.person_id FROM contract k
      WHERE ${rsaContractRunning("k", period.from, period.to)} AND k.structure_id IN (SELECT id FROM scoped))`;
    return yearsAndMonths(
      period,
      (y0, y1) =>
        sql`SELECT ${i}::int AS p, c.structure_id AS sid, py.person_id, py.hours FROM rollup_person_year py JOIN counting c ON c.id = py.annex_id
          WHERE py.year BETWEEN ${y0} AND ${y1} AND py.person_id IN ${who}`,
      (a, b) =>
        sql`SELECT ${i}::int AS p, c.structure_id AS sid, d.person_id, d.hours FROM monthly_declaration d JOIN counting c ON c.id = d.annex_id
          WHERE d.month BETWEEN ${a}::date AND ${b}::date AND d.person_id IN ${who}`,
    );
  });
  const rsaPresentSql = sql.join(
    [
      ...rsaOneYear,
      ...(rsaParts.length === 0
        ? []
        : [
            sql`SELECT p, count(*)::int AS n FROM (
          SELECT x.p, x.person_id FROM (${sql.join(rsaParts, sql` UNION ALL `)}) x
          LEFT JOIN rsa_in r ON r.p = x.p AND r.sid = x.sid AND r.person_id = x.person_id
          GROUP BY x.p, x.person_id HAVING sum(x.hours) >= 1 AND bool_or(r.person_id IS NOT NULL)) y
        GROUP BY p`,
          ]),
      sql`SELECT NULL::int AS p, 0::bigint AS n WHERE false`,
    ],
    sql` UNION ALL `,
  );
  // Only the annexes that can matter for the periods are read, so that a dashboard does not grow with the years
  // stored: those whose period meets the periods' hull (conventionnés, structures at a date, budget) and those
  // with hours declared in the hull's years even outside their own period (the hours and presence figures read
  // the rollups by month/year, whatever the annex's dates). A scope's annexes are read through the structure
  // index, the years' condition probed per annex by rollup_annex_year's key (building the set of the years'
  // annexes for the whole nation first cost a département more than its own annexes); a superset is harmless,
  // every figure below filters on its own period.
  const hull = periodsHull(items);
  const cond = scopeCondition(scope, kind);
  const none = sql`NULL::text`;
  const { rows } = await sql<
    Record<
      "st" | "cr" | "conv" | "real" | "ex" | "bud" | "fl" | "pres" | "prsa" | "ent" | "names" | "tot" | "totex" | "totbud",
      string | null
    >
  >`
    WITH scoped AS MATERIALIZED (
      SELECT s.id, s.kind, s.name, s.departement_code, s.created_on FROM structure s WHERE ${cond}
    ),
    counting AS MATERIALIZED (
      SELECT a.id, a.structure_id, a.starts_on, a.ends_on, a.etp, a.annual_hours,
        coalesce(a.total_amount, 0) AS total_amount, a.cofinanced_amount, coalesce(a.modulated_amount, 0) AS modulated_amount,
        extract(year FROM a.starts_on)::int * 12 + extract(month FROM a.starts_on)::int AS mi_start,
        extract(year FROM a.ends_on)::int * 12 + extract(month FROM a.ends_on)::int AS mi_end
      FROM counting_annex a WHERE ${inScope(sql`a.structure_id`)}
        AND (a.starts_on <= ${hull.to}::date AND a.ends_on >= ${hull.from}::date
          OR EXISTS (SELECT 1 FROM rollup_annex_year r WHERE r.annex_id = a.id AND r.year BETWEEN ${hull.fromYear} AND ${hull.toYear}))
    ),
    periods (p, from_d, to_d, at_d, from_month, l2y, mi_from, mi_to) AS (VALUES ${sql.join(periodRows)}),
    cp AS MATERIALIZED (
      SELECT pr.p, c.*, greatest(0, least(c.mi_end, pr.mi_to) - greatest(c.mi_start, pr.mi_from) + 1) AS inside,
        c.mi_end - c.mi_start + 1 AS months
      FROM counting c CROSS JOIN periods pr
    ),
    conv AS (SELECT p, structure_id, sum(etp * inside) / 12 AS etp FROM cp WHERE inside > 0 GROUP BY p, structure_id),
    annex_hours AS (
      SELECT p, annex_id, sum(hours) AS hours FROM (${sql.join(hourParts, sql` UNION ALL `)}) x GROUP BY p, annex_id),
    real AS (
      SELECT h.p, c.structure_id, sum(h.hours / c.annual_hours) AS etp
      FROM annex_hours h JOIN counting c ON c.id = h.annex_id GROUP BY h.p, c.structure_id),
    ex AS (${sql.join(exitParts, sql` UNION ALL `)}),
    rsa_in AS MATERIALIZED (
      SELECT DISTINCT pr.p, k.structure_id AS sid, k.person_id
      FROM contract k JOIN periods pr ON ${rsaContractRunning("k", sql`pr.from_d`, sql`pr.to_d`)}
      WHERE k.structure_id IN (SELECT id FROM scoped))
    SELECT
      (SELECT json_agg(json_build_array(p, kind, n, created))::text FROM (
        SELECT pr.p, s.kind, count(*)::int AS n, count(*) FILTER (WHERE s.created_on BETWEEN pr.l2y AND pr.at_d)::int AS created
        FROM (SELECT DISTINCT pr.p, c.structure_id FROM counting c JOIN periods pr ON pr.at_d BETWEEN c.starts_on AND c.ends_on) c
        JOIN periods pr ON pr.p = c.p JOIN scoped s ON s.id = c.structure_id GROUP BY pr.p, s.kind) t) AS st,
      (SELECT json_agg(json_build_array(p, kind, n))::text FROM (
        SELECT pr.p, s.kind, count(*)::int AS n FROM scoped s JOIN periods pr ON s.created_on BETWEEN pr.from_d AND pr.to_d
        GROUP BY pr.p, s.kind) t) AS cr,
      (SELECT json_agg(json_build_array(p, conv::text, real::text))::text FROM (
        SELECT pr.p, (SELECT sum(etp) FROM conv WHERE conv.p = pr.p) AS conv, (SELECT sum(etp) FROM real WHERE real.p = pr.p) AS real
        FROM periods pr) t) AS tot,
      (SELECT json_agg(json_build_array(p, grp, n))::text FROM (SELECT p, grp, sum(n)::int AS n FROM ex GROUP BY p, grp) t) AS totex,
      (SELECT json_agg(json_build_array(p, months, total::text, cof::text, modulated::text))::text FROM (
        SELECT p, months, sum(total_amount * inside) AS total, sum(cofinanced_amount * inside) AS cof,
          sum(modulated_amount * inside) AS modulated
        FROM cp WHERE inside > 0 GROUP BY p, months) t) AS totbud,
      ${perStructure ? sql`(SELECT json_agg(json_build_array(p, structure_id, etp::text))::text FROM conv)` : none} AS conv,
      ${perStructure ? sql`(SELECT json_agg(json_build_array(p, structure_id, etp::text))::text FROM real)` : none} AS real,
      ${perStructure ? sql`(SELECT json_agg(json_build_array(p, structure_id, grp, n))::text FROM ex)` : none} AS ex,
      ${
        perStructure
          ? sql`(SELECT json_agg(json_build_array(p, structure_id, months, total::text, cof::text, modulated::text))::text FROM (
        SELECT p, structure_id, months, sum(total_amount * inside) AS total, sum(cofinanced_amount * inside) AS cof,
          sum(modulated_amount * inside) AS modulated
        FROM cp WHERE inside > 0 GROUP BY p, structure_id, months) t)`
          : none
      } AS bud,
      (SELECT json_agg(json_build_array(p, code, months, amount::text) ORDER BY p, code, months)::text FROM (
        SELECT c.p, f.funding_line_code AS code, c.months, sum(f.amount * c.inside) AS amount
        FROM cp c JOIN financial_annex_funding f ON f.annex_id = c.id WHERE c.inside > 0
        GROUP BY c.p, f.funding_line_code, c.months) t) AS fl,
      (SELECT json_agg(json_build_array(p, n))::text FROM (${presentSql}) t) AS pres,
      (SELECT json_agg(json_build_array(p, n))::text FROM (${rsaPresentSql}) t) AS prsa,
      (SELECT json_agg(json_build_array(p, entered, rsa))::text FROM (${sql.join(entryParts, sql` UNION ALL `)}) t) AS ent,
      ${
        perStructure
          ? sql`(SELECT json_agg(json_build_array(s.id, s.name, s.kind, s.departement_code))::text FROM scoped s
        WHERE s.id IN (SELECT structure_id FROM conv UNION SELECT structure_id FROM real UNION SELECT structure_id FROM ex))`
          : none
      } AS names`.execute(db);
  const row = rows[0];
  const parse = (text: string | null | undefined): Json[][] => (text ? (JSON.parse(text) as Json[][]) : []);
  const num = (v: Json) => Number(v);
  const str = (v: Json) => String(v);

  const names = new Map(
    parse(row?.names).map((r) => [
      num(r[0] ?? null),
      { name: str(r[1] ?? null), kind: str(r[2] ?? null) as SiaeKind, departement: str(r[3] ?? null) },
    ]),
  );
  const out: RawFigures[] = items.map(() => ({
    structuresAt: byKind(),
    createdLast2Years: 0,
    createdInPeriod: byKind(),
    totals: emptyTotals(),
    perStructure: [],
    fundingLines: new Map(),
    present: 0,
    presentRsa: 0,
    entered: 0,
    rsaEntered: 0,
  }));
  const at = (p: Json) => {
    const r = out[num(p)];
    if (!r) throw new Error(`queryFiguresMany: unknown period ${String(p)}`);
    return r;
  };
  for (const [p, k, n, created] of parse(row?.st)) {
    const r = at(p ?? null);
    r.structuresAt[str(k ?? null) as SiaeKind] = num(n ?? 0);
    r.createdLast2Years += num(created ?? 0);
  }
  for (const [p, k, n] of parse(row?.cr)) at(p ?? null).createdInPeriod[str(k ?? null) as SiaeKind] = num(n ?? 0);
  for (const [p, conv, real] of parse(row?.tot)) {
    const t = at(p ?? null).totals;
    t.etpConventionnes = conv === null || conv === undefined ? "0" : str(conv);
    t.etpRealises = real === null || real === undefined ? "0" : str(real);
  }
  for (const [p, grp, n] of parse(row?.totex)) {
    const e = at(p ?? null).totals.exits;
    e[str(grp ?? null) as keyof ExitCounts] += num(n ?? 0);
    e.examined += num(n ?? 0);
  }
  for (const [p, months, total, cof, modulated] of parse(row?.totbud)) {
    const t = at(p ?? null).totals;
    addProrated(t.budgetTotal, str(total ?? "0"), 1, num(months ?? 1));
    addProrated(t.budgetCofinanced, str(cof ?? "0"), 1, num(months ?? 1));
    addProrated(t.modulated, str(modulated ?? "0"), 1, num(months ?? 1));
  }

  // Per structure: structures with ETP (conventionnés or réalisés) by id, then those with exits only, by id.
  const perMaps = items.map(() => new Map<number, StructureFigures>());
  const structureOf = (p: number, id: number): StructureFigures => {
    const m = perMaps[p] as Map<number, StructureFigures>;
    let s = m.get(id);
    if (!s) {
      const n = names.get(id);
      if (!n) throw new Error(`queryFiguresMany: structure ${id} hors périmètre`);
      s = { structureId: id, name: n.name, kind: n.kind, departement: n.departement, ...emptyTotals() };
      m.set(id, s);
    }
    return s;
  };
  const withEtp = items.map(() => new Set<number>());
  for (const [p, id, etp] of parse(row?.conv)) {
    structureOf(num(p ?? null), num(id ?? null)).etpConventionnes = str(etp ?? "0");
    withEtp[num(p ?? null)]?.add(num(id ?? null));
  }
  for (const [p, id, etp] of parse(row?.real)) {
    structureOf(num(p ?? null), num(id ?? null)).etpRealises = str(etp ?? "0");
    withEtp[num(p ?? null)]?.add(num(id ?? null));
  }
  for (const [p, id, grp, n] of parse(row?.ex)) {
    const e = structureOf(num(p ?? null), num(id ?? null)).exits;
    const g = str(grp ?? null) as keyof ExitCounts;
    e[g] += num(n ?? 0);
    e.examined += num(n ?? 0);
  }
  for (const [p, id, months, total, cof, modulated] of parse(row?.bud)) {
    const s = perMaps[num(p ?? null)]?.get(num(id ?? null));
    if (!s) continue;
    addProrated(s.budgetTotal, str(total ?? "0"), 1, num(months ?? 1));
    addProrated(s.budgetCofinanced, str(cof ?? "0"), 1, num(months ?? 1));
    addProrated(s.modulated, str(modulated ?? "0"), 1, num(months ?? 1));
  }
  for (const [p, code, months, amount] of parse(row?.fl)) {
    const fl = at(p ?? null).fundingLines;
    const acc = fl.get(str(code ?? null)) ?? new Map();
    addProrated(acc, str(amount ?? "0"), 1, num(months ?? 1));
    fl.set(str(code ?? null), acc);
  }
  for (const [p, n] of parse(row?.pres)) at(p ?? null).present = num(n ?? 0);
  for (const [p, n] of parse(row?.prsa)) at(p ?? null).presentRsa = num(n ?? 0);
  for (const [p, entered, rsa] of parse(row?.ent)) {
    const r = at(p ?? null);
    r.entered = num(entered ?? 0);
    r.rsaEntered = num(rsa ?? 0);
  }
  out.forEach((r, i) => {
    const m = perMaps[i] as Map<number, StructureFigures>;
    const etp = withEtp[i] as Set<number>;
    const ids = [...m.keys()];
    const first = ids.filter((id) => etp.has(id)).sort((a, b) => a - b);
    const exitsOnly = ids.filter((id) => !etp.has(id)).sort((a, b) => a - b);
    r.perStructure = [...first, ...exitsOnly].map((id) => m.get(id) as StructureFigures);
  });
  return out;
}

// Rule: examined exits — thresholds ACI/EI ≥ 1 h and > 2.65 months (days × 0.0328767), AI/ETTI ≥ 150 h on the last AF,
// EITI ≥ 1 h; retraits and mesures not counting for posts excluded — iae-reference §6.3 (twin: exitRecordsFor + countExaminedExits).
// Whole months: rollup_exit_month holds the exits meeting the thresholds (migration 0102); the reference tables filter here.
// `rollup` is rollup_exit_month (per structure) or rollup_exit_scope_month (per département and kind), both
// read as `r` with the same motif, mesure and examined columns.
function exitsFromRollup(
  i: number,
  period: Period,
  rollup: RawBuilder<unknown>,
  inScope: RawBuilder<unknown>,
  perStructure: boolean,
): RawBuilder<unknown> {
  // Summed per (structure or none, motif, mesure) first: the reference tables then join a few hundred rows, not every cell.
  const structure = perStructure ? sql`r.structure_id` : sql`NULL::bigint`;
  return sql`
    SELECT ${i}::int AS p, x.structure_id, cat.grp, sum(x.n)::int AS n
    FROM (
      SELECT ${structure} AS structure_id, r.motif_code, r.mesure_code, sum(r.examined) AS n
      FROM ${rollup} r
      WHERE r.month BETWEEN ${period.from}::date AND ${period.to}::date AND ${inScope}
      GROUP BY 1, 2, 3) x
    JOIN ref_mesure m ON m.code = x.mesure_code AND m.counts_for_posts
    JOIN ref_exit_motif mo ON mo.code = x.motif_code
    JOIN ref_exit_category cat ON cat.code = mo.category_code
    WHERE cat.grp <> 'retrait'
    GROUP BY x.structure_id, cat.grp`;
}

/** Other periods: the exit rows of the period with hours from rollup_recruitment_annex. */
function exitsFromRows(i: number, period: Period): RawBuilder<unknown> {
  return sql`SELECT ${i}::int AS p, structure_id, grp, count(*)::int AS n FROM (${examinedExitRows(period)}) x GROUP BY structure_id, grp`;
}

// Rule: people entered = distinct persons with an initial contract (rank 0) hired in the period, mesure counting for posts;
// RSA beneficiaries among them (people.rsaEntered, people.rsaShareEntered) — iae-reference §10. Whole months: Σ initial contracts (rollup_entry_month) minus, for the persons
// with several initial contracts in the scope and period (rollup_entry_repeat), the extra ones (a person counts once,
// and among RSA entrants when one of their counted contracts has RSA).
function entriesFromRollup(
  i: number,
  period: Period,
  rollup: RawBuilder<unknown>,
  inScope: RawBuilder<unknown>,
  repeatInScope: RawBuilder<unknown>,
): RawBuilder<unknown> {
  return sql`
    SELECT ${i}::int AS p, e.entries - coalesce(d.extra, 0) AS entered, e.rsa - coalesce(d.extra_rsa, 0) AS rsa
    FROM (
      SELECT coalesce(sum(t.entries), 0) AS entries, coalesce(sum(t.rsa), 0) AS rsa FROM (
        SELECT r.mesure_code, sum(r.entries) AS entries, sum(r.rsa_entries) AS rsa FROM ${rollup} r
        WHERE r.month BETWEEN ${period.from}::date AND ${period.to}::date AND ${inScope}
        GROUP BY r.mesure_code) t
      JOIN ref_mesure m ON m.code = t.mesure_code AND m.counts_for_posts) e
    CROSS JOIN (
      SELECT sum(n - 1) AS extra, sum(nr - CASE WHEN nr > 0 THEN 1 ELSE 0 END) AS extra_rsa FROM (
        SELECT count(*) AS n, count(*) FILTER (WHERE x.rsa) AS nr
        FROM rollup_entry_repeat x
        JOIN ref_mesure m ON m.code = x.mesure_code AND m.counts_for_posts
        WHERE x.starts_on BETWEEN ${period.from}::date AND ${period.to}::date AND ${repeatInScope}
        GROUP BY x.person_id) y) d`;
}

function entriesFromRows(i: number, period: Period): RawBuilder<unknown> {
  return sql`
    SELECT ${i}::int AS p, count(DISTINCT c.person_id)::int AS entered,
      count(DISTINCT c.person_id) FILTER (WHERE c.rsa IN ('OUI-M', 'OUI-NM'))::int AS rsa
    FROM contract c JOIN scoped s ON s.id = c.structure_id JOIN ref_mesure m ON m.code = c.mesure_code AND m.counts_for_posts
    WHERE c.rank = 0 AND c.starts_on BETWEEN ${period.from}::date AND ${period.to}::date`;
}
