import { describe, expect, it } from "vitest";
import { median, percentile, repeat } from "./stats.js";

describe("bench statistics", () => {
  it("median of odd and even lists", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it("nearest-rank percentiles", () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([1, 2, 3, 1000], 99)).toBe(1000);
  });
  it("refuses empty lists and bad runs", async () => {
    expect(() => median([])).toThrow();
    expect(() => percentile([1], 101)).toThrow();
    await expect(repeat(async () => 1, 0)).rejects.toThrow();
  });
  it("repeat measures each run", async () => {
    let calls = 0;
    const r = await repeat(async () => ++calls, 3, 2);
    expect(r.times).toHaveLength(3);
    expect(calls).toBe(5);
    expect(r.last).toBe(5);
  });
});
