export {
  checkedPeriod,
  computeIndicators,
  computePeriodFigures,
  type Indicators,
  type IndicatorParams,
  type PeriodFigures,
} from "./computeIndicators.js";
export { computeSeries, type MonthPoint, type Series, type SeriesParams, type YearPoint } from "./computeSeries.js";
export { describeScope, formatScope, parseKindFilter, parseScope, type Scope, ScopeError } from "./scope.js";
export { computeStructureTable, type StructureRow } from "./structureTable.js";
