// Scenario 6 — Years accumulating: the national dashboard (computeIndicators, last full year with the
// previous period) on a database holding 10 generated years of FluxIAE data, against the same dashboard on a
// database holding 1 year, both imported into PostgreSQL in this run from the same generator and seed. A
// full run uses a tenth of the national scale for both (10 national years would be 23 million monthly rows);
// --quick and --scale use their own scale. Target: 10 years ≤ 1.2 × 1 year. Both measured alternately.
import { openDatabase } from "../../src/db/connection.js";
import { computeIndicators } from "../../src/indicators/computeIndicators.js";
import { postgresImport } from "../datasets.js";
import type { BenchContext } from "../lib/context.js";
import { notMeasured } from "../lib/results.js";
import { elapsedMs, median, percentile } from "../lib/stats.js";
import { pickSubjects, withStatementTimeout } from "./indicatorsScenario.js";

const S = "6. Années accumulées";
export const YEARS1_DB = "passerelle_bench_years1";
export const YEARS10_DB = "passerelle_bench_years10";
const TARGET = "≤ 1,2 × la même mesure sur 1 année";

/** The scale of the years scenario: a tenth of the national scale for a full run, else the run's scale. */
export function yearsScale(scale: string): string {
  return scale === "national" ? "0.1" : scale;
}

export async function yearsScenario(ctx: BenchContext): Promise<void> {
  const scale = yearsScale(ctx.options.scale);
  const label = `Tableau de bord national avec 10 années de données (échelle ${scale}), dernière année et précédente`;
  const one = await postgresImport(ctx, scale, YEARS1_DB, 1);
  if (!one.ok) return ctx.add(notMeasured(S, label, "postgresql", "ms", one.reason, TARGET));
  const ten = await postgresImport(ctx, scale, YEARS10_DB, 10);
  if (!ten.ok) return ctx.add(notMeasured(S, label, "postgresql", "ms", ten.reason, TARGET));
  const timeout = ctx.options.quick ? 120_000 : 300_000;
  const h1 = await openDatabase({ url: withStatementTimeout(one.url as string, timeout), poolSize: 2 });
  const h10 = await openDatabase({ url: withStatementTimeout(ten.url as string, timeout), poolSize: 2 });
  try {
    const s1 = await pickSubjects(h1.db);
    const s10 = await pickSubjects(h10.db);
    if (!s1 || !s10)
      return ctx.add(notMeasured(S, label, "postgresql", "ms", "aucune déclaration mensuelle dans les données importées", TARGET));
    const run = (db: typeof h1.db, year: number) =>
      computeIndicators(db, { scope: { type: "nation" }, from: `${year}-01-01`, to: `${year}-12-31` });
    await run(h1.db, s1.year);
    await run(h10.db, s10.year);
    const t1: number[] = [];
    const t10: number[] = [];
    for (let i = 0; i < ctx.options.runs; i++) {
      let start = process.hrtime.bigint();
      await run(h1.db, s1.year);
      t1.push(elapsedMs(start));
      start = process.hrtime.bigint();
      await run(h10.db, s10.year);
      t10.push(elapsedMs(start));
    }
    const value = median(t10);
    const base = median(t1);
    ctx.add({
      scenario: S,
      label: `${label} : ${ten.monthlyRows.toLocaleString("fr-FR")} lignes mensuelles (${s10.year}) contre ${one.monthlyRows.toLocaleString("fr-FR")} (${s1.year})`,
      engine: "postgresql",
      value,
      unit: "ms",
      samples: t10.length,
      p99: percentile(t10, 99),
      baseline: { label: `même tableau de bord, 1 année de données (${s1.year})`, value: base },
      ratioKind: "relative",
      target: { text: TARGET, met: base > 0 ? value / base <= 1.2 : null },
    });
  } finally {
    await h1.close();
    await h10.close();
  }
}
