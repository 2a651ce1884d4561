// Scenario 1 — Import: the national FluxIAE delivery into PostgreSQL and the département delivery into PGlite,
// through `passerelle import` run as a child process: monthly rows per second, peak RSS of the process tree.
// Memory flatness: the same import at a tenth of the scale; the peak RSS ratio (full ÷ tenth) should stay ≈ 1.
// Baseline in the same run: the engine's raw COPY rate (lib/rawCopy.ts).
import path from "node:path";
import { openDatabase } from "../../src/db/connection.js";
import { type Built, type ImportedDatabase, pgliteImport, postgresImport } from "../datasets.js";
import type { BenchContext } from "../lib/context.js";
import { rawCopyRate } from "../lib/rawCopy.js";
import { notMeasured } from "../lib/results.js";

const S = "1. Import";
const RAW_COPY_MAX = 3_000_000;

export const NATIONAL_DB = "passerelle_bench";
export const SMALL_DB = "passerelle_bench_small";

/** The smaller scale used for the memory-flatness comparison (a tenth). */
export function tenthOf(scale: string): string {
  const factor = scale === "national" ? 1 : Number(scale);
  return String(Number((factor / 10).toPrecision(3)));
}

async function rawRate(imported: ImportedDatabase): Promise<number> {
  const handle = await openDatabase(
    imported.url ? { url: imported.url, poolSize: 1 } : { pgliteDir: path.join(imported.dataDir as string, "pglite"), lock: true },
  );
  try {
    return await rawCopyRate(handle, Math.max(1, Math.min(imported.monthlyRows, RAW_COPY_MAX)));
  } finally {
    await handle.close();
  }
}

interface ViewTiming {
  view: string;
  rows: number;
  ms: number;
  steps?: Record<string, number>;
}

/** The per-view durations of a `passerelle import --json` report (empty when absent or unreadable). */
export function viewTimings(stdout: string): ViewTiming[] {
  try {
    const report = JSON.parse(stdout) as { views?: unknown };
    if (!Array.isArray(report.views)) return [];
    return report.views.filter(
      (v): v is ViewTiming =>
        typeof v === "object" && v !== null && typeof v.view === "string" && typeof v.rows === "number" && typeof v.ms === "number",
    );
  } catch {
    return [];
  }
}

function reportImport(
  ctx: BenchContext,
  label: string,
  built: Built<ImportedDatabase>,
  target: string | undefined,
  targetRate: number | null,
  baseline: number | null,
): void {
  const engine = label.includes("PGlite") ? "pglite" : "postgresql";
  if (!built.ok) {
    ctx.add(notMeasured(S, label, engine, "lignes/s", built.reason, target));
    return;
  }
  const seconds = built.run.wallMs / 1000;
  const rate = built.monthlyRows / seconds;
  ctx.add({
    scenario: S,
    label: `${label} — ${built.monthlyRows.toLocaleString("fr-FR")} lignes mensuelles, ${(built.deliveryBytes / 1e6).toFixed(0)} Mo, ${seconds.toFixed(1)} s`,
    engine,
    value: rate,
    unit: "lignes/s",
    samples: 1,
    ...(baseline === null ? {} : { baseline: { label: "COPY brut, même moteur", value: baseline }, ratioKind: "relative" as const }),
    ...(target ? { target: { text: target, met: targetRate === null ? null : rate >= targetRate } } : {}),
    note: "temps total du processus `passerelle import` (démarrage Node compris)",
  });
  const views = viewTimings(built.run.stdout);
  if (views.length > 0) {
    ctx.note(
      `${label} — durée par vue (\`views\` du rapport JSON) : ${views
        .map(
          (v) =>
            `${v.view} ${v.rows.toLocaleString("fr-FR")} lignes en ${(v.ms / 1000).toFixed(1)} s${
              v.steps
                ? ` (${Object.entries(v.steps)
                    .map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)} s`)
                    .join(", ")})`
                : ""
            }`,
        )
        .join(" ; ")}`,
    );
  }
  if (built.run.peakRssMb !== null)
    ctx.add({ scenario: S, label: `${label} — pic de mémoire (RSS)`, engine, value: built.run.peakRssMb, unit: "Mo", samples: 1 });
}

export async function importScenario(ctx: BenchContext): Promise<void> {
  const { scale } = ctx.options;
  const national = await postgresImport(ctx, scale, NATIONAL_DB);
  const base = national.ok ? await rawRate(national).catch(() => null) : null;
  reportImport(ctx, `FluxIAE échelle ${scale} → PostgreSQL`, national, "≥ 100 000 lignes/s sur 2 cœurs", 100_000, base);

  // Memory flat: same import at a tenth of the scale.
  if (national.ok && national.run.peakRssMb !== null) {
    const small = await postgresImport(ctx, tenthOf(scale), SMALL_DB);
    if (!small.ok || small.run.peakRssMb === null) {
      ctx.add(notMeasured(S, "Mémoire plate (pic RSS grand ÷ petit)", "postgresql", "×", small.ok ? "RSS indisponible" : small.reason));
    } else {
      const ratio = national.run.peakRssMb / small.run.peakRssMb;
      ctx.add({
        scenario: S,
        label: `Mémoire plate : pic RSS à l'échelle ${scale} (${national.monthlyRows.toLocaleString("fr-FR")} lignes) ÷ échelle ${tenthOf(scale)} (${small.monthlyRows.toLocaleString("fr-FR")} lignes) = ${national.run.peakRssMb.toFixed(0)} Mo ÷ ${small.run.peakRssMb.toFixed(0)} Mo`,
        engine: "postgresql",
        value: ratio,
        unit: "×",
        samples: 1,
        target: { text: "pic RSS indépendant de la taille (≤ 1,25×)", met: ratio <= 1.25 },
      });
    }
  }

  const dep = await pgliteImport(ctx);
  const depBase = dep.ok ? await rawRate(dep).catch(() => null) : null;
  reportImport(ctx, "FluxIAE département → PGlite", dep, undefined, null, depBase);
}
