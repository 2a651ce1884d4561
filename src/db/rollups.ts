// Rollups read by the indicators — tables created by migrations/0101_rollups.sql:
//   rollup_annex_month        (annex_id, month)            Σ hours, number of declarations
//   rollup_person_year        (annex_id, year, person_id)  Σ hours, number of declarations
//   rollup_recruitment_annex  (recruitment_id, annex_id)   Σ hours, number of declarations
// and by migrations/0102_rollups_entries_exits.sql, recomputed per (structure, month) cell:
//   rollup_entry_month        (structure_id, month, mesure_code)              initial contracts, RSA among them
//   rollup_entry_repeat       initial contracts of persons having several (exact distinct counts)
//   rollup_exit_month         (structure_id, month, motif_code, mesure_code)  examined exits
// and by migrations/0840_rollup_scope_month.sql (triggers on the two tables above and on structure), per
// (month, steering département, kind) — what the dashboards of the nation, a région or a département read:
//   rollup_exit_scope_month   (month, departement_code, kind, motif_code, mesure_code)  examined exits
//   rollup_entry_scope_month  (month, departement_code, kind, mesure_code)  initial contracts, RSA among them
// and by migrations/0662_rollup_follow_up_month.sql (triggers on exit and follow_up):
//   rollup_follow_up_month    (structure_id, exit_month, horizon, grp)  follow-ups due, known, employed, durable
// and by migrations/0103_rollup_annex_year.sql (triggers on rollup_person_year):
//   rollup_annex_year         (annex_id, year)  Σ hours, people present with no other annex that year, and the
//                             RSA beneficiaries among them (migration 0661; also kept by triggers on contract)
//   rollup_multi_person_year  (year, person_id) people with several annexes that year
//
// WHAT WRITERS MUST DO: NOTHING. Statement-level AFTER triggers on monthly_declaration (INSERT, UPDATE,
// DELETE — including COPY, which fires them once per statement) and on contract (UPDATE of
// recruitment_id) keep the rollups exact in the same transaction as the write. Financial annexes need
// no maintenance: rollups are keyed by annex and whether an annex counts (view counting_annex, migration
// 0410) is decided when the indicators are read — except the examined exits, recomputed by their trigger.
//
// rebuildRollups() recomputes them from the base tables: for repair (e.g. after a restore made with
// triggers disabled, or data written with session_replication_role = replica); it is idempotent.
import { type Kysely, sql } from "kysely";
import { rsaContractRunning } from "./rsa.js";
import type { Database } from "./schema.js";

export interface RebuildScope {
  /** Only the rollup rows of these structures (annexes of the structures, recruitments in them). */
  structureIds?: readonly number[];
}

export interface RebuildResult {
  annexMonths: number;
  personYears: number;
  recruitmentAnnexes: number;
  entryMonths: number;
  exitMonths: number;
}

/** Every rollup table of the schema (rollup_*), kept by triggers or rebuilt by rebuildRollups. */
export async function rollupTableNames(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    SELECT relname AS name FROM pg_class
    WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r' AND relname LIKE 'rollup\_%' ORDER BY 1`.execute(db);
  return rows.map((r) => r.name);
}

/**
 * Defers the per-(month, département, kind) rollups (rollup_entry_scope_month, rollup_exit_scope_month) to the end
 * of the transaction: their triggers, which recompute the groups of every cell statement, skip their work until
 * endScopeRollupsDeferral recomputes them once. For writes of many statements in one transaction (an import:
 * 110 ms of each 5,000-contract insert were these triggers). Transaction-local.
 */
export async function deferScopeRollups(db: Kysely<Database>): Promise<void> {
  await sql`SELECT set_config('passerelle.rollup_scope_deferred', 'on', true)`.execute(db);
}

async function scopeRollupsDeferred(db: Kysely<Database>): Promise<boolean> {
  const r = await sql<{ v: string | null }>`SELECT current_setting('passerelle.rollup_scope_deferred', true) AS v`.execute(db);
  return r.rows[0]?.v === "on";
}

/** Ends deferScopeRollups: the triggers again, and the groups recomputed whole (only rows that differ are written). */
export async function endScopeRollupsDeferral(db: Kysely<Database>): Promise<void> {
  await sql`SELECT set_config('passerelle.rollup_scope_deferred', 'off', true)`.execute(db);
  await sql`SELECT rollup_scope_month_rebuild()`.execute(db);
}

