// Follow-up indicators in SQL (source of truth; pure twin: src/domain/followUp, compared on random data in
// followUp.db.test.ts): for each horizon (6, 12 months) and each category group of the exit recorded at exit,
// the exits of the scope whose follow-up falls due in the period (exit day + h months — PostgreSQL keeps the
// end of month like addMonths — between from and to), how many have a known situation, how many are employed,
// how many in durable employment. Exits "retrait" are not followed. Rates and the small-count rule: domain.
import { type Kysely, sql } from "kysely";
import type { FollowUpIndicators } from "../contracts/indicators.js";
import type { Database } from "../db/schema.js";
import { addMonths } from "../domain/calendar/isoDate.js";
import {
  addCounts,
  FOLLOW_UP_HORIZONS,
  FOLLOWED_EXIT_GROUPS,
  type FollowedExitGroup,
  type FollowUpAudience,
  type FollowUpCounts,
  type FollowUpHorizon,
  followUpHorizonFigures,
  NO_FOLLOW_UP,
  ratesOfCounts,
} from "../domain/followUp/index.js";
import type { Period } from "../domain/indicators/records.js";
import type { SiaeKind } from "../domain/structures/kinds.js";
import { isMonthAligned } from "./figures.js";
import { type Scope, scopeCondition, structureInScope } from "./scope.js";

// Rule: employed = CDI, CDD (any length), interim; durable = CDI, CDD ≥ 6 months (src/domain/followUp/followUp.ts)
const EMPLOYED = ["CDI", "CDD_6M", "CDD_COURT", "INTERIM"];
const DURABLE = ["CDI", "CDD_6M"];

export type FollowUpCountsByGroup = Record<FollowUpHorizon, Record<FollowedExitGroup, FollowUpCounts>>;

export async function queryFollowUpCounts(
  db: Kysely<Database>,
  scope: Scope,
  period: Period,
  kind?: SiaeKind,
): Promise<FollowUpCountsByGroup> {
  type Row = { horizon: number; grp: FollowedExitGroup; due: number; known: number; employed: number; durable: number };
  const groups = sql.join([...FOLLOWED_EXIT_GROUPS]);
  // A month-aligned period (every dashboard) reads the cells of rollup_follow_up_month (migration 0662): the
  // follow-up at h months of an exit in month M falls due in month M + h.
  const rows = isMonthAligned(period)
    ? await sql<Row>`
    SELECT r.horizon, r.grp, sum(r.due)::int AS due, sum(r.known)::int AS known, sum(r.employed)::int AS employed,
      sum(r.durable)::int AS durable
    FROM rollup_follow_up_month r
    WHERE ${structureInScope(sql`r.structure_id`, scope, kind, sql`SELECT s.id FROM structure s WHERE ${scopeCondition(scope, kind)}`)}
      AND r.grp IN (${groups})
      AND r.exit_month BETWEEN ${addMonths(period.from, -12)}::date AND ${period.to}::date
      AND (r.exit_month + make_interval(months => r.horizon))::date BETWEEN ${period.from}::date AND ${period.to}::date
    GROUP BY r.horizon, r.grp`.execute(db)
    : await sql<Row>`
    SELECT h.horizon, c.grp,
      count(*)::int AS due,
      count(*) FILTER (WHERE f.situation IS NOT NULL AND f.situation <> 'INCONNU')::int AS known,
      count(*) FILTER (WHERE f.situation IN (${sql.join(EMPLOYED)}))::int AS employed,
      count(*) FILTER (WHERE f.situation IN (${sql.join(DURABLE)}))::int AS durable
    FROM exit e
    JOIN structure s ON s.id = e.structure_id
    JOIN ref_exit_motif m ON m.code = e.motif_code
    JOIN ref_exit_category c ON c.code = m.category_code
    CROSS JOIN (VALUES (6), (12)) AS h (horizon)
    LEFT JOIN follow_up f ON f.exit_id = e.id AND f.horizon = h.horizon
    WHERE ${scopeCondition(scope, kind)} AND c.grp IN (${groups})
      AND e.exit_on BETWEEN ${addMonths(period.from, -13)}::date AND ${period.to}::date
      AND (e.exit_on + make_interval(months => h.horizon))::date BETWEEN ${period.from}::date AND ${period.to}::date
    GROUP BY h.horizon, c.grp`.execute(db);
  const empty = () => Object.fromEntries(FOLLOWED_EXIT_GROUPS.map((g) => [g, NO_FOLLOW_UP])) as Record<FollowedExitGroup, FollowUpCounts>;
  const out: FollowUpCountsByGroup = { 6: empty(), 12: empty() };
  for (const r of rows.rows) {
    const h = Number(r.horizon) as FollowUpHorizon;
    out[h][r.grp] = { due: Number(r.due), known: Number(r.known), employed: Number(r.employed), durable: Number(r.durable) };
  }
  return out;
}

export type { FollowUpIndicators };

/** The figures of `indicators` key followUp, from the counts (small-count rule unless the structure reads its own). */
export function followUpIndicatorsOf(counts: FollowUpCountsByGroup, audience: FollowUpAudience): FollowUpIndicators {
  const horizon = (h: FollowUpHorizon) => {
    const byGroup = counts[h];
    const total = FOLLOWED_EXIT_GROUPS.reduce((acc, g) => addCounts(acc, byGroup[g]), NO_FOLLOW_UP);
    const rates = Object.fromEntries(FOLLOWED_EXIT_GROUPS.map((g) => [g, ratesOfCounts(byGroup[g])])) as Record<
      FollowedExitGroup,
      ReturnType<typeof ratesOfCounts>
    >;
    return followUpHorizonFigures(ratesOfCounts(total), rates, audience);
  };
  const [six, twelve] = FOLLOW_UP_HORIZONS;
  return { at6Months: horizon(six), at12Months: horizon(twelve) };
}

export async function computeFollowUpIndicators(
  db: Kysely<Database>,
  scope: Scope,
  period: Period,
  audience: FollowUpAudience,
  kind?: SiaeKind,
): Promise<FollowUpIndicators> {
  return followUpIndicatorsOf(await queryFollowUpCounts(db, scope, period, kind), audience);
}
