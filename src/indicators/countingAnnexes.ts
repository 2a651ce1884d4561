// The SQL twin of countingAfs() (src/domain/indicators/formulas.ts) as common table expressions:
//   scoped   — structures of the scope (id, kind, name, departement_code, created_on)
//   counting — counting AFs of those structures: the view counting_annex (migration 0410, the one definition:
//              highest VALIDATED version of each (prefix, renewal), mesure counting for posts — iae-reference
//              §2.1/§3.2), with `inside` = months of the AF inside the period and
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
  const lo = sql`greatest(a.starts_on, ${from})`;
  const hi = sql`least(a.ends_on, ${to})`;
  // Index-driven on purpose (PGlite has no autovacuum, so plans must stay good without statistics): the view is
  // inlined, its "no higher validated modification" reads the index on (number_prefix, renewal, modification, …);
  // the scope is a primary-key lookup on structure.
  // Choice [M]: since migration 0360 the ASP may reuse one number (prefix, A, M) for two AFs with different start
  // dates; such rows are both counted here (distinct AFs), whereas the pure twin (selectCurrentVersions) refuses
  // two different versions with the same rank — the random-data twin tests never generate that case.
  return sql`
    scoped AS NOT MATERIALIZED (
      SELECT s.id, s.kind, s.name, s.departement_code, s.created_on FROM structure s WHERE ${scopeCondition(scope, kind)}
    ),
    counting AS NOT MATERIALIZED (
      SELECT a.id, a.structure_id, a.state, a.mesure_code, a.starts_on, a.ends_on, a.etp, a.annual_hours,
        coalesce(a.total_amount, 0) AS total_amount, a.cofinanced_amount, coalesce(a.modulated_amount, 0) AS modulated_amount,
        greatest(0, ${monthIndex(hi)} - ${monthIndex(lo)} + 1) AS inside,
        ${monthIndex(sql`a.ends_on`)} - ${monthIndex(sql`a.starts_on`)} + 1 AS months
      FROM counting_annex a
      WHERE EXISTS (SELECT 1 FROM structure s WHERE s.id = a.structure_id AND ${scopeCondition(scope, kind)})
    )`;
}
