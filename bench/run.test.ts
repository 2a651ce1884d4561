// Pure checks of the bench harness: options, ratios, tables and the generated markdown (no database, no child).
import { describe, expect, it } from "vitest";
import { BenchContext } from "./lib/context.js";
import { renderBenchmarksMarkdown } from "./lib/markdown.js";
import { type Figure, jsonFigure, markdownTable, notMeasured, ratioOf, textTable } from "./lib/results.js";
import { parseOptions } from "./run.js";
import { tenthOf } from "./scenarios/importScenario.js";
import { yearsScale } from "./scenarios/yearsScenario.js";

const machine = {
  cpu: "cpu",
  cores: 2,
  memoryGb: 4,
  os: "Linux",
  node: "v20",
  pglite: "0.5",
  postgres: "15.18",
  autocannon: "9",
  commit: "abc",
};

describe("bench options", () => {
  it("--quick is small and does not write the document by default", () => {
    const o = parseOptions(["--quick"]);
    expect(o.scale).toBe("0.02");
    expect(o.write).toBe(false);
    expect(o.loadSeconds).toBe(5);
    const full = parseOptions([]);
    expect(full).toMatchObject({ scale: "national", write: true, loadSeconds: 30, connections: 50, writers: 1000 });
    expect(parseOptions(["--quick", "--write"]).write).toBe(true);
    expect(parseOptions(["--no-write"]).write).toBe(false);
    expect(parseOptions(["--quick"]).json).toBe(false);
    expect(parseOptions(["--quick", "--json"]).json).toBe(true);
  });
  it("--only and --runs are validated", () => {
    expect([...(parseOptions(["--only", "http,import"]).only ?? [])].sort()).toEqual(["http", "import"]);
    expect(() => parseOptions(["--only", "nope"])).toThrow(/scénario inconnu/);
    expect(() => parseOptions(["--runs", "0"])).toThrow(/entier positif/);
    expect(() => parseOptions(["--scale", "2"])).toThrow(/--scale/);
  });
  it("the years scenario runs at a tenth of the national scale, else at the run's scale", () => {
    expect(yearsScale("national")).toBe("0.1");
    expect(yearsScale("0.02")).toBe("0.02");
    expect(parseOptions(["--only", "years"]).only?.has("years")).toBe(true);
  });
  it("the memory-flatness comparison uses a tenth of the scale", () => {
    expect(tenthOf("national")).toBe("0.1");
    expect(tenthOf("0.02")).toBe("0.002");
  });
});

describe("bench results", () => {
  const fast: Figure = {
    scenario: "2",
    label: "national",
    engine: "postgresql",
    value: 40,
    unit: "ms",
    baseline: { label: "full scan", value: 800 },
    ratioKind: "speedup",
    target: { text: "≤ 100 ms", met: true },
  };
  const rate: Figure = {
    scenario: "1",
    label: "import",
    engine: "postgresql",
    value: 50_000,
    unit: "lignes/s",
    baseline: { label: "COPY", value: 200_000 },
    ratioKind: "relative",
    target: { text: "≥ 100 000", met: false },
  };
  const missing = notMeasured("3", "http", "pglite", "ms", "route absente", "p99 ≤ 50 ms");

  it("ratios read as speedups or relative costs; no ratio without a value", () => {
    expect(ratioOf(fast)).toBe(20);
    expect(ratioOf(rate)).toBe(0.25);
    expect(ratioOf(missing)).toBeNull();
  });
  it("JSON gives each figure with its baseline, target and met/missed under stable keys", () => {
    const keys = ["scenario", "measure", "engine", "median", "p99", "unit", "baseline", "target", "met"];
    expect(jsonFigure({ ...fast, p99: 55 })).toMatchObject({
      scenario: "2",
      measure: "national",
      engine: "postgresql",
      median: 40,
      p99: 55,
      unit: "ms",
      baseline: { measure: "full scan", value: 800 },
      ratio: 20,
      ratioKind: "speedup",
      target: "≤ 100 ms",
      met: true,
    });
    expect(jsonFigure(rate)).toMatchObject({ met: false, ratio: 0.25, p99: null });
    const m = jsonFigure(missing);
    expect(m).toMatchObject({ median: null, met: null, target: "p99 ≤ 50 ms", baseline: null });
    expect(m.note).toContain("route absente");
    for (const f of [fast, rate, missing]) expect(Object.keys(jsonFigure(f))).toEqual(expect.arrayContaining(keys));
    expect(JSON.parse(JSON.stringify([fast, rate, missing].map(jsonFigure)))).toHaveLength(3);
  });
  it("tables show the reason of what was not measured", () => {
    expect(textTable([fast, missing])).toContain("non mesuré : route absente");
    const md = markdownTable([fast, rate, missing]);
    expect(md).toContain("20× plus rapide");
    expect(md).toContain("NON atteinte");
  });
  it("the document lists every missed or unmeasured target", () => {
    const ctx = new BenchContext(parseOptions(["--quick"]));
    ctx.removeScratch();
    ctx.figures.push(fast, rate, missing);
    const doc = renderBenchmarksMarkdown(ctx, machine, new Date("2026-01-01T10:00:00Z"), new Date("2026-01-01T10:05:00Z"));
    const gaps = doc.slice(doc.indexOf("## Cibles non atteintes"));
    expect(gaps).toContain("1 — import");
    expect(gaps).toContain("3 — http");
    expect(gaps).not.toContain("2 — national");
    expect(doc).toContain("npm run bench -- --quick");
    expect(doc).toContain("15.18");
  });
});
