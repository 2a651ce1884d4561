// Read model of the envelope and year-end forecast (src/domain/forecast): the counting AFs of the scope that
// meet the forecast year or the earlier years of the structures' profiles, and their hours per month read from
// rollup_annex_month up to the month of the observation date ONLY (nothing declared for a later month is read).
// Visibility in SQL when a principal is given (the CLI runs as the operator: no principal).
import { type Kysely, sql } from "kysely";
import type { Database } from "../db/schema.js";
import type { MonthKey } from "../domain/calendar/isoDate.js";
import { backtest as runBacktest, type Backtest } from "../domain/forecast/backtest.js";
import { computeEnvelope, type Envelope, type EnvelopeAnnex, UNALLOCATED_FUNDING_LINE } from "../domain/forecast/envelope.js";
import { PROFILE_YEARS } from "../domain/forecast/projection.js";
import { Decimal } from "../domain/money/money.js";
import type { Principal } from "../server/auth/principal.js";
import { type Scope, scopeCondition } from "../indicators/scope.js";
import { visibleStructure } from "./visibility.js";

export type EnvelopeScope = Extract<Scope, { type: "departement" } | { type: "structure" } | { type: "nation" }>;

/** The counting AFs of the scope and their monthly ETP réalisés from January of year − PROFILE_YEARS to `through`. */
export async function loadEnvelopeAnnexes(
  db: Kysely<Database>,
  scope: EnvelopeScope,
  year: number,
  through: MonthKey,
  principal: Principal | null = null,
): Promise<EnvelopeAnnex[]> {
  const first = `${year - PROFILE_YEARS}-01-01`;
  const last = `${year}-12-31`;
  const visible = principal === null ? sql`true` : visibleStructure(principal, sql`s.id`);
  const { rows: annexes } = await sql<{
    id: number;
    structure_id: number;
    etp: string;
    unit_amount: string | null;
    total_amount: string | null;
    starts_on: string;
    ends_on: string;
    annual_hours: string;
  }>`
    SELECT a.id, a.structure_id, a.etp, a.unit_amount, a.total_amount, a.starts_on, a.ends_on, a.annual_hours
    FROM counting_annex a JOIN structure s ON s.id = a.structure_id
    WHERE ${scopeCondition(scope)} AND ${visible} AND a.starts_on <= ${last}::date AND a.ends_on >= ${first}::date
    ORDER BY a.structure_id, a.starts_on, a.id`.execute(db);
  if (annexes.length === 0) return [];
  const { rows: hours } = await sql<{ annex_id: number; month: string; hours: string }>`
    SELECT r.annex_id, to_char(r.month, 'YYYY-MM') AS month, r.hours
    FROM rollup_annex_month r
    WHERE r.annex_id IN (${sql.join(annexes.map((a) => sql`${a.id}::bigint`))})
      AND r.month >= ${first}::date AND r.month <= ${`${through}-01`}::date`.execute(db);
  const { rows: funding } = await sql<{ annex_id: number; code: string; amount: string }>`
    SELECT f.annex_id, f.funding_line_code AS code, f.amount
    FROM financial_annex_funding f
    WHERE f.annex_id IN (${sql.join(annexes.map((a) => sql`${a.id}::bigint`))})
    ORDER BY f.annex_id, f.funding_line_code`.execute(db);
  const fundingOf = new Map<number, { code: string; amount: string }[]>();
  for (const f of funding) fundingOf.set(f.annex_id, [...(fundingOf.get(f.annex_id) ?? []), { code: f.code, amount: f.amount }]);
  const byAnnex = new Map<number, Record<MonthKey, Decimal>>();
  const annualHours = new Map(annexes.map((a) => [a.id, new Decimal(a.annual_hours)]));
  for (const h of hours) {
    const ah = annualHours.get(h.annex_id);
    if (!ah || ah.isZero()) continue;
    let m = byAnnex.get(h.annex_id);
    if (!m) {
      m = {};
      byAnnex.set(h.annex_id, m);
    }
    m[h.month] = (m[h.month] ?? new Decimal(0)).plus(new Decimal(h.hours).dividedBy(ah));
  }
  return annexes.map((a) => ({
    annexId: a.id,
    structureId: a.structure_id,
    etp: a.etp,
    unitAmount: a.unit_amount,
    totalAmount: a.total_amount,
    from: a.starts_on,
    to: a.ends_on,
    monthly: byAnnex.get(a.id) ?? {},
    funding: fundingOf.get(a.id) ?? [],
  }));
}

