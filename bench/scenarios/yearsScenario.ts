// Scenario 6 — Years accumulating: the national dashboard (computeIndicators, last full year with the
// previous period) on a database holding 10 generated years of FluxIAE data, against the same dashboard on a
// database holding 2 years, all imported into PostgreSQL in this run from the same generator and seed. The
// compared base holds 2 years because the dashboard reads the last year AND the previous one: with 1 year of
// data (also measured, as context) the previous period is empty, so the two cases would not read the same
// amount of data even if nothing grew with the years stored. A full run uses a tenth of the national scale
// (10 national years would be 23 million monthly rows); --quick and --scale use their own scale.
// Target: 10 years ≤ 1.2 × 2 years. The three are measured alternately.
import { openDatabase } from "../../src/db/connection.js";
import { computeIndicators } from "../../src/indicators/computeIndicators.js";
import { postgresImport } from "../datasets.js";
import type { BenchContext } from "../lib/context.js";
import { notMeasured } from "../lib/results.js";
import { elapsedMs, median, percentile } from "../lib/stats.js";
import { pickSubjects, withStatementTimeout } from "./indicatorsScenario.js";

const S = "6. Années accumulées";
export const YEARS1_DB = "passerelle_bench_years1";
export const YEARS2_DB = "passerelle_bench_years2";
export const YEARS10_DB = "passerelle_bench_years10";
const TARGET = "≤ 1,2 × la même mesure sur 2 années";

/** The scale of the years scenario: a tenth of the national scale for a full run, else the run's scale. */
export function yearsScale(scale: string): string {
  return scale === "national" ? "0.1" : scale;
}

export async function yearsScenario(ctx: BenchContext): Promise<void> {
  const scale = yearsScale(ctx.options.scale);
  const label = `Tableau de bord national avec 10 années de données (échelle ${scale}), dernière année et précédente`;
  const one = await postgresImport(ctx, scale, YEARS1_DB, 1);
  if (!one.ok) return ctx.add(notMeasured(S, label, "postgresql", "ms", one.reason, TARGET));
  const two = await postgresImport(ctx, scale, YEARS2_DB, 2);
  if (!two.ok) return ctx.add(notMeasured(S, label, "postgresql", "ms", two.reason, TARGET));
  const ten = await postgresImport(ctx, scale, YEARS10_DB, 10);
  if (!ten.ok) return ctx.add(notMeasured(S, label, "postgresql", "ms", ten.reason, TARGET));
  const timeout = ctx.options.quick ? 120_000 : 300_000;
  const h1 = await openDatabase({ url: withStatementTimeout(one.url as string, timeout), poolSize: 2 });
  const h2 = await openDatabase({ url: withStatementTimeout(two.url as string, timeout), poolSize: 2 });
  const h10 = await openDatabase({ url: withStatementTimeout(ten.url as string, timeout), poolSize: 2 });
  try {
    const s1 = await pickSubjects(h1.db);
    const s2 = await pickSubjects(h2.db);
    const s10 = await pickSubjects(h10.db);
    if (!s1 || !s2 || !s10)
      return ctx.add(notMeasured(S, label, "postgresql", "ms", "aucune déclaration mensuelle dans les données importées", TARGET));
    const run = (db: typeof h1.db, year: number) =>
      computeIndicators(db, { scope: { type: "nation" }, from: `${year}-01-01`, to: `${year}-12-31` });
    await run(h1.db, s1.year);
    await run(h2.db, s2.year);
    await run(h10.db, s10.year);
    const t1: number[] = [];
    const t2: number[] = [];
    const t10: number[] = [];
    for (let i = 0; i < ctx.options.runs; i++) {
      let start = process.hrtime.bigint();
      await run(h1.db, s1.year);
      t1.push(elapsedMs(start));
      start = process.hrtime.bigint();
      await run(h2.db, s2.year);
      t2.push(elapsedMs(start));
      start = process.hrtime.bigint();
      await run(h10.db, s10.year);
      t10.push(elapsedMs(start));
    }
    const value = median(t10);
    const base = median(t2);
    const context = `1 année seule (${s1.year}, période précédente vide) : ${median(t1).toFixed(1).replace(".", ",")} ms`;
    ctx.add({
      scenario: S,
      label: `${label} : ${ten.monthlyRows.toLocaleString("fr-FR")} lignes mensuelles (${s10.year}) contre ${two.monthlyRows.toLocaleString("fr-FR")} sur 2 années (${s2.year} et précédente) ; ${context}`,
      engine: "postgresql",
      value,
      unit: "ms",
      samples: t10.length,
      p99: percentile(t10, 99),
      baseline: { label: `même tableau de bord, 2 années de données (${s2.year} et la précédente)`, value: base },
      ratioKind: "relative",
      target: { text: TARGET, met: base > 0 ? value / base <= 1.2 : null },
    });
  } finally {
    await h1.close();
    await h2.close();
    await h10.close();
  }
}
