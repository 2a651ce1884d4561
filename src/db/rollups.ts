// Rollups read by the indicators (issue 5) — tables created by migrations/0101_rollups.sql:
//   rollup_annex_month        (annex_id, month)            Σ hours, number of declarations
//   rollup_person_year        (annex_id, year, person_id)  Σ hours, number of declarations
//   rollup_recruitment_annex  (recruitment_id, annex_id)   Σ hours, number of declarations
//
// WHAT WRITERS MUST DO: NOTHING. Statement-level AFTER triggers on monthly_declaration (INSERT, UPDATE,
// DELETE — including COPY, which fires them once per statement) and on contract (UPDATE of
// recruitment_id) keep the rollups exact in the same transaction as the write. Financial annexes need
// no maintenance: rollups are keyed by annex and whether an annex counts (current version, state,
// mesure) is decided when the indicators are read.
//
// rebuildRollups() recomputes them from the base tables: for repair (e.g. after a restore made with
// triggers disabled, or data written with session_replication_role = replica); it is idempotent.
import { type Kysely, sql } from "kysely";
import type { Database } from "./schema.js";

export interface RebuildScope {
  /** Only the rollup rows of these structures (annexes of the structures, recruitments in them). */
  structureIds?: readonly number[];
}

export interface RebuildResult {
  annexMonths: number;
  personYears: number;
  recruitmentAnnexes: number;
}

/**
 * Recomputes the rollups (all of them, or those of some structures) from monthly_declaration.
 * Run it inside a transaction (DatabaseHandle.withTransaction) so that readers never see a half-built state.
 */
export async function rebuildRollups(db: Kysely<Database>, scope: RebuildScope = {}): Promise<RebuildResult> {
  const ids = scope.structureIds;
  if (ids !== undefined) {
    for (const id of ids) if (!Number.isSafeInteger(id) || id <= 0) throw new Error(`rebuildRollups: identifiant de structure invalide : ${id}`);
    if (ids.length === 0) return { annexMonths: 0, personYears: 0, recruitmentAnnexes: 0 };
  }
  const idList = ids === undefined ? null : sql.join(ids.map((id) => sql`${id}::bigint`));
  const annexFilter = idList === null ? sql`true` : sql`annex_id IN (SELECT id FROM financial_annex WHERE structure_id IN (${idList}))`;
  const declFilter = idList === null ? sql`true` : sql`d.annex_id IN (SELECT id FROM financial_annex WHERE structure_id IN (${idList}))`;
  const recruitmentFilter = idList === null ? sql`true` : sql`recruitment_id IN (SELECT id FROM contract WHERE structure_id IN (${idList}))`;

  await sql`DELETE FROM rollup_annex_month WHERE ${annexFilter}`.execute(db);
  await sql`DELETE FROM rollup_person_year WHERE ${annexFilter}`.execute(db);
  await sql`DELETE FROM rollup_recruitment_annex WHERE ${recruitmentFilter}`.execute(db);

  const a = await sql`
    INSERT INTO rollup_annex_month (annex_id, month, hours, declarations)
    SELECT d.annex_id, d.month, sum(d.hours), count(*) FROM monthly_declaration d WHERE ${declFilter}
    GROUP BY d.annex_id, d.month`.execute(db);
  const p = await sql`
    INSERT INTO rollup_person_year (annex_id, year, person_id, hours, declarations)
    SELECT d.annex_id, extract(year FROM d.month)::smallint, d.person_id, sum(d.hours), count(*)
    FROM monthly_declaration d WHERE ${declFilter}
    GROUP BY 1, 2, 3`.execute(db);
  const recruitmentOfDecl =
    idList === null ? sql`true` : sql`coalesce(c.recruitment_id, c.id) IN (SELECT id FROM contract WHERE structure_id IN (${idList}))`;
  const r = await sql`
    INSERT INTO rollup_recruitment_annex (recruitment_id, annex_id, hours, declarations)
    SELECT coalesce(c.recruitment_id, c.id), d.annex_id, sum(d.hours), count(*)
    FROM monthly_declaration d JOIN contract c ON c.id = d.contract_id WHERE ${recruitmentOfDecl}
    GROUP BY 1, 2`.execute(db);
  return {
    annexMonths: Number(a.numAffectedRows ?? 0),
    personYears: Number(p.numAffectedRows ?? 0),
    recruitmentAnnexes: Number(r.numAffectedRows ?? 0),
  };
}

