// computeIndicators(db, { scope, from, to, at }) — the §5 JSON shape (design §5 `passerelle indicators`)
// plus extras (capped taux, sub-rates, created structures, modulated part, amounts per ETP, previous
// period and change). Pure function of (db, params): used by the CLI, the HTTP API and the report.
import type { Kysely } from "kysely";
import { refreshPlannerStatistics } from "../db/rollups.js";
import type { Database } from "../db/schema.js";
import { endOfMonth, ensureOrderedPeriod, parseIsoDate } from "../domain/calendar/isoDate.js";
import { type ExitCounts, exitRates } from "../domain/exits/examined.js";
import type { Change, FundingLineAmount, Indicators, PeriodFigures } from "../contracts/indicators.js";
import { INDICATOR_DEFINITIONS } from "../domain/indicators/definitions.js";
import { previousPeriod, relativeChange } from "../domain/indicators/periods.js";
import { type ProratedAmount, proratedCents } from "../domain/indicators/proration.js";
import type { Period } from "../domain/indicators/records.js";
import { Decimal } from "../domain/money/money.js";
import type { SiaeKind } from "../domain/structures/kinds.js";
import type { FollowUpAudience } from "../domain/followUp/indicators.js";
import { type PeriodAt, queryFiguresMany, type RawFigures } from "./figures.js";
import { computeFollowUpIndicators } from "./followUp.js";
import { describeScope, formatScope, parseScope, type Scope, ScopeError } from "./scope.js";

export interface IndicatorParams {
  scope: Scope | string;
  from: string;
  to: string;
  /** Observation date of the structure counts (default: end of period). */
  at?: string;
  /** Restrict to one SIAE kind. */
  kind?: SiaeKind;
  /** Compute the previous period and the changes (default true). */
  withPrevious?: boolean;
  /** "structure" only when the structure of a structure scope reads its own follow-up figures (default: small-count rule). */
  followUpAudience?: FollowUpAudience;
}

export type { Indicators, PeriodFigures };

const cents = (d: Decimal) => Number(d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2));
const etpNumber = (d: Decimal) => Number(d.toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed(4));

/** Validates the period; errors are the caller's input (ScopeError → exit 1 / HTTP 400). */
export function checkedPeriod(from: string, to: string, at?: string): { period: Period; at: string } {
  try {
    parseIsoDate(from, "période (début)");
    parseIsoDate(to, "période (fin)");
    ensureOrderedPeriod(from, to, "période");
    if (at !== undefined) parseIsoDate(at, "date d'observation");
  } catch (e) {
    throw new ScopeError(e instanceof Error ? e.message : String(e));
  }
  return { period: { from, to }, at: at ?? to };
}

/** Sums the raw figures into the period figures (exact decimals, rounded at the end like the twin). */
export function summarise(
  raw: RawFigures,
  period: Period,
  at: string,
  lines: ReadonlyMap<string, { label: string; financer: string }>,
): PeriodFigures {
  // Sums over the structures, computed by the query (equal to the sums of raw.perStructure when it is asked).
  const etpConv = new Decimal(raw.totals.etpConventionnes);
  const etpReal = new Decimal(raw.totals.etpRealises);
  const total: ProratedAmount = raw.totals.budgetTotal;
  const cof: ProratedAmount = raw.totals.budgetCofinanced;
  const modulated: ProratedAmount = raw.totals.modulated;
  const exits: ExitCounts = raw.totals.exits;
  const taux = etpConv.isZero() ? null : etpReal.dividedBy(etpConv);
  const rates = exitRates(exits);
  const totalC = proratedCents(total);
  const cofC = proratedCents(cof);
  const stateC = totalC.minus(cofC);
  const fundingLines: FundingLineAmount[] = [...raw.fundingLines].map(([code, amount]) => ({
    code,
    label: lines.get(code)?.label ?? code,
    financer: lines.get(code)?.financer ?? "autre",
    amount: cents(proratedCents(amount)),
  }));
  const structuresTotal = Object.values(raw.structuresAt).reduce((a, b) => a + b, 0);
  const createdTotal = Object.values(raw.createdInPeriod).reduce((a, b) => a + b, 0);
  return {
    period: { from: period.from, to: period.to },
    at,
    structures: {
      total: structuresTotal,
      byKind: raw.structuresAt,
      createdLast2Years: raw.createdLast2Years,
      createdInPeriod: { total: createdTotal, byKind: raw.createdInPeriod },
    },
    etp: {
      conventionnes: etpNumber(etpConv),
      realises: etpNumber(etpReal),
      tauxRealisation: taux === null ? null : taux.toNumber(),
      tauxRealisationCapped: taux === null ? null : Decimal.min(taux, 1).toNumber(),
    },
    people: {
      present: raw.present,
      entered: raw.entered,
      rsaShare: raw.present === 0 ? null : raw.presentRsa / raw.present,
      rsaPresent: raw.presentRsa,
      rsaShareEntered: raw.entered === 0 ? null : raw.rsaEntered / raw.entered,
      rsaEntered: raw.rsaEntered,
    },
    exits: {
      examined: exits.examined,
      byCategory: { durable: exits.durable, transition: exits.transition, positive: exits.positive, other: exits.other },
      dynamicRate: rates.dynamic,
      durableRate: rates.durable,
      transitionRate: rates.transition,
      positiveRate: rates.positive,
    },
    budget: {
      total: cents(totalC),
      state: cents(stateC),
      departement: cents(cofC),
      modulated: cents(proratedCents(modulated)),
      byFundingLine: Object.fromEntries(fundingLines.map((l) => [l.code, l.amount])),
      fundingLines,
      perEtp: {
        total: etpConv.isZero() ? null : cents(totalC.dividedBy(etpConv)),
        state: etpConv.isZero() ? null : cents(stateC.dividedBy(etpConv)),
      },
    },
  };
}

