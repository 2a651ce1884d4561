// The SQL twin of countingAfs() (src/domain/indicators/formulas.ts) as common table expressions:
//   scoped   — structures of the scope (id, kind, name, departement_code, created_on)
//   counting — counting AFs of those structures: current version per (prefix, renewal) = highest
//              modification not HISTORISE/ANNULE/REJETE, state VALIDE/PROVISOIRE/CLOTURE, mesure counting
//              for posts (iae-reference §2.1/§3.2), with `inside` = months of the AF inside the period and
//              `months` = months covered by the AF (iae-reference §2.1, monthsOverlap / monthsCovered).
import { type RawBuilder, sql } from "kysely";
import type { SiaeKind } from "../domain/structures/kinds.js";
import type { Period } from "../domain/indicators/records.js";
import { type Scope, scopeCondition } from "./scope.js";

/** Month index (year × 12 + month) of a date expression. */
const monthIndex = (d: RawBuilder<unknown>) => sql`(extract(year FROM ${d})::int * 12 + extract(month FROM ${d})::int)`;

export function countingCtes(scope: Scope, period: Period, kind?: SiaeKind): RawBuilder<unknown> {
  const from = sql`${period.from}::date`;
  const to = sql`${period.to}::date`;
  const lo = sql`greatest(cur.starts_on, ${from})`;
  const hi = sql`least(cur.ends_on, ${to})`;
  return sql`
    scoped AS (
      SELECT s.id, s.kind, s.name, s.departement_code, s.created_on FROM structure s WHERE ${scopeCondition(scope, kind)}
    ),
    cur AS (
      SELECT DISTINCT ON (a.number_prefix, a.renewal)
        a.id, a.structure_id, a.state, a.mesure_code, a.starts_on, a.ends_on, a.etp, a.annual_hours,
        coalesce(a.total_amount, 0) AS total_amount, a.cofinanced_amount, coalesce(a.modulated_amount, 0) AS modulated_amount
      FROM financial_annex a
      WHERE a.structure_id IN (SELECT id FROM scoped) AND a.state NOT IN ('HISTORISE', 'ANNULE', 'REJETE')
      ORDER BY a.number_prefix, a.renewal, a.modification DESC
    ),
    counting AS (
      SELECT cur.*,
        greatest(0, ${monthIndex(hi)} - ${monthIndex(lo)} + 1) AS inside,
        ${monthIndex(sql`cur.ends_on`)} - ${monthIndex(sql`cur.starts_on`)} + 1 AS months
      FROM cur JOIN ref_mesure m ON m.code = cur.mesure_code
      WHERE cur.state IN ('VALIDE', 'PROVISOIRE', 'CLOTURE') AND m.counts_for_posts
    )`;
}
