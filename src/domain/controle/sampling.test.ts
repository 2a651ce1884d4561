import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DomainRuleError } from "../errors.js";
import type { SiaeKind } from "../structures/kinds.js";
import {
  type AutoPrescribedHiring,
  drawCampaign,
  eligibleStructures,
  numberToSelect,
  roundHalfEven,
  SAMPLE,
  sampleSize,
  seededRandom,
} from "./sampling.js";

function hiringsOf(counts: readonly number[], kind: SiaeKind = "ACI"): AutoPrescribedHiring[] {
  let id = 1000;
  return counts.flatMap((n, i) => Array.from({ length: n }, () => ({ hiringId: ++id, structureId: i + 1, kind, startsOn: "2019-03-01" })));
}

describe("contrôle a posteriori: the rules (les-emplois vectors, tests/siae_evaluations/test_models.py)", () => {
  it("sample size: 20 %, at least 2, at most 20 (6 → 2, 61 → 12, 111 → 20)", () => {
    expect([2, 6, 9, 10, 15, 61, 100, 101, 111, 500].map(sampleSize)).toEqual([2, 2, 2, 2, 3, 12, 20, 20, 20, 20]);
  });

  it("structures to select: max(round(eligible × percent), 1) with Python's rounding (3 → 1, 6 → 2 at 30 %)", () => {
    expect([0, 1, 3, 5, 6, 10, 15].map((n) => numberToSelect(n))).toEqual([0, 1, 1, 2, 2, 3, 4]);
    expect(numberToSelect(10, 20)).toBe(2);
    expect(numberToSelect(10, 40)).toBe(4);
    expect([roundHalfEven(0.5), roundHalfEven(1.5), roundHalfEven(2.5), roundHalfEven(4.5), roundHalfEven(1.2)]).toEqual([0, 2, 2, 4, 1]);
    expect(() => numberToSelect(10, 19)).toThrow(DomainRuleError);
    expect(() => numberToSelect(10, 41)).toThrow(DomainRuleError);
  });

  it("eligible: ≥ 2 hirings on the structure's own diagnosis, evaluable kinds only (not EITI)", () => {
    const h = [...hiringsOf([1, 2, 5]), ...hiringsOf([0, 0, 0, 4], "EITI")];
    expect(eligibleStructures(h).map((e) => [e.structureId, e.hirings.length])).toEqual([
      [2, 2],
      [3, 5],
    ]);
  });
});

describe("the draw is reproducible from its seed", () => {
  it("same seed, same hirings ⇒ same sample (whatever the input order); another seed usually differs", () => {
    const h = hiringsOf([3, 12, 40, 2, 7, 25, 9, 130, 4, 6]);
    const a = drawCampaign(h, 20190630);
    const b = drawCampaign([...h].reverse(), 20190630);
    expect(b).toEqual(a);
    const others = [1, 2, 3, 4, 5].map((s) => JSON.stringify(drawCampaign(h, s).selected));
    expect(new Set(others).size).toBeGreaterThan(1);
  });

  it("proportions within the rules for any population and seed", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 150 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.integer({ min: 20, max: 40 }),
        (counts, seed, percent) => {
          const d = drawCampaign(hiringsOf(counts), seed, percent);
          const eligible = counts.filter((n) => n >= 2).length;
          expect(d.eligible).toHaveLength(eligible);
          expect(d.selected).toHaveLength(numberToSelect(eligible, percent));
          if (eligible > 0) {
            expect(d.selected.length / eligible).toBeLessThanOrEqual(Math.max(0.4 + 0.5 / eligible, 1 / eligible));
          }
          for (const s of d.selected) {
            expect(s.sampled).toHaveLength(sampleSize(s.hirings.length));
            expect(s.sampled.length).toBeGreaterThanOrEqual(SAMPLE.min);
            expect(s.sampled.length).toBeLessThanOrEqual(SAMPLE.max);
            expect(new Set(s.sampled).size).toBe(s.sampled.length);
            for (const x of s.sampled) expect(s.hirings).toContain(x);
          }
          expect(drawCampaign(hiringsOf(counts), seed, percent)).toEqual(d);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("the generator is uniform enough: every hiring can be drawn", () => {
    const random = seededRandom(7);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(Math.floor(random() * 50));
    expect(seen.size).toBe(50);
    expect(() => seededRandom(-1)).toThrow(DomainRuleError);
    expect(() => seededRandom(1.5)).toThrow(DomainRuleError);
  });
});