export interface EnvelopeView {
  scope: string;
  year: number;
  at: string;
  etp: {
    conventionnes: number;
    realisesToDate: number;
    projectedYearEnd: number;
    projectedInterval: { low: number; high: number };
    projectedRate: number | null;
  };
  budget: { conventionne: number; paidToDate: number; projectedYearEnd: number; projectedUnused: number };
  alerts: { under: number; over: number };
  structures: {
    structureId: number;
    name: string;
    kind: string;
    etpConventionnes: number;
    etpRealisesToDate: number;
    projectedYearEnd: number;
    projectedInterval: { low: number; high: number };
    projectedRate: number | null;
    alert: "under" | "over" | null;
    paidToDate: number;
    projectedAmount: number;
    /** The structure's aide au poste of the year (its AFs' conventioned amounts in the year). */
    conventionne: number;
    /** The structure's amounts by funding line: the same splits as `fundingLines`, which they sum to exactly. */
    fundingLines: EnvelopeViewFundingLine[];
  }[];
  /** The budget by funding line of the AFs (docs/steering.md): each column sums to the budget's, to the cent. */
  fundingLines: EnvelopeViewFundingLine[];
}

export interface EnvelopeViewFundingLine {
  code: string;
  label: string;
  conventionne: number;
  paidToDate: number;
  projectedYearEnd: number;
  projectedUnused: number;
}

const n4 = (d: Decimal) => Number(d.toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed(4));

const UNALLOCATED_LABEL = "Non ventilé (annexe sans ligne de financement)";

export function envelopeView(
  env: Envelope,
  scopeLabel: string,
  names: Map<number, { name: string; kind: string }>,
  fundingLabels: Map<string, string> = new Map(),
): EnvelopeView {
  const f = env.forecast;
  const line = (l: Envelope["fundingLines"][number]): EnvelopeViewFundingLine => ({
    code: l.code,
    label: fundingLabels.get(l.code) ?? (l.code === UNALLOCATED_FUNDING_LINE ? UNALLOCATED_LABEL : l.code),
    conventionne: Number(l.conventionne.toFixed(2)),
    paidToDate: Number(l.paidToDate.toFixed(2)),
    projectedYearEnd: Number(l.projectedYearEnd.toFixed(2)),
    projectedUnused: Number(l.projectedUnused.toFixed(2)),
  });
  return {
    scope: scopeLabel,
    year: env.year,
    at: env.at,
    etp: {
      conventionnes: n4(f.conventionnes),
      realisesToDate: n4(f.realisedToDate),
      projectedYearEnd: n4(f.projected),
      projectedInterval: { low: n4(f.low), high: n4(f.high) },
      projectedRate: f.projectedRate === null ? null : n4(f.projectedRate),
    },
    budget: {
      conventionne: Number(env.conventionedAmount.toFixed(2)),
      paidToDate: Number(env.paidToDate.toFixed(2)),
      projectedYearEnd: Number(env.projectedAmount.toFixed(2)),
      projectedUnused: Number(env.projectedUnused.toFixed(2)),
    },
    alerts: {
      under: env.structures.filter((s) => s.alert === "under").length,
      over: env.structures.filter((s) => s.alert === "over").length,
    },
    structures: env.structures.map((s) => ({
      structureId: s.structureId,
      name: names.get(s.structureId)?.name ?? "",
      kind: names.get(s.structureId)?.kind ?? "",
      etpConventionnes: Number(s.conventionnes),
      etpRealisesToDate: Number(s.realisedToDate),
      projectedYearEnd: Number(s.projectedYearEnd),
      projectedInterval: { low: Number(s.interval[0]), high: Number(s.interval[1]) },
      projectedRate: s.projectedRate,
      alert: s.alert,
      paidToDate: Number(s.paidToDate),
      projectedAmount: Number(s.projectedAmount),
      conventionne: Number(s.conventionedAmount),
      fundingLines: s.fundingLines.map(line),
    })),
    fundingLines: env.fundingLines.map(line),
  };
}

async function structureNames(db: Kysely<Database>, ids: number[]): Promise<Map<number, { name: string; kind: string }>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom("structure").select(["id", "name", "kind"]).where("id", "in", ids).execute();
  return new Map(rows.map((r) => [r.id, { name: r.name, kind: r.kind }]));
}

async function fundingLabels(db: Kysely<Database>, codes: string[]): Promise<Map<string, string>> {
  if (codes.length === 0) return new Map();
  const rows = await db.selectFrom("funding_line").select(["code", "label"]).where("code", "in", codes).execute();
  return new Map(rows.map((r) => [r.code, r.label]));
}

/** The envelope of `year` observed at `at` (a date of that year). */
export async function envelopeAt(
  db: Kysely<Database>,
  scope: EnvelopeScope,
  scopeLabel: string,
  year: number,
  at: string,
  principal: Principal | null = null,
): Promise<EnvelopeView> {
  const annexes = await loadEnvelopeAnnexes(db, scope, year, at.slice(0, 7), principal);
  const env = computeEnvelope(annexes, year, at);
  return envelopeView(
    env,
    scopeLabel,
    await structureNames(
      db,
      env.structures.map((s) => s.structureId),
    ),
    await fundingLabels(
      db,
      env.fundingLines.map((l) => l.code),
    ),
  );
}

/** Backtest of a past year: every month-end projected with only the months declared by then. */
export async function envelopeBacktest(
  db: Kysely<Database>,
  scope: EnvelopeScope,
  year: number,
  principal: Principal | null = null,
): Promise<Backtest> {
  return runBacktest(await loadEnvelopeAnnexes(db, scope, year, `${year}-12`, principal), year);
}
