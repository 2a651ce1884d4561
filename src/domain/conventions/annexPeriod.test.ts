import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { annexPeriodError } from "./annexPeriod.js";

const iso = (d: Date) => d.toISOString().slice(0, 10);
const day = fc.date({ min: new Date("2015-01-01T00:00:00Z"), max: new Date("2030-12-31T00:00:00Z"), noInvalidDate: true });

describe("annexPeriodError (iae-reference §2.1)", () => {
  it("accepts a calendar year and any ordered period inside one year", () => {
    expect(annexPeriodError("2020-01-01", "2020-12-31")).toBeNull();
    fc.assert(
      fc.property(day, day, (a, b) => {
        const [from, to] = [iso(a), iso(b)].sort() as [string, string];
        expect(annexPeriodError(from, to) === null).toBe(from.slice(0, 4) === to.slice(0, 4));
      }),
    );
  });

  it("refuses an end before the start, or in another year, with a French message", () => {
    expect(annexPeriodError("2020-03-01", "2020-02-28")).toBe("La date de fin doit suivre la date de début.");
    expect(annexPeriodError("2020-07-01", "2021-06-30")).toBe(
      "Une annexe financière couvre une seule année civile : date de fin attendue en 2020.",
    );
  });
});