/**
 * Recomputes the rollups (all of them, or those of some structures) from monthly_declaration.
 * Run it inside a transaction (DatabaseHandle.withTransaction) so that readers never see a half-built state.
 */
export async function rebuildRollups(db: Kysely<Database>, scope: RebuildScope = {}): Promise<RebuildResult> {
  const ids = scope.structureIds;
  if (ids !== undefined) {
    for (const id of ids)
      if (!Number.isSafeInteger(id) || id <= 0) throw new Error(`rebuildRollups: identifiant de structure invalide : ${id}`);
    if (ids.length === 0) return { annexMonths: 0, personYears: 0, recruitmentAnnexes: 0, entryMonths: 0, exitMonths: 0 };
  }
  const idList = ids === undefined ? null : sql.join(ids.map((id) => sql`${id}::bigint`));
  // The per-(month, département, kind) rollups are recomputed whole at the end: their triggers skip the cell
  // writes below (for this transaction only; outside a transaction the setting ends with its statement). Under
  // an outer deferral (deferScopeRollups), the recompute is left to its end.
  const outerDeferral = await scopeRollupsDeferred(db);
  await deferScopeRollups(db);
  const annexFilter = idList === null ? sql`true` : sql`annex_id IN (SELECT id FROM financial_annex WHERE structure_id IN (${idList}))`;
  const declFilter = idList === null ? sql`true` : sql`d.annex_id IN (SELECT id FROM financial_annex WHERE structure_id IN (${idList}))`;
  const recruitmentFilter =
    idList === null ? sql`true` : sql`recruitment_id IN (SELECT id FROM contract WHERE structure_id IN (${idList}))`;

  // The (annex, year) and (year, person) cells of the person-year rows about to be replaced are recomputed
  // below together with those of the new rows: a person-year row may disappear (a declaration moved to
  // another person), and the trigger on rollup_person_year that would refresh its cells does not fire when
  // the caller has switched triggers off (bulkWithoutTriggers.ts).
  if (idList !== null) {
    await sql`CREATE TEMP TABLE IF NOT EXISTS rollup_rebuild_person_year (annex_id bigint, year smallint, person_id bigint) ON COMMIT DROP`.execute(
      db,
    );
    await sql`TRUNCATE rollup_rebuild_person_year`.execute(db);
    await sql`INSERT INTO rollup_rebuild_person_year SELECT annex_id, year, person_id FROM rollup_person_year WHERE ${annexFilter}`.execute(
      db,
    );
  }
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
  // Per annex × year (kept by triggers on rollup_person_year; recomputed here in case they were written directly).
  if (idList === null) {
    await sql`DELETE FROM rollup_annex_year`.execute(db);
    await sql`DELETE FROM rollup_multi_person_year`.execute(db);
  }
  const personYearKeys =
    idList === null
      ? sql`SELECT annex_id, year, person_id FROM rollup_person_year`
      : sql`SELECT annex_id, year, person_id FROM rollup_person_year WHERE ${annexFilter} UNION SELECT annex_id, year, person_id FROM rollup_rebuild_person_year`;
  await sql`SELECT rollup_annex_year_refresh(array_agg(year), array_agg(person_id), array_agg(annex_id)) FROM (${personYearKeys}) k`.execute(
    db,
  );
  // Entries and exits per (structure, month) cell (after rollup_recruitment_annex: exits read it).
  const structureFilter = idList === null ? sql`true` : sql`structure_id IN (${idList})`;
  await sql`DELETE FROM rollup_entry_month WHERE ${structureFilter}`.execute(db);
  await sql`DELETE FROM rollup_exit_month WHERE ${structureFilter}`.execute(db);
  await sql`SELECT rollup_entry_refresh(array_agg(structure_id), array_agg(starts_on)) FROM contract WHERE rank = 0 AND ${structureFilter}`.execute(
    db,
  );
  if (idList === null) await sql`DELETE FROM rollup_entry_repeat`.execute(db);
  await sql`SELECT rollup_entry_repeat_refresh(array_agg(DISTINCT person_id)) FROM contract WHERE rank = 0 AND ${structureFilter}`.execute(
    db,
  );
  await sql`SELECT rollup_exit_refresh(array_agg(structure_id), array_agg(exit_on)) FROM exit WHERE ${structureFilter}`.execute(db);
  await sql`DELETE FROM rollup_follow_up_month WHERE ${structureFilter}`.execute(db);
  await sql`SELECT rollup_follow_up_refresh(array_agg(structure_id), array_agg(exit_on)) FROM exit WHERE ${structureFilter}`.execute(db);
  // Département of the convention of the structures (kept by a trigger on financial_annex, migration 0411).
  await sql`SELECT structure_convention_departement_refresh(array_agg(id)) FROM structure WHERE ${idList === null ? sql`true` : sql`id IN (${idList})`}`.execute(
    db,
  );
  // Per (month, département, kind), recomputed whole even for some structures: a structure written with triggers
  // off may have changed kind or département, and its former group cannot be told from the rows any more.
  if (!outerDeferral) await endScopeRollupsDeferral(db);
  const counts = await sql<{ entries: number; exits: number }>`
    SELECT (SELECT count(*)::int FROM rollup_entry_month WHERE ${structureFilter}) AS entries,
      (SELECT count(*)::int FROM rollup_exit_month WHERE ${structureFilter}) AS exits`.execute(db);
  return {
    annexMonths: Number(a.numAffectedRows ?? 0),
    personYears: Number(p.numAffectedRows ?? 0),
    recruitmentAnnexes: Number(r.numAffectedRows ?? 0),
    entryMonths: counts.rows[0]?.entries ?? 0,
    exitMonths: counts.rows[0]?.exits ?? 0,
  };
}

