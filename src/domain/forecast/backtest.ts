// Backtest of the forecast: project a past year from each of its month-ends (with only what was declared by
// then) and compare with what the whole year turned out to be.
import { endOfMonth } from "../calendar/isoDate.js";
import { Decimal } from "../money/money.js";
import { computeEnvelope, type EnvelopeAnnex } from "./envelope.js";

export interface BacktestMonth {
  at: string;
  projectedEtp: number;
  actualEtp: number;
  absError: number;
  /** absError ÷ actualEtp (null when nothing was realised). */
  relError: number | null;
  /** Mean over the structures of |projected − actual| (ETP) at this date. */
  meanAbsErrorStructures: number;
  /** Whether the actual year-end lies in the forecast interval. */
  inInterval: boolean;
}

export interface Backtest {
  year: number;
  months: BacktestMonth[];
  /** Mean over the month-ends and the structures of |projected − actual| (ETP). */
  meanAbsErrorStructures: number;
  /** Same, relative to each structure's actual ETP (structures with ETP réalisés > 0). */
  meanRelErrorStructures: number | null;
  /** Mean over the month-ends of the département's |projected − actual| ÷ actual. */
  meanRelErrorArea: number | null;
}

const n4 = (d: Decimal) => Number(d.toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed(4));

export function backtest(annexes: readonly EnvelopeAnnex[], year: number): Backtest {
  const final = computeEnvelope(annexes, year, `${year}-12-31`);
  const actualByStructure = new Map(final.forecast.structures.map((s) => [s.structureId, s.realisedToDate]));
  const actual = final.forecast.realisedToDate;
  const months: BacktestMonth[] = [];
  let sumAbsS = new Decimal(0);
  let sumRelS = new Decimal(0);
  let countS = 0;
  let countRelS = 0;
  let sumRelArea = new Decimal(0);
  for (let m = 1; m <= 12; m++) {
    const at = endOfMonth(`${year}-${String(m).padStart(2, "0")}-01`);
    const env = computeEnvelope(annexes, year, at);
    let monthAbs = new Decimal(0);
    for (const s of env.forecast.structures) {
      const a = actualByStructure.get(s.structureId) ?? new Decimal(0);
      const err = s.projected.minus(a).abs();
      monthAbs = monthAbs.plus(err);
      sumAbsS = sumAbsS.plus(err);
      countS++;
      if (a.greaterThan(0)) {
        sumRelS = sumRelS.plus(err.dividedBy(a));
        countRelS++;
      }
    }
    const absError = env.forecast.projected.minus(actual).abs();
    if (actual.greaterThan(0)) sumRelArea = sumRelArea.plus(absError.dividedBy(actual));
    months.push({
      at,
      projectedEtp: n4(env.forecast.projected),
      actualEtp: n4(actual),
      absError: n4(absError),
      relError: actual.greaterThan(0) ? n4(absError.dividedBy(actual)) : null,
      meanAbsErrorStructures: env.forecast.structures.length === 0 ? 0 : n4(monthAbs.dividedBy(env.forecast.structures.length)),
      inInterval: env.forecast.low.lessThanOrEqualTo(actual) && env.forecast.high.greaterThanOrEqualTo(actual),
    });
  }
  return {
    year,
    months,
    meanAbsErrorStructures: countS === 0 ? 0 : n4(sumAbsS.dividedBy(countS)),
    meanRelErrorStructures: countRelS === 0 ? null : n4(sumRelS.dividedBy(countRelS)),
    meanRelErrorArea: actual.greaterThan(0) ? n4(sumRelArea.dividedBy(12)) : null,
  };
}
