// Chart geometry shared by the HTML (SVG) and PDF renderers: a chart becomes a list of primitives.
import type { ReportChart } from "./reportModel.js";

export type Primitive =
  | { type: "rect"; x: number; y: number; w: number; h: number; color: string }
  | { type: "line"; points: [number, number][]; color: string; width: number; dash?: boolean }
  | { type: "text"; x: number; y: number; text: string; size: number; anchor: "start" | "middle" | "end"; color: string };

/** DSFR-like palette (blue France, red Marianne, greens, grey). */
export const PALETTE = ["#000091", "#e1000f", "#18753c", "#b34000", "#6a6af4", "#666666"];

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

const fmt = (v: number) => new Intl.NumberFormat("fr-FR", { maximumFractionDigits: v < 10 ? 1 : 0 }).format(v).replace(/\u202f/g, "\u00a0");

export function layoutChart(chart: ReportChart, width: number, height: number): Primitive[] {
  const out: Primitive[] = [];
  const left = 48;
  const right = 12;
  const top = 12;
  const legendH = 16 * Math.ceil(chart.series.length / 3);
  const bottom = 28 + legendH;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const values = chart.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const max = niceMax(Math.max(0, ...values, chart.target?.value ?? 0));
  const y = (v: number) => top + plotH - (v / max) * plotH;
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    out.push({
      type: "line",
      points: [
        [left, y(v)],
        [left + plotW, y(v)],
      ],
      color: "#dddddd",
      width: 0.5,
    });
    out.push({ type: "text", x: left - 4, y: y(v) + 3, text: fmt(v), size: 7, anchor: "end", color: "#333333" });
  }
  const n = Math.max(chart.categories.length, 1);
  const slot = plotW / n;
  chart.categories.forEach((c, i) => {
    categoryLines(c, slot).forEach((line, k) => {
      out.push({
        type: "text",
        x: left + slot * (i + 0.5),
        y: top + plotH + 11 + 8 * k,
        text: line,
        size: 7,
        anchor: "middle",
        color: "#333333",
      });
    });
  });
  if (chart.kind === "bar") {
    const groups = Math.max(chart.series.length, 1);
    const barW = (slot * 0.7) / groups;
    chart.series.forEach((s, si) => {
      s.values.forEach((v, i) => {
        if (v === null) return;
        const x = left + slot * i + slot * 0.15 + barW * si;
        out.push({ type: "rect", x, y: y(v), w: barW, h: top + plotH - y(v), color: PALETTE[si % PALETTE.length] as string });
        out.push({ type: "text", x: x + barW / 2, y: y(v) - 2, text: fmt(v), size: 6, anchor: "middle", color: "#161616" });
      });
    });
  } else {
    chart.series.forEach((s, si) => {
      const pts: [number, number][] = [];
      s.values.forEach((v, i) => {
        if (v !== null) pts.push([left + slot * (i + 0.5), y(v)]);
      });
      if (pts.length > 0) out.push({ type: "line", points: pts, color: PALETTE[si % PALETTE.length] as string, width: 1.8 });
    });
  }
  if (chart.target) {
    out.push({
      type: "line",
      points: [
        [left, y(chart.target.value)],
        [left + plotW, y(chart.target.value)],
      ],
      color: "#e1000f",
      width: 1,
      dash: true,
    });
    out.push({
      type: "text",
      x: left + plotW,
      y: y(chart.target.value) - 3,
      text: chart.target.label,
      size: 7,
      anchor: "end",
      color: "#e1000f",
    });
  }
  out.push({
    type: "line",
    points: [
      [left, top + plotH],
      [left + plotW, top + plotH],
    ],
    color: "#333333",
    width: 0.8,
  });
  chart.series.forEach((s, si) => {
    const lx = left + (si % 3) * (plotW / 3);
    const ly = height - legendH + 16 * Math.floor(si / 3) + 2;
    out.push({ type: "rect", x: lx, y: ly, w: 10, h: 8, color: PALETTE[si % PALETTE.length] as string });
    out.push({ type: "text", x: lx + 14, y: ly + 7, text: s.name, size: 7, anchor: "start", color: "#161616" });
  });
  return out;
}

/**
 * A category label on at most two lines that fit its slot (≈ 3.6 units per character at size 7), the
 * second shortened with "…": the labels of the funding lines ("État — droit commun"…) are longer than codes.
 */
export function categoryLines(text: string, slot: number): string[] {
  const max = Math.max(4, Math.floor(slot / 3.6));
  if (text.length <= max) return [text];
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let current = "";
  for (const w of words) {
    const next = current ? `${current} ${w}` : w;
    if (next.length <= max || current === "") current = next;
    else {
      lines.push(current);
      current = w;
    }
  }
  lines.push(current);
  const first = (lines[0] ?? "").length > max ? `${(lines[0] ?? "").slice(0, max - 1)}…` : (lines[0] ?? "");
  if (lines.length === 1) return [first];
  const rest = lines.slice(1).join(" ");
  return [first, rest.length > max ? `${rest.slice(0, max - 1)}…` : rest];
}
