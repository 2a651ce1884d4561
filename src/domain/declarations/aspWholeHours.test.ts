import { describe, expect, it } from "vitest";
import { aspWholeHours } from "./aspWholeHours.js";

describe("aspWholeHours (whole hours of the ASP's monthly statement)", () => {
  it("rounds to the nearest hour, an exact half to the even hour", () => {
    expect([24, 110.5, 111.5, 26.25, 26.75, 0, 0.5, 1.5, 151.67].map(aspWholeHours)).toEqual([24, 110, 112, 26, 27, 0, 0, 2, 152]);
  });
  it("refuses negative or non-finite hours", () => {
    expect(() => aspWholeHours(-1)).toThrow(RangeError);
    expect(() => aspWholeHours(Number.NaN)).toThrow(RangeError);
  });
});
