// Indicators of a scope over a period (the figures of `passerelle indicators`), the charts' series and
// the per-structure table of the dashboards (export CSV/XLSX). Target: `scope` (src/contracts/target.ts).
import { z } from "zod";
import { byKind, exitsByCategory, isoDate, listQuery, pageOf, siaeKind, yearParam } from "./common.js";
import { INDICATOR_DEFINITIONS, type IndicatorKey } from "../domain/indicators/definitions.js";
import { defineContract } from "./contract.js";
import { scopeParam } from "./target.js";

/** ?year=YYYY or ?from&to: the period of the request. */
const periodKeys = { year: yearParam.optional(), from: isoDate.optional(), to: isoDate.optional(), kind: siaeKind.optional() };
const hasPeriod = (q: { year?: number | undefined; from?: string | undefined; to?: string | undefined }) =>
  q.year !== undefined || (q.from !== undefined && q.to !== undefined);
const PERIOD_MESSAGE = { message: "Indiquez l'année (year) ou la période (from et to).", path: ["year"] };

export function periodOf(q: { year?: number | undefined; from?: string | undefined; to?: string | undefined }): {
  from: string;
  to: string;
} {
  if (q.from && q.to) return { from: q.from, to: q.to };
  return { from: `${q.year}-01-01`, to: `${q.year}-12-31` };
}

const scopeTarget = { query: z.strictObject({ scope: scopeParam }), resolve: ({ scope }: { scope: z.output<typeof scopeParam> }) => scope };

export const FundingLineAmount = z.object({ code: z.string(), label: z.string(), financer: z.string(), amount: z.number() });
export type FundingLineAmount = z.infer<typeof FundingLineAmount>;

const figures = {
  period: z.object({ from: z.string(), to: z.string() }),
  at: z.string(),
  structures: z.object({
    total: z.number(),
    byKind,
    createdLast2Years: z.number(),
    createdInPeriod: z.object({ total: z.number(), byKind }),
  }),
  etp: z.object({
    conventionnes: z.number(),
    realises: z.number(),
    tauxRealisation: z.number().nullable(),
    tauxRealisationCapped: z.number().nullable(),
  }),
  people: z.object({
    present: z.number(),
    entered: z.number(),
    rsaShare: z.number().nullable(),
    rsaPresent: z.number(),
    rsaShareEntered: z.number().nullable(),
    rsaEntered: z.number(),
  }),
  exits: z.object({
    examined: z.number(),
    byCategory: exitsByCategory,
    dynamicRate: z.number().nullable(),
    durableRate: z.number().nullable(),
    transitionRate: z.number().nullable(),
    positiveRate: z.number().nullable(),
  }),
  budget: z.object({
    total: z.number(),
    state: z.number(),
    departement: z.number(),
    modulated: z.number(),
    byFundingLine: z.record(z.string(), z.number()),
    fundingLines: z.array(FundingLineAmount),
    perEtp: z.object({ total: z.number().nullable(), state: z.number().nullable() }),
  }),
};
/** The figures of one period (the current one, or the previous one beside it). */
export const PeriodFigures = z.object(figures);
export type PeriodFigures = z.infer<typeof PeriodFigures>;
const followUpFigure = z.object({
  due: z.number().nullable(),
  known: z.number().nullable(),
  /** Share of the exits due whose situation is unknown or not entered: always given (null only when withheld or nothing due). */
  unknownShare: z.number().nullable(),
  employedRate: z.number().nullable(),
  durableEmployedRate: z.number().nullable(),
  withheld: z.boolean(),
  withheldReason: z.string().nullable(),
});
const followUpHorizon = followUpFigure.extend({
  /** The same figures per category group of the exit recorded at exit. */
  byExitGroup: z.object({ durable: followUpFigure, transition: followUpFigure, positive: followUpFigure, other: followUpFigure }),
});
export const FollowUpIndicators = z.object({ at6Months: followUpHorizon, at12Months: followUpHorizon });
export type FollowUpIndicators = z.infer<typeof FollowUpIndicators>;

