import { describe, expect, it } from "vitest";
import { DomainRuleError } from "../errors.js";
import { allocateCents, Decimal, formatEurosFr, formatMoney, parseMoney, roundCents, sumDecimals, toDecimal } from "./money.js";

describe("money", () => {
  it("splits an amount to the cent pro rata, the parts summing to the amount", () => {
    expect(allocateCents("100.00", ["1", "1", "1"]).map((d) => d.toFixed(2))).toEqual(["33.34", "33.33", "33.33"]);
    expect(allocateCents("10.01", ["7000.00", "3000.00"]).map((d) => d.toFixed(2))).toEqual(["7.01", "3.00"]);
    expect(allocateCents("-0.05", ["1", "1"]).map((d) => d.toFixed(2))).toEqual(["-0.03", "-0.02"]);
    expect(allocateCents("5.00", ["0", "0"]).map((d) => d.toFixed(2))).toEqual(["5.00", "0.00"]);
    // Parts never exceed their weight when the amount is at most the weights' sum.
    const weights = ["0.01", "0.01", "0.01", "99.97"];
    const parts = allocateCents("99.99", weights);
    expect(parts.every((p, i) => p.lessThanOrEqualTo(weights[i] ?? 0))).toBe(true);
    expect(sumDecimals(parts).toFixed(2)).toBe("99.99");
  });
  it("rounds half-up to the cent on decimals", () => {
    expect(roundCents("0.125").toFixed(2)).toBe("0.13");
    expect(roundCents("-0.125").toFixed(2)).toBe("-0.13");
    expect(formatMoney(new Decimal("7.95").times(20642).times(8).dividedBy(12))).toBe("109402.60"); // the plain product; the ASP rule (conventions) gives 109402.64
    expect(formatMoney("1.005")).toBe("1.01");
  });
  it("parses and formats", () => {
    expect(parseMoney("109402.64").toFixed(2)).toBe("109402.64");
    expect(parseMoney("7,95").toString()).toBe("7.95");
    expect(() => parseMoney("12a")).toThrow(DomainRuleError);
    expect(() => toDecimal(Number.NaN)).toThrow(/money.decimal/);
    expect(formatEurosFr("109402.6")).toBe("109\u202f402,60 €");
    expect(sumDecimals(["0.1", "0.2"]).toString()).toBe("0.3");
  });
});