export async function fundingLineLabels(db: Kysely<Database>): Promise<Map<string, { label: string; financer: string }>> {
  const rows = await db.selectFrom("funding_line").select(["code", "label", "financer"]).execute();
  return new Map(rows.map((r) => [r.code, { label: r.label, financer: r.financer }]));
}

/** Figures of one period (no previous period). */
export async function computePeriodFigures(
  db: Kysely<Database>,
  scope: Scope,
  period: Period,
  at: string,
  kind?: SiaeKind,
): Promise<PeriodFigures> {
  const [figures] = await computePeriodsFigures(db, scope, [{ period, at }], kind);
  if (!figures) throw new Error("computePeriodFigures: no result");
  return figures;
}

/** Figures of several periods of one scope, in one query (queryFiguresMany). */
export async function computePeriodsFigures(
  db: Kysely<Database>,
  scope: Scope,
  items: readonly PeriodAt[],
  kind?: SiaeKind,
): Promise<PeriodFigures[]> {
  const [raws, lines] = await Promise.all([queryFiguresMany(db, scope, items, kind), fundingLineLabels(db)]);
  return raws.map((raw, i) => summarise(raw, (items[i] as PeriodAt).period, (items[i] as PeriodAt).at, lines));
}

function change(previous: number | null, current: number | null): Change {
  return {
    previous,
    current,
    difference: previous === null || current === null ? null : current - previous,
    relative: relativeChange(current, previous),
  };
}

export async function computeIndicators(db: Kysely<Database>, params: IndicatorParams): Promise<Indicators> {
  const scope = typeof params.scope === "string" ? parseScope(params.scope) : params.scope;
  const { period, at } = checkedPeriod(params.from, params.to, params.at);
  const scopeLabel = await describeScope(db, scope);
  await refreshPlannerStatistics(db);
  const items: PeriodAt[] = [{ period, at }];
  if (params.withPrevious !== false) {
    const prev = previousPeriod(period);
    // The previous period's structures are observed at its own end (same offset as `at` when it is the period end).
    const prevAt = params.at === undefined || params.at === period.to ? prev.to : endOfMonth(prev.to);
    items.push({ period: prev, at: prevAt });
  }
  // Both periods in one round trip.
  const [current, previousOrUndefined] = await computePeriodsFigures(db, scope, items, params.kind);
  if (!current) throw new Error("computeIndicators: no result");
  const previous: PeriodFigures | null = previousOrUndefined ?? null;
  const audience: FollowUpAudience = params.followUpAudience === "structure" && scope.type === "structure" ? "structure" : "outside";
  const followUp = await computeFollowUpIndicators(db, scope, period, audience, params.kind);
  return {
    scope: formatScope(scope),
    scopeLabel,
    kind: params.kind ?? null,
    ...current,
    followUp,
    previous,
    change:
      previous === null
        ? null
        : {
            etpConventionnes: change(previous.etp.conventionnes, current.etp.conventionnes),
            etpRealises: change(previous.etp.realises, current.etp.realises),
            entered: change(previous.people.entered, current.people.entered),
            present: change(previous.people.present, current.people.present),
            budgetTotal: change(previous.budget.total, current.budget.total),
            budgetState: change(previous.budget.state, current.budget.state),
            structures: change(previous.structures.total, current.structures.total),
            dynamicRate: change(previous.exits.dynamicRate, current.exits.dynamicRate),
          },
    definitions: INDICATOR_DEFINITIONS,
  };
}
