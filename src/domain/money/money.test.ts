import { describe, expect, it } from "vitest";
import { DomainRuleError } from "../errors.js";
import { Decimal, formatEurosFr, formatMoney, parseMoney, roundCents, sumDecimals, toDecimal } from "./money.js";

describe("money", () => {
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