/**
 * Examined exits per (structure, month, motif, mesure) recomputed by a full scan of the monthly rows (not
 * from rollup_recruitment_annex, unlike the triggers): the reference the drift check compares with.
 */
const expectedExitMonths = sql`
  WITH hours AS (
    SELECT coalesce(k.recruitment_id, k.id) AS recruitment_id, c.starts_on, c.ends_on, sum(d.hours) AS hours
    FROM monthly_declaration d JOIN contract k ON k.id = d.contract_id JOIN counting_annex c ON c.id = d.annex_id
    GROUP BY 1, c.id, c.starts_on, c.ends_on),
  -- Hours of the recruitment's last counting annex by a window (a correlated max() over the CTE was quadratic).
  h AS (
    SELECT recruitment_id, starts_on, ends_on, hours, max(starts_on) OVER (PARTITION BY recruitment_id) AS last_starts_on FROM hours),
  -- ACI/EI/EITI: hours of the counting annexes meeting the exit's calendar year (migration 0410).
  hx AS (
    SELECT e.id, coalesce(sum(h.hours) FILTER (WHERE h.starts_on <= make_date(extract(year FROM e.exit_on)::int, 12, 31)
             AND h.ends_on >= make_date(extract(year FROM e.exit_on)::int, 1, 1)), 0) AS year_hours,
      coalesce(sum(h.hours) FILTER (WHERE h.starts_on = h.last_starts_on), 0) AS last_hours
    FROM exit e LEFT JOIN h ON h.recruitment_id = e.recruitment_id GROUP BY e.id)
  SELECT e.structure_id, date_trunc('month', e.exit_on)::date AS month, e.motif_code, r0.mesure_code, count(*)::integer AS n
  FROM exit e JOIN structure s ON s.id = e.structure_id JOIN contract r0 ON r0.id = e.recruitment_id
  JOIN hx ON hx.id = e.id
  WHERE CASE
    WHEN s.kind IN ('ACI', 'EI') THEN hx.year_hours >= 1 AND (e.exit_on - r0.starts_on) * 0.0328767 > 2.65
    WHEN s.kind IN ('AI', 'ETTI') THEN hx.last_hours >= 150
    ELSE hx.year_hours >= 1 END
  GROUP BY 1, 2, 3, 4`;

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
    WHERE e.hours IS DISTINCT FROM r.hours OR e.n IS DISTINCT FROM r.declarations
    UNION ALL
    SELECT 'rollup_annex_year', coalesce(e.annex_id, r.annex_id)::text || '/' || coalesce(e.year, r.year)::text
    FROM (SELECT d.annex_id, d.year, sum(d.hours) AS hours, sum(d.n)::integer AS n,
            count(*) FILTER (WHERE d.hours >= 1 AND d.annexes = 1)::integer AS solo,
            count(*) FILTER (WHERE d.hours >= 1 AND d.annexes = 1 AND EXISTS (
              SELECT 1 FROM contract k JOIN financial_annex fa ON fa.id = d.annex_id
              WHERE k.person_id = d.person_id AND k.structure_id = fa.structure_id
                AND ${rsaContractRunning("k", sql`make_date(d.year, 1, 1)`, sql`make_date(d.year, 12, 31)`)}))::integer AS solo_rsa
          FROM (SELECT annex_id, year, person_id, hours, n, count(*) OVER (PARTITION BY year, person_id) AS annexes
                FROM (SELECT annex_id, extract(year FROM month)::smallint AS year, person_id, sum(hours) AS hours, count(*) AS n
                      FROM monthly_declaration GROUP BY 1, 2, 3) x) d
          GROUP BY 1, 2) e
    FULL JOIN rollup_annex_year r ON r.annex_id = e.annex_id AND r.year = e.year
    WHERE (e.hours, e.n, e.solo, e.solo_rsa) IS DISTINCT FROM (r.hours, r.declarations, r.solo_present, r.solo_present_rsa)
    UNION ALL
    SELECT 'rollup_multi_person_year', coalesce(e.year, r.year)::text || '/' || coalesce(e.person_id, r.person_id)::text
    FROM (SELECT extract(year FROM month)::smallint AS year, person_id FROM monthly_declaration
          GROUP BY 1, 2 HAVING count(DISTINCT annex_id) > 1) e
    FULL JOIN rollup_multi_person_year r ON r.year = e.year AND r.person_id = e.person_id
    WHERE e.year IS NULL OR r.year IS NULL
    UNION ALL
    SELECT 'rollup_entry_month', coalesce(e.structure_id, r.structure_id)::text || '/' || coalesce(e.month, r.month)::text || '/' || coalesce(e.mesure_code, r.mesure_code)
    FROM (SELECT structure_id, date_trunc('month', starts_on)::date AS month, mesure_code, count(*)::integer AS n,
            count(*) FILTER (WHERE rsa IN ('OUI-M', 'OUI-NM'))::integer AS rsa
          FROM contract WHERE rank = 0 GROUP BY 1, 2, 3) e
    FULL JOIN rollup_entry_month r ON r.structure_id = e.structure_id AND r.month = e.month AND r.mesure_code = e.mesure_code
    WHERE e.n IS DISTINCT FROM r.entries OR e.rsa IS DISTINCT FROM r.rsa_entries
    UNION ALL
    SELECT 'rollup_entry_repeat', coalesce(e.id, r.contract_id)::text
    FROM (SELECT c.id, c.person_id, c.structure_id, c.starts_on, c.mesure_code, c.rsa IN ('OUI-M', 'OUI-NM') AS rsa FROM contract c
          WHERE c.rank = 0 AND c.person_id IN (SELECT person_id FROM contract WHERE rank = 0 GROUP BY person_id HAVING count(*) > 1)) e
    FULL JOIN rollup_entry_repeat r ON r.contract_id = e.id
    WHERE (e.person_id, e.structure_id, e.starts_on, e.mesure_code, e.rsa) IS DISTINCT FROM (r.person_id, r.structure_id, r.starts_on, r.mesure_code, r.rsa)
    UNION ALL
    SELECT 'rollup_exit_month', coalesce(e.structure_id, r.structure_id)::text || '/' || coalesce(e.month, r.month)::text || '/' || coalesce(e.motif_code, r.motif_code)::text || '/' || coalesce(e.mesure_code, r.mesure_code)
    FROM (${expectedExitMonths}) e
    FULL JOIN rollup_exit_month r ON r.structure_id = e.structure_id AND r.month = e.month AND r.motif_code = e.motif_code AND r.mesure_code = e.mesure_code
    WHERE e.n IS DISTINCT FROM r.examined
    UNION ALL
    SELECT 'rollup_exit_scope_month', coalesce(e.month, r.month)::text || '/' || coalesce(e.dep, r.departement_code) || '/' || coalesce(e.kind, r.kind) || '/' || coalesce(e.motif_code, r.motif_code)::text || '/' || coalesce(e.mesure_code, r.mesure_code)
    FROM (SELECT x.month, coalesce(s.convention_departement_code, s.departement_code) AS dep, s.kind, x.motif_code, x.mesure_code, sum(x.n)::integer AS n
          FROM (${expectedExitMonths}) x JOIN structure s ON s.id = x.structure_id GROUP BY 1, 2, 3, 4, 5) e
    FULL JOIN rollup_exit_scope_month r ON r.month = e.month AND r.departement_code = e.dep AND r.kind = e.kind AND r.motif_code = e.motif_code AND r.mesure_code = e.mesure_code
    WHERE e.n IS DISTINCT FROM r.examined
    UNION ALL
    SELECT 'rollup_entry_scope_month', coalesce(e.month, r.month)::text || '/' || coalesce(e.dep, r.departement_code) || '/' || coalesce(e.kind, r.kind) || '/' || coalesce(e.mesure_code, r.mesure_code)
    FROM (SELECT date_trunc('month', c.starts_on)::date AS month, coalesce(s.convention_departement_code, s.departement_code) AS dep, s.kind, c.mesure_code,
            count(*)::integer AS n, count(*) FILTER (WHERE c.rsa IN ('OUI-M', 'OUI-NM'))::integer AS rsa
          FROM contract c JOIN structure s ON s.id = c.structure_id WHERE c.rank = 0 GROUP BY 1, 2, 3, 4) e
    FULL JOIN rollup_entry_scope_month r ON r.month = e.month AND r.departement_code = e.dep AND r.kind = e.kind AND r.mesure_code = e.mesure_code
    WHERE e.n IS DISTINCT FROM r.entries OR e.rsa IS DISTINCT FROM r.rsa_entries
    UNION ALL
    SELECT 'rollup_follow_up_month', coalesce(e.structure_id, r.structure_id)::text || '/' || coalesce(e.exit_month, r.exit_month)::text || '/' || coalesce(e.horizon, r.horizon)::text || '/' || coalesce(e.grp, r.grp)
    FROM (SELECT e.structure_id, date_trunc('month', e.exit_on)::date AS exit_month, h.horizon, c.grp, count(*)::int AS due,
            count(*) FILTER (WHERE f.situation IS NOT NULL AND f.situation <> 'INCONNU')::int AS known,
            count(*) FILTER (WHERE f.situation IN ('CDI', 'CDD_6M', 'CDD_COURT', 'INTERIM'))::int AS employed,
            count(*) FILTER (WHERE f.situation IN ('CDI', 'CDD_6M'))::int AS durable
          FROM exit e JOIN ref_exit_motif mo ON mo.code = e.motif_code JOIN ref_exit_category c ON c.code = mo.category_code
          CROSS JOIN (VALUES (6::smallint), (12::smallint)) AS h (horizon)
          LEFT JOIN follow_up f ON f.exit_id = e.id AND f.horizon = h.horizon
          GROUP BY 1, 2, 3, 4) e
    FULL JOIN rollup_follow_up_month r ON r.structure_id = e.structure_id AND r.exit_month = e.exit_month AND r.horizon = e.horizon AND r.grp = e.grp
    WHERE (e.due, e.known, e.employed, e.durable) IS DISTINCT FROM (r.due, r.known, r.employed, r.durable)`.execute(db);
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
  "rollup_annex_year",
  "rollup_multi_person_year",
  "rollup_entry_month",
  "rollup_entry_repeat",
  "rollup_exit_month",
  "rollup_exit_scope_month",
  "rollup_entry_scope_month",
  "rollup_follow_up_month",
] as const;

/**
 * The dashboards read these tables through covering indexes (migrations 0800, 0841, 0840), which PostgreSQL answers
 * from the index alone only for pages the visibility map marks all-visible — which only VACUUM does. After a bulk
 * load every page is new: until autovacuum passes (never on PGlite, which has none), the counting step of a
 * national dashboard on 10 years read 47,389 buffers instead of 1,280. Run after the load has committed (VACUUM
 * cannot run in a transaction); small tables only, the largest being the (annex, month) cells. On PostgreSQL, as
 * a role that does not own the tables, VACUUM skips them with a warning.
 */
const VACUUMED_AFTER_BULK_LOAD = [
  "structure",
  "financial_annex",
  "rollup_annex_month",
  "rollup_annex_year",
  "rollup_multi_person_year",
  "rollup_entry_month",
  "rollup_exit_month",
  "rollup_entry_scope_month",
  "rollup_exit_scope_month",
  "rollup_follow_up_month",
] as const;

export async function vacuumAfterBulkLoad(db: Kysely<Database>): Promise<void> {
  for (const table of VACUUMED_AFTER_BULK_LOAD) await sql`VACUUM (ANALYZE) ${sql.table(table)}`.execute(db);
}

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
