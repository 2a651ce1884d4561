// The naive baseline of the indicators benchmark: the same dashboard figures computed by plain full-scan SQL
// over the monthly rows (monthly_declaration), WITHOUT the rollups (rollup_annex_month, rollup_person_year,
// rollup_recruitment_annex). It is what a straightforward implementation would run; the benchmark reports
// how much faster the real computeIndicators (src/indicators/) is, on the same data in the same run.
// The counting rules are not re-implemented: the counting annexes come from countingCtes (src/indicators/),
// only the source of hours differs (base rows instead of rollups). The results are cross-checked against
// computeIndicators so that the baseline cannot silently compute something else.
import { type Kysely, sql } from "kysely";
import type { Database } from "../src/db/schema.js";
import type { Period } from "../src/domain/indicators/records.js";
import { countingCtes } from "../src/indicators/countingAnnexes.js";
import type { Scope } from "../src/indicators/scope.js";

export interface BaselineFigures {
  structures: number;
  etpConventionnes: number;
  etpRealises: number;
  present: number;
  entered: number;
  examinedExits: number;
  budgetTotal: number;
}

/** Dashboard figures of one period by full scans of the monthly rows. */
export async function baselinePeriodFigures(db: Kysely<Database>, scope: Scope, period: Period, at: string): Promise<BaselineFigures> {
  const ctes = countingCtes(scope, period);
  const from = sql`${period.from}::date`;
  const to = sql`${period.to}::date`;
  const fromMonth = sql`${`${period.from.slice(0, 7)}-01`}::date`;
  const atDate = sql`${at}::date`;

  const head = await sql<{ structures: number; etp_conv: string | null; budget: string | null }>`
    WITH ${ctes}
    SELECT
      (SELECT count(DISTINCT c.structure_id)::int FROM counting c WHERE ${atDate} BETWEEN c.starts_on AND c.ends_on) AS structures,
      (SELECT sum(etp * inside) / 12 FROM counting WHERE inside > 0) AS etp_conv,
      (SELECT sum(total_amount * inside / months) FROM counting WHERE inside > 0) AS budget`.execute(db);

  // Full scan of the monthly rows of the period: hours → ETP réalisés and people present (≥ 1 h).
  const hours = await sql<{ etp_real: string | null; present: number }>`
    WITH ${ctes},
    rows AS (
      SELECT d.person_id, d.hours, c.annual_hours FROM monthly_declaration d JOIN counting c ON c.id = d.annex_id
      WHERE d.month BETWEEN ${fromMonth} AND ${to})
    SELECT (SELECT sum(hours / annual_hours) FROM rows) AS etp_real,
      (SELECT count(*)::int FROM (SELECT person_id FROM rows GROUP BY person_id HAVING sum(hours) >= 1) p) AS present`.execute(db);

  // Examined exits with hours summed from the monthly rows of each recruitment (same thresholds as figures.ts).
  const exits = await sql<{ n: number }>`
    WITH ${ctes},
    ex AS (
      SELECT e.id, e.recruitment_id, e.exit_on, s.kind, r0.starts_on AS start_on
      FROM exit e JOIN scoped s ON s.id = e.structure_id
      JOIN contract r0 ON r0.id = e.recruitment_id
      JOIN ref_mesure m ON m.code = r0.mesure_code AND m.counts_for_posts
      JOIN ref_exit_motif mo ON mo.code = e.motif_code
      JOIN ref_exit_category cat ON cat.code = mo.category_code
      WHERE e.exit_on BETWEEN ${from} AND ${to} AND cat.grp <> 'retrait'),
    per_af AS (
      SELECT ex.id, sum(d.hours) AS hours, c.starts_on, max(c.starts_on) OVER (PARTITION BY ex.id) AS last_start
      FROM ex JOIN contract k ON coalesce(k.recruitment_id, k.id) = ex.recruitment_id
      JOIN monthly_declaration d ON d.contract_id = k.id JOIN counting c ON c.id = d.annex_id
      GROUP BY ex.id, c.id, c.starts_on),
    h AS (SELECT id, sum(hours) AS all_hours, sum(hours) FILTER (WHERE starts_on = last_start) AS last_hours FROM per_af GROUP BY id)
    SELECT count(*)::int AS n FROM ex LEFT JOIN h ON h.id = ex.id
    WHERE CASE
      WHEN ex.kind IN ('ACI', 'EI') THEN coalesce(h.all_hours, 0) >= 1 AND (ex.exit_on - ex.start_on) * 0.0328767 > 2.65
      WHEN ex.kind IN ('AI', 'ETTI') THEN coalesce(h.last_hours, 0) >= 150
      ELSE coalesce(h.all_hours, 0) >= 1 END`.execute(db);

  const entered = await sql<{ n: number }>`
    WITH ${ctes}
    SELECT count(DISTINCT c.person_id)::int AS n
    FROM contract c JOIN scoped s ON s.id = c.structure_id JOIN ref_mesure m ON m.code = c.mesure_code AND m.counts_for_posts
    WHERE c.rank = 0 AND c.starts_on BETWEEN ${from} AND ${to}`.execute(db);

  const h0 = head.rows[0];
  const r0 = hours.rows[0];
  return {
    structures: h0?.structures ?? 0,
    etpConventionnes: Number(h0?.etp_conv ?? 0),
    etpRealises: Number(r0?.etp_real ?? 0),
    present: r0?.present ?? 0,
    entered: entered.rows[0]?.n ?? 0,
    examinedExits: exits.rows[0]?.n ?? 0,
    budgetTotal: Number(h0?.budget ?? 0),
  };
}

/** The figures of computeIndicators that the baseline recomputes (for the cross-check). */
export interface ComparableFigures {
  etp: { realises: number; conventionnes: number };
  people: { present: number; entered: number };
  exits: { examined: number };
  structures: { total: number };
}

/** Differences between the baseline and computeIndicators ([] when they agree). */
export function baselineDisagreements(base: BaselineFigures, real: ComparableFigures): string[] {
  const out: string[] = [];
  const close = (a: number, b: number) => Math.abs(a - b) <= 0.001 + 1e-6 * Math.abs(b);
  if (!close(base.etpRealises, real.etp.realises)) out.push(`ETP réalisés ${base.etpRealises} ≠ ${real.etp.realises}`);
  if (!close(base.etpConventionnes, real.etp.conventionnes))
    out.push(`ETP conventionnés ${base.etpConventionnes} ≠ ${real.etp.conventionnes}`);
  if (base.present !== real.people.present) out.push(`présents ${base.present} ≠ ${real.people.present}`);
  if (base.entered !== real.people.entered) out.push(`entrés ${base.entered} ≠ ${real.people.entered}`);
  if (base.examinedExits !== real.exits.examined) out.push(`sorties examinées ${base.examinedExits} ≠ ${real.exits.examined}`);
  if (base.structures !== real.structures.total) out.push(`structures ${base.structures} ≠ ${real.structures.total}`);
  return out;
}
