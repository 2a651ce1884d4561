import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DomainRuleError } from "../errors.js";
import { fixedClock } from "./clock.js";
import {
  addDays,
  addMonths,
  addYears,
  diffDays,
  endOfMonth,
  type IsoDate,
  monthKeysBetween,
  monthsCovered,
  monthsOverlap,
  parseFrenchDate,
  parseIsoDate,
  parseMonthKey,
} from "./isoDate.js";

const arbDate = fc
  .date({ min: new Date("1990-01-01T00:00:00Z"), max: new Date("2060-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

describe("calendar", () => {
  it("parses and validates ISO and French dates", () => {
    expect(parseIsoDate("2024-02-29")).toBe("2024-02-29");
    expect(() => parseIsoDate("2023-02-29")).toThrow(DomainRuleError);
    expect(() => parseIsoDate("2023-13-01")).toThrow(/calendar.isoDate/);
    expect(() => parseIsoDate("01/01/2023")).toThrow(DomainRuleError);
    expect(parseFrenchDate("31/08/2021")).toBe("2021-08-31");
    expect(() => parseFrenchDate("31/02/2021")).toThrow(DomainRuleError);
    expect(parseMonthKey("2021-08")).toBe("2021-08");
    expect(() => parseMonthKey("2021-8")).toThrow(DomainRuleError);
  });
  it("adds days, months (clamped) and years", () => {
    expect(addDays("2021-12-31", 1)).toBe("2022-01-01");
    expect(addDays("2024-03-01", -1)).toBe("2024-02-29");
    expect(addMonths("2021-01-31", 1)).toBe("2021-02-28");
    expect(addMonths("2021-03-15", -3)).toBe("2020-12-15");
    expect(addYears("2024-02-29", 1)).toBe("2025-02-28");
    expect(diffDays("2021-01-01", "2021-12-31")).toBe(364);
    expect(endOfMonth("2024-02-10")).toBe("2024-02-29");
    expect(() => addDays("2021-01-01", 1.5)).toThrow(DomainRuleError);
  });
  it("counts months covered per PA: (Δyears×12)+Δmonths+1", () => {
    expect(monthsCovered("2021-01-01", "2021-08-31")).toBe(8);
    expect(monthsCovered("2021-01-01", "2021-12-31")).toBe(12);
    expect(monthsCovered("2020-10-01", "2020-12-31")).toBe(3);
    expect(monthsCovered("2021-01-31", "2021-02-01")).toBe(2);
    expect(() => monthsCovered("2021-02-01", "2021-01-31")).toThrow(/calendar.monthsCovered/);
    expect(monthKeysBetween("2021-11-15", "2022-02-01")).toEqual(["2021-11", "2021-12", "2022-01", "2022-02"]);
    expect(monthsOverlap("2021-07-01", "2022-06-30", "2022-01-01", "2022-12-31")).toBe(6);
    expect(monthsOverlap("2021-01-01", "2021-06-30", "2022-01-01", "2022-12-31")).toBe(0);
  });
  it("has an injectable clock", () => {
    expect(fixedClock("2024-05-01").today()).toBe("2024-05-01");
    expect(() => fixedClock("2024-05-32")).toThrow(DomainRuleError);
  });
  it("property: addDays/diffDays are inverse", () => {
    fc.assert(fc.property(arbDate, fc.integer({ min: -5000, max: 5000 }), (d, n) => diffDays(d, addDays(d, n)) === n));
  });
  it("property: months covered ≥ 1, equals the number of month keys, and is additive", () => {
    fc.assert(
      fc.property(arbDate, arbDate, arbDate, (a, b, c) => {
        const [x, y, z] = [a, b, c].sort() as [IsoDate, IsoDate, IsoDate];
        const n = monthsCovered(x, z);
        expect(n).toBeGreaterThanOrEqual(1);
        expect(monthKeysBetween(x, z)).toHaveLength(n);
        // splitting at the month boundary after y: months(x..y) + months(y's next month..z)
        if (y.slice(0, 7) < z.slice(0, 7)) {
          const next = addMonths(`${y.slice(0, 7)}-01`, 1);
          expect(monthsCovered(x, y) + monthsCovered(next, z)).toBe(n);
        }
      }),
    );
  });
});
