import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { countsAsPresent, etpRealises, monthlyEtp, tauxRealisation } from "./etp.js";

describe("ETP réalisés (iae-reference §3)", () => {
  it("divides hours by the AF's hours per ETP", () => {
    expect(etpRealises("1820", "1820").toString()).toBe("1");
    expect(etpRealises("151.67", "1820").toDecimalPlaces(6).toString()).toBe("0.083335");
    expect(monthlyEtp("151.67", "1820").toDecimalPlaces(4).toString()).toBe("1");
    expect(() => etpRealises("10", "0")).toThrow(/declarations.annualHours/);
    expect(() => etpRealises("-1", "1607")).toThrow(/declarations.hours/);
    expect(() => etpRealises("x", "1607")).toThrow(/declarations.hours/);
  });
  it("gives the raw and capped taux de réalisation", () => {
    const t = tauxRealisation("12", "10");
    expect([t.raw.toString(), t.capped.toString()]).toEqual(["1.2", "1"]);
    expect(tauxRealisation("5", "10").capped.toString()).toBe("0.5");
    expect(() => tauxRealisation("5", "0")).toThrow(/declarations.tauxRealisation.conventionnes/);
  });
  it("counts people only with ≥ 1 hour", () => {
    expect(countsAsPresent("0.5")).toBe(false);
    expect(countsAsPresent("1")).toBe(true);
  });
  it("property: ETP is non-negative and capped rate ≤ 1", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 1, max: 2500 }),
        fc.integer({ min: 1, max: 100000 }),
        (hoursCents, ref, convH) => {
          const e = etpRealises((hoursCents / 100).toFixed(2), String(ref));
          expect(e.isNegative()).toBe(false);
          expect(tauxRealisation(e, (convH / 100).toFixed(2)).capped.lessThanOrEqualTo(1)).toBe(true);
        },
      ),
    );
  });
});