/** Rows where a rollup disagrees with the base tables (empty when consistent): used by tests and `rebuild` checks. */
export async function findRollupDrift(db: Kysely<Database>): Promise<{ table: string; key: string }[]> {
  const { rows } = await sql<{ table: string; key: string }>`
    WITH expected AS (
      SELECT annex_id, month, sum(hours) AS hours, count(*)::integer AS n FROM monthly_declaration GROUP BY 1, 2)
    SELECT 'rollup_annex_month' AS table, coalesce(e.annex_id, r.annex_id)::text || '/' || coalesce(e.month, r.month)::text AS key
    FROM expected e FULL JOIN rollup_annex_month r ON r.annex_id = e.annex_id AND r.month = e.month
    WHERE e.hours IS DISTINCT FROM r.hours OR e.n IS DISTINCT FROM r.declarations
    UNION ALL
    SELECT 'rollup_person_year', coalesce(e.annex_id, r.annex_id)::text || '/' || coalesce(e.year, r.year)::text || '/' || coalesce(e.person_id, r.person_id)::text
    FROM (SELECT annex_id, extract(year FROM month)::smallint AS year, person_id, sum(hours) AS hours, count(*)::integer AS n
          FROM monthly_declaration GROUP BY 1, 2, 3) e
    FULL JOIN rollup_person_year r ON r.annex_id = e.annex_id AND r.year = e.year AND r.person_id = e.person_id
    WHERE e.hours IS DISTINCT FROM r.hours OR e.n IS DISTINCT FROM r.declarations
    UNION ALL
    SELECT 'rollup_recruitment_annex', coalesce(e.recruitment_id, r.recruitment_id)::text || '/' || coalesce(e.annex_id, r.annex_id)::text
    FROM (SELECT coalesce(c.recruitment_id, c.id) AS recruitment_id, d.annex_id, sum(d.hours) AS hours, count(*)::integer AS n
          FROM monthly_declaration d JOIN contract c ON c.id = d.contract_id GROUP BY 1, 2) e
    FULL JOIN rollup_recruitment_annex r ON r.recruitment_id = e.recruitment_id AND r.annex_id = e.annex_id
    WHERE e.hours IS DISTINCT FROM r.hours OR e.n IS DISTINCT FROM r.declarations`.execute(db);
  return rows;
}

/** Tables read by the indicators, whose planner statistics decide between index lookups and hash joins. */
const INDICATOR_TABLES = [
  "structure",
  "financial_annex",
  "financial_annex_funding",
  "contract",
  "exit",
  "monthly_declaration",
  "rollup_annex_month",
  "rollup_person_year",
  "rollup_recruitment_annex",
] as const;

/**
 * ANALYZEs the indicator tables whose statistics are stale (more than 500 + 10 % rows changed since the
 * last analyze). PGlite has no autovacuum: without this, plans after an import are chosen on default
 * estimates and a département dashboard measured 3.3 s instead of 0.6 s on the demo (PostgreSQL, loaded
 * machine). On a server with autovacuum it is usually a no-op (one catalog read). Returns the tables analyzed.
 */
export async function refreshPlannerStatistics(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ relname: string }>`
    SELECT relname FROM pg_stat_user_tables
    WHERE schemaname = current_schema() AND relname IN (${sql.join(INDICATOR_TABLES.map((t) => sql`${t}`))})
      AND n_mod_since_analyze > 500 + 0.1 * n_live_tup`.execute(db);
  for (const r of rows) {
    if (!(INDICATOR_TABLES as readonly string[]).includes(r.relname)) continue;
    await sql`ANALYZE ${sql.table(r.relname)}`.execute(db);
  }
  return rows.map((r) => r.relname);
}
