// Time series for the dashboards' charts: monthly ETP conventionnés vs réalisés and entries; per year:
// structures by kind, exits by category, budget by funding line. Pure function of (db, params).
import { type Kysely, sql } from "kysely";
import { refreshPlannerStatistics } from "../db/rollups.js";
import type { Database } from "../db/schema.js";
import { maxDate, minDate } from "../domain/calendar/isoDate.js";
import type { SiaeKind } from "../domain/structures/kinds.js";
import { checkedPeriod, computePeriodsFigures } from "./computeIndicators.js";
import { isMonthAligned, type PeriodAt } from "./figures.js";
import type { IndicatorSeries } from "../contracts/indicators.js";
import { countingCtes } from "./countingAnnexes.js";
import { formatScope, parseScope, type Scope, ScopeError } from "./scope.js";

export interface SeriesParams {
  scope: Scope | string;
  from: string;
  to: string;
  kind?: SiaeKind;
  /** Compute the per-year points (default true; the annual report only needs the months). */
  yearly?: boolean;
}

export type Series = IndicatorSeries;
export type MonthPoint = Series["monthly"][number];
export type YearPoint = Series["yearly"][number];

const MAX_MONTHS = 240;

export async function computeSeries(db: Kysely<Database>, params: SeriesParams): Promise<Series> {
  const scope = typeof params.scope === "string" ? parseScope(params.scope) : params.scope;
  await refreshPlannerStatistics(db);
  const { period } = checkedPeriod(params.from, params.to);
  const firstYear = Number(period.from.slice(0, 4));
  const lastYear = Number(period.to.slice(0, 4));
  if ((lastYear - firstYear) * 12 > MAX_MONTHS) throw new ScopeError(`période trop longue pour une série (${MAX_MONTHS / 12} ans au plus)`);
  const ctes = countingCtes(scope, period, params.kind);
  const fromMonth = `${period.from.slice(0, 7)}-01`;
  // Entries per month: from rollup_entry_month minus the repeated entries of a person within the month
  // (rollup_entry_repeat) for whole-month periods, else from the contract rows.
  const entriesSql = isMonthAligned(period)
    ? sql`
      SELECT e.month, (e.n - coalesce(d.extra, 0))::int AS n FROM (
        SELECT r.month, sum(r.entries) AS n FROM rollup_entry_month r JOIN scoped s ON s.id = r.structure_id
        JOIN ref_mesure rm ON rm.code = r.mesure_code AND rm.counts_for_posts
        WHERE r.month BETWEEN ${period.from}::date AND ${period.to}::date GROUP BY r.month) e
      LEFT JOIN (
        SELECT month, sum(k - 1) AS extra FROM (
          SELECT date_trunc('month', x.starts_on)::date AS month, count(*) AS k
          FROM rollup_entry_repeat x JOIN scoped s ON s.id = x.structure_id
          JOIN ref_mesure rm ON rm.code = x.mesure_code AND rm.counts_for_posts
          WHERE x.starts_on BETWEEN ${period.from}::date AND ${period.to}::date GROUP BY 1, x.person_id) y GROUP BY month) d
      ON d.month = e.month`
    : sql`
      SELECT date_trunc('month', ct.starts_on)::date AS month, count(DISTINCT ct.person_id)::int AS n
      FROM contract ct JOIN scoped s ON s.id = ct.structure_id JOIN ref_mesure rm ON rm.code = ct.mesure_code AND rm.counts_for_posts
      WHERE ct.rank = 0 AND ct.starts_on BETWEEN ${period.from}::date AND ${period.to}::date GROUP BY 1`;
  // Rule: monthly ETP = etpConventionnes / etpRealisesForPeriod of the month × 12; entries = peopleEntered of the month — iae-reference §3.2/§10
  const { rows } = await sql<{ month: string; etp_conv: string; etp_real: string; entered: number }>`
    WITH ${ctes},
    months AS (SELECT generate_series(${fromMonth}::date, ${period.to}::date, interval '1 month')::date AS month),
    conv AS (
      SELECT m.month, sum(c.etp) AS etp FROM months m
      JOIN counting c ON date_trunc('month', c.starts_on) <= m.month AND c.ends_on >= m.month GROUP BY m.month),
    real AS (
      SELECT r.month, sum(r.hours / c.annual_hours) * 12 AS etp FROM rollup_annex_month r JOIN counting c ON c.id = r.annex_id
      WHERE r.month BETWEEN ${fromMonth}::date AND ${period.to}::date GROUP BY r.month),
    entries AS (${entriesSql})
    SELECT to_char(m.month, 'YYYY-MM') AS month, coalesce(conv.etp, 0) AS etp_conv, coalesce(real.etp, 0) AS etp_real, coalesce(entries.n, 0) AS entered
    FROM months m LEFT JOIN conv ON conv.month = m.month LEFT JOIN real ON real.month = m.month LEFT JOIN entries ON entries.month = m.month
    ORDER BY m.month`.execute(db);
  const round4 = (v: string) => Math.round(Number(v) * 10_000) / 10_000;
  const monthly = rows.map((r) => ({
    month: r.month,
    etpConventionnes: round4(r.etp_conv),
    etpRealises: round4(r.etp_real),
    entered: r.entered,
  }));

  const years: PeriodAt[] = [];
  if (params.yearly !== false)
    for (let year = firstYear; year <= lastYear; year++) {
      const from = maxDate(`${year}-01-01`, period.from);
      const to = minDate(`${year}-12-31`, period.to);
      years.push({ period: { from, to }, at: to });
    }
  // Every year in one query.
  const figures = await computePeriodsFigures(db, scope, years, params.kind);
  const yearly: YearPoint[] = figures.map((f, i) => ({
    year: firstYear + i,
    period: (years[i] as PeriodAt).period,
    structuresByKind: f.structures.byKind,
    structuresTotal: f.structures.total,
    exitsByCategory: f.exits.byCategory,
    exitsExamined: f.exits.examined,
    dynamicRate: f.exits.dynamicRate,
    budgetByFundingLine: f.budget.byFundingLine,
    budgetTotal: f.budget.total,
    etpConventionnes: f.etp.conventionnes,
    etpRealises: f.etp.realises,
    entered: f.people.entered,
  }));
  return { scope: formatScope(scope), period, monthly, yearly };
}
