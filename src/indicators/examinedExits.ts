// Rule: an exit is "examined" (counted in the sorties indicators) when the parcours was long enough —
// ACI/EI: ≥ 1 h declared in the calendar year of the exit and more than 2.65 months (× 0.0328767 per day)
// between hiring and exit; AI/ETTI: ≥ 150 h on the last counting annex of the recruitment; EITI: ≥ 1 h in the
// exit year (pilotage-airflow dbt/models/staging/properties.yml `stg_sorties_aci_ei`, stg_sorties_eiti.sql:
// yearly sums per salarié × AF; an AF covers one calendar year, so "hours of the counting annexes meeting the
// exit year" are the hours of that year — migration 0410); withdrawals (« retrait ») are never
// examined — iae-reference §10, pure twin in src/domain/exits/examined.ts. The same thresholds are kept
// incrementally by the rollup triggers (migration 0102, rollup_exit_month); this fragment reads the exit rows
// for periods the rollup cannot answer (not whole months) and for per-person filters (RSA).
import { type RawBuilder, sql } from "kysely";
import type { Period } from "../domain/indicators/records.js";

/**
 * One row `(structure_id, grp)` per examined exit of the period. Needs, in the enclosing WITH, `scoped`
 * (the structures of the scope: id, kind) and `counting` (the annexes that count: id, starts_on) —
 * see countingAnnexes.ts. `rsaOnly`: recruitments whose initial contract was signed on RSA.
 */
export function examinedExitRows(period: Period, options: { rsaOnly?: boolean } = {}): RawBuilder<unknown> {
  const rsa = options.rsaOnly ? sql`AND r0.rsa <> 'NON'` : sql``;
  return sql`
    WITH ex0 AS (
      SELECT e.id, e.structure_id, e.recruitment_id, e.exit_on, s.kind, cat.grp, r0.starts_on AS start_on
      FROM exit e JOIN scoped s ON s.id = e.structure_id
      JOIN contract r0 ON r0.id = e.recruitment_id ${rsa}
      JOIN ref_mesure m ON m.code = r0.mesure_code AND m.counts_for_posts
      JOIN ref_exit_motif mo ON mo.code = e.motif_code
      JOIN ref_exit_category cat ON cat.code = mo.category_code
      WHERE e.exit_on BETWEEN ${period.from}::date AND ${period.to}::date AND cat.grp <> 'retrait'),
    per_af AS (
      SELECT ex0.*, ra.hours, c.starts_on AS af_start, max(c.starts_on) OVER (PARTITION BY ex0.id) AS last_start,
        (c.starts_on <= make_date(extract(year FROM ex0.exit_on)::int, 12, 31) AND c.ends_on >= make_date(extract(year FROM ex0.exit_on)::int, 1, 1)) AS in_exit_year
      FROM ex0 LEFT JOIN rollup_recruitment_annex ra ON ra.recruitment_id = ex0.recruitment_id
      LEFT JOIN counting c ON c.id = ra.annex_id),
    h AS (
      SELECT id, structure_id, grp, kind, exit_on, start_on,
        coalesce(sum(hours) FILTER (WHERE in_exit_year), 0) AS year_hours,
        coalesce(sum(hours) FILTER (WHERE af_start = last_start), 0) AS last_hours
      FROM per_af GROUP BY id, structure_id, grp, kind, exit_on, start_on)
    SELECT structure_id, grp FROM h
    WHERE CASE
      WHEN kind IN ('ACI', 'EI') THEN year_hours >= 1 AND (exit_on - start_on) * 0.0328767 > 2.65
      WHEN kind IN ('AI', 'ETTI') THEN last_hours >= 150
      ELSE year_hours >= 1 END`;
}