export const Change = z.object({
  previous: z.number().nullable(),
  current: z.number().nullable(),
  difference: z.number().nullable(),
  relative: z.number().nullable(),
});
export type Change = z.infer<typeof Change>;
const INDICATOR_KEYS = Object.keys(INDICATOR_DEFINITIONS) as [IndicatorKey, ...IndicatorKey[]];
export const Indicators = z.object({
  scope: z.string(),
  scopeLabel: z.string(),
  kind: siaeKind.nullable(),
  ...figures,
  followUp: FollowUpIndicators,
  previous: PeriodFigures.nullable(),
  /** The figures compared with the previous period. */
  change: z
    .object({
      etpConventionnes: Change,
      etpRealises: Change,
      entered: Change,
      present: Change,
      budgetTotal: Change,
      budgetState: Change,
      structures: Change,
      dynamicRate: Change,
    })
    .nullable(),
  definitions: z.record(z.enum(INDICATOR_KEYS), z.object({ label: z.string(), definition: z.string() })),
});
export type Indicators = z.infer<typeof Indicators>;

export const IndicatorSeries = z.object({
  scope: z.string(),
  period: z.object({ from: z.string(), to: z.string() }),
  monthly: z.array(z.object({ month: z.string(), etpConventionnes: z.number(), etpRealises: z.number(), entered: z.number() })),
  yearly: z.array(
    z.object({
      year: z.number().int(),
      period: z.object({ from: z.string(), to: z.string() }),
      structuresByKind: byKind,
      structuresTotal: z.number(),
      exitsByCategory,
      exitsExamined: z.number(),
      dynamicRate: z.number().nullable(),
      budgetByFundingLine: z.record(z.string(), z.number()),
      budgetTotal: z.number(),
      etpConventionnes: z.number(),
      etpRealises: z.number(),
      entered: z.number(),
    }),
  ),
});
export type IndicatorSeries = z.infer<typeof IndicatorSeries>;

export const StructurePerformance = z.object({
  id: z.number().int(),
  name: z.string(),
  kind: siaeKind,
  departement: z.string(),
  etpConventionnes: z.number(),
  etpRealises: z.number(),
  tauxRealisation: z.number().nullable(),
  tauxRealisationCapped: z.number().nullable(),
  exitsExamined: z.number(),
  dynamicRate: z.number().nullable(),
  durableRate: z.number().nullable(),
  budgetTotal: z.number(),
  budgetState: z.number(),
});
export type StructurePerformance = z.infer<typeof StructurePerformance>;
export const STRUCTURE_TABLE_SORT = [
  "name",
  "kind",
  "etpConventionnes",
  "etpRealises",
  "tauxRealisation",
  "exitsExamined",
  "dynamicRate",
  "budgetTotal",
] as const;

/** How many years of yearly points the series give (exits by category per year). */
export const SERIES_YEARS = 5;

export const getIndicators = defineContract({
  method: "GET",
  path: "/api/v1/indicators",
  tags: ["indicateurs"],
  summary: "Indicateurs d'un périmètre sur une période (mêmes chiffres que la commande `indicators`)",
  target: scopeTarget,
  query: z.strictObject({ ...periodKeys, at: isoDate.optional() }).refine(hasPeriod, PERIOD_MESSAGE),
  response: { 200: Indicators },
});

export const getIndicatorSeries = defineContract({
  method: "GET",
  path: "/api/v1/indicators/series",
  tags: ["indicateurs"],
  summary: `Séries des graphiques : mensuelles sur la période, annuelles sur les ${SERIES_YEARS} dernières années`,
  target: scopeTarget,
  query: z.strictObject(periodKeys).refine(hasPeriod, PERIOD_MESSAGE),
  response: { 200: IndicatorSeries },
});

export const listStructurePerformance = defineContract({
  method: "GET",
  path: "/api/v1/indicators/structures",
  tags: ["indicateurs"],
  summary: "Tableau des structures d'un périmètre : ETP, taux de réalisation, sorties dynamiques (export CSV/XLSX)",
  target: scopeTarget,
  query: z.strictObject({ ...listQuery(STRUCTURE_TABLE_SORT, "name"), ...periodKeys }).refine(hasPeriod, PERIOD_MESSAGE),
  response: { 200: pageOf(StructurePerformance) },
});
