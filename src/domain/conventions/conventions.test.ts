import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DomainRuleError } from "../errors.js";
import { afMonthlyAmount, afMonths, afTotal, annualisedEtp, annualisedEtpInPeriod, splitCofinancing } from "./amounts.js";
import { countsForStatistics, isActive, parseAfState, selectCurrentVersions } from "./states.js";

describe("AF states (iae-reference §2.1)", () => {
  it("active = VALIDE/PROVISOIRE and end ≥ date", () => {
    expect(isActive({ state: "VALIDE", endDate: "2024-12-31" }, "2024-12-31")).toBe(true);
    expect(isActive({ state: "PROVISOIRE", endDate: "2024-12-31" }, "2025-01-01")).toBe(false);
    expect(isActive({ state: "CLOTURE", endDate: "2024-12-31" }, "2024-06-01")).toBe(false);
    expect(() => isActive({ state: "VALIDE", endDate: "2024-12-31" }, "2024-13-01")).toThrow(DomainRuleError);
  });
  it("statistics count VALIDE/PROVISOIRE/CLOTURE, never HISTORISE", () => {
    const counted = ["BROUILLON", "SAISI", "VALIDE", "PROVISOIRE", "REJETE", "HISTORISE", "ANNULE", "DEMANDE_ANNULATION", "CLOTURE"].filter(
      (s) => countsForStatistics({ state: parseAfState(s) }),
    );
    expect(counted).toEqual(["VALIDE", "PROVISOIRE", "CLOTURE"]);
    expect(() => parseAfState("PERDU")).toThrow(/af.state/);
  });
  it("selects the highest non-historised modification per (AF, renewal)", () => {
    const rows = [
      { prefix: "ACI029160019", renewal: 2, modification: 0, state: "HISTORISE" as const, etp: "15.60" },
      { prefix: "ACI029160019", renewal: 2, modification: 1, state: "VALIDE" as const, etp: "15.30" },
      { prefix: "ACI029160019", renewal: 3, modification: 0, state: "PROVISOIRE" as const, etp: "16" },
      { prefix: "ACI029160019", renewal: 3, modification: 1, state: "ANNULE" as const, etp: "17" },
      { prefix: "EI062170001", renewal: 0, modification: 0, state: "HISTORISE" as const, etp: "1" },
    ];
    expect(selectCurrentVersions(rows).map((r) => r.etp)).toEqual(["15.30", "16"]);
    expect(() => selectCurrentVersions([{ prefix: "X", renewal: -1, modification: 0, state: "VALIDE" }])).toThrow(/af.renewal/);
    expect(() =>
      selectCurrentVersions([
        { prefix: "X", renewal: 0, modification: 1, state: "VALIDE", versionId: 1 },
        { prefix: "X", renewal: 0, modification: 1, state: "VALIDE", versionId: 2 },
      ]),
    ).toThrow(/af.duplicateVersion/);
  });
});

describe("AF amounts (iae-reference §2.1, §2.4)", () => {
  it("uses the annual product for 12 months and the rounded monthly amount otherwise", () => {
    expect(afTotal("8.15", "19897", 12).toFixed(2)).toBe("162160.55");
    expect(afTotal("7.95", "20642", 8).toFixed(2)).toBe("109402.64");
    expect(afMonthlyAmount("7.95", "20642").toFixed(2)).toBe("13675.33");
    expect(afMonths("2021-01-01", "2021-08-31")).toBe(8);
  });
  it("rejects invalid input with a typed error", () => {
    expect(() => afTotal("-1", "20642", 12)).toThrow(/af.total.etp/);
    expect(() => afTotal("1", "abc", 12)).toThrow(/af.total.unitAmount/);
    expect(() => afTotal("1", "20642", 0)).toThrow(/af.total.months/);
    expect(() => afTotal("1", "20642", 1.5)).toThrow(DomainRuleError);
    expect(() => afMonths("2021-02-01", "2021-01-01")).toThrow(/af.period/);
  });
  it("annualises ETP and prorates to a period", () => {
    expect(annualisedEtp("7.95", 8).toString()).toBe("5.3");
    expect(annualisedEtpInPeriod("12", "2021-07-01", "2022-06-30", "2022-01-01", "2022-12-31").toString()).toBe("6");
  });
  it("splits State and CD parts", () => {
    const s = splitCofinancing("100000", "25000", "10");
    expect([s.state.toFixed(2), s.cofinancedShare.toString(), s.etpCofinanced.toString(), s.etpState.toString()]).toEqual([
      "75000.00",
      "0.25",
      "2.5",
      "7.5",
    ]);
    expect(splitCofinancing("100", null, "1").state.toFixed(2)).toBe("100.00");
    expect(() => splitCofinancing("100", "101", "1")).toThrow(/af.cofinancing.exceedsTotal/);
  });
  it("property: total is non-negative, with cents, and equals 12 × monthly for partial years", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100000 }),
        fc.integer({ min: 1000, max: 3000000 }),
        fc.integer({ min: 1, max: 24 }),
        (etpHundredths, unitCents, months) => {
          const etp = (etpHundredths / 100).toFixed(2);
          const unit = (unitCents / 100).toFixed(2);
          const total = afTotal(etp, unit, months);
          expect(total.isNegative()).toBe(false);
          expect(total.decimalPlaces()).toBeLessThanOrEqual(2);
          if (months !== 12) expect(total.toFixed(2)).toBe(afMonthlyAmount(etp, unit).times(months).toFixed(2));
        },
      ),
    );
  });
});
