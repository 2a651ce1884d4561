import { describe, expect, it } from "vitest";
import { parseScope } from "../../indicators/scope.js";
import { InvalidInputError } from "../context.js";
import { periodFromOptions } from "./indicators.js";
import { reportScopeFromOptions } from "./report.js";

describe("indicators / report options (design §5)", () => {
  it("resolves --year or --from/--to, refuses mixes and bad dates as invalid input", () => {
    expect(periodFromOptions({ year: "2019" })).toEqual({ from: "2019-01-01", to: "2019-12-31" });
    expect(periodFromOptions({ from: "2019-03-01", to: "2019-05-31" })).toEqual({ from: "2019-03-01", to: "2019-05-31" });
    expect(() => periodFromOptions({ year: "2019", from: "2019-01-01" })).toThrow(InvalidInputError);
    expect(() => periodFromOptions({ year: "19" })).toThrow(/année invalide/);
    expect(() => periodFromOptions({ from: "01/02/2019", to: "2019-05-31" })).toThrow(/--from/);
    expect(() => periodFromOptions({})).toThrow(/--year/);
  });
  it("parses scopes", () => {
    expect(parseScope("nation")).toEqual({ type: "nation" });
    expect(parseScope("departement:2a")).toEqual({ type: "departement", code: "2A" });
    expect(parseScope("departement:1")).toEqual({ type: "departement", code: "01" });
    expect(parseScope("structure:42")).toEqual({ type: "structure", id: 42 });
    expect(() => parseScope("commune:62041")).toThrow(/périmètre invalide/);
    expect(() => parseScope("structure:0")).toThrow(/identifiant invalide/);
  });
  it("needs exactly one report territory", () => {
    expect(reportScopeFromOptions({ departement: "62" })).toEqual({ type: "departement", code: "62" });
    expect(reportScopeFromOptions({ nation: true })).toEqual({ type: "nation" });
    expect(() => reportScopeFromOptions({ departement: "62", region: "32" })).toThrow(/un seul périmètre/);
    expect(() => reportScopeFromOptions({ region: "3" })).toThrow(InvalidInputError);
  });
});
