// What a benchmark run produces: figures (median of several runs, optional p99), each with the baseline
// measured in the same run and the ratio to it, the target and whether it is met. A scenario that cannot
// run records "non mesuré : <raison>" instead of a number — never a made-up one.

export type Engine = "postgresql" | "pglite" | "—";

/** How the ratio to the baseline reads: speedup (baseline ÷ value, bigger is better) or relative cost (value ÷ baseline). */
export type RatioKind = "speedup" | "relative";

export interface Figure {
  scenario: string;
  label: string;
  engine: Engine;
  /** Median over the runs; null = not measured (see `note`). */
  value: number | null;
  unit: string;
  /** Number of measured samples behind the median. */
  samples?: number;
  p99?: number;
  baseline?: { label: string; value: number };
  ratioKind?: RatioKind;
  target?: { text: string; met: boolean | null };
  note?: string;
}

export function ratioOf(f: Figure): number | null {
  if (f.value === null || !f.baseline || f.baseline.value <= 0 || f.value <= 0) return null;
  return f.ratioKind === "speedup" ? f.baseline.value / f.value : f.value / f.baseline.value;
}

export function notMeasured(scenario: string, label: string, engine: Engine, unit: string, reason: string, target?: string): Figure {
  return {
    scenario,
    label,
    engine,
    value: null,
    unit,
    note: `non mesuré : ${reason}`,
    ...(target ? { target: { text: target, met: null } } : {}),
  };
}

const nf = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });
const nf2 = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 2 });

export function formatValue(v: number | null | undefined, unit = ""): string {
  if (v === null || v === undefined) return "—";
  const text = Math.abs(v) >= 100 ? nf.format(Math.round(v)) : Math.abs(v) >= 10 ? nf.format(v) : nf2.format(v);
  return unit ? `${text} ${unit}` : text;
}

export function formatRatio(f: Figure): string {
  const r = ratioOf(f);
  if (r === null) return "—";
  return f.ratioKind === "speedup" ? `${nf.format(r)}× plus rapide` : `× ${nf2.format(r)}`;
}

export function formatTarget(f: Figure): string {
  if (!f.target) return "";
  const status = f.target.met === null ? "?" : f.target.met ? "atteinte" : "NON atteinte";
  return `${f.target.text} — ${status}`;
}

/** Plain-text table for the terminal. */
export function textTable(figures: readonly Figure[]): string {
  const header = ["Scénario", "Mesure", "Moteur", "Médiane", "p99", "Base (même run)", "Ratio", "Cible"];
  const rows = figures.map((f) => [
    f.scenario,
    f.label,
    f.engine,
    f.value === null ? (f.note ?? "non mesuré") : formatValue(f.value, f.unit),
    formatValue(f.p99, f.p99 === undefined ? "" : f.unit),
    f.baseline ? `${f.baseline.label} : ${formatValue(f.baseline.value, f.unit)}` : "—",
    formatRatio(f),
    formatTarget(f),
  ]);
  const widths = header.map((h, i) => Math.min(70, Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length))));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.slice(0, widths[i]).padEnd(widths[i] ?? 0)).join(" │ ");
  return [line(header), widths.map((w) => "─".repeat(w)).join("─┼─"), ...rows.map(line)].join("\n");
}

const md = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** Markdown table rows for docs/benchmarks.md. */
export function markdownTable(figures: readonly Figure[]): string {
  const out = [
    "| Scénario | Mesure | Moteur | Médiane | p99 | Base mesurée dans le même run | Ratio | Cible |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const f of figures) {
    const value =
      f.value === null ? `*${f.note ?? "non mesuré"}*` : `${formatValue(f.value, f.unit)}${f.samples ? ` (n=${f.samples})` : ""}`;
    out.push(
      `| ${md(f.scenario)} | ${md(f.label)} | ${f.engine} | ${md(value)} | ${f.p99 === undefined ? "—" : formatValue(f.p99, f.unit)} | ${
        f.baseline ? md(`${f.baseline.label} : ${formatValue(f.baseline.value, f.unit)}`) : "—"
      } | ${formatRatio(f)} | ${md(formatTarget(f)) || "—"} |`,
    );
  }
  return out.join("\n");
}

/** One figure as scripts read it (`--json`, docs/benchmarks.json): stable keys, null when absent. */
export interface JsonFigure {
  scenario: string;
  measure: string;
  engine: Engine;
  /** Median over the samples; null when not measured (see `note`). */
  median: number | null;
  p99: number | null;
  unit: string;
  samples: number | null;
  /** The bound measured in the same run, and the ratio read as `ratioKind` says. */
  baseline: { measure: string; value: number } | null;
  ratio: number | null;
  ratioKind: RatioKind | null;
  target: string | null;
  /** true met, false missed, null no target or not decidable (not measured). */
  met: boolean | null;
  note: string | null;
}

export function jsonFigure(f: Figure): JsonFigure {
  return {
    scenario: f.scenario,
    measure: f.label,
    engine: f.engine,
    median: f.value,
    p99: f.p99 ?? null,
    unit: f.unit,
    samples: f.samples ?? null,
    baseline: f.baseline ? { measure: f.baseline.label, value: f.baseline.value } : null,
    ratio: ratioOf(f),
    ratioKind: f.baseline ? (f.ratioKind ?? null) : null,
    target: f.target?.text ?? null,
    met: f.target ? f.target.met : null,
    note: f.note ?? null,
  };
}
