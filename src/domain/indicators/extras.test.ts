import { describe, expect, it } from "vitest";
import { exitRecordsFor } from "./exitHours.js";
import { amountPerEtp, budgetByFundingLine, modulatedPart } from "./fundingLines.js";
import { budgetForPeriod } from "./formulas.js";
import { previousPeriod, relativeChange } from "./periods.js";
import { addProrated, proratedCents } from "./proration.js";
import type { AfRecord } from "./records.js";
import { afRecord } from "./testkit.js";
import { lastTwoYearsStart, structuresCreated, structuresCreatedLastTwoYears } from "./structureCreation.js";

// An AI AF: other defaults than the shared ACI one (hours per ETP, totals).
const af = (o: Partial<AfRecord>): AfRecord =>
  afRecord({
    id: "a1",
    kind: "AI",
    mesure: "AI_DC",
    prefix: "AI062240001",
    total: "120000.00",
    cofinancedAmount: "0",
    hoursPerEtp: "1607",
    ...o,
  });

describe("indicator twin extensions", () => {
  it("rounds the exact prorated sum (a half cent reached by two non-terminating terms)", () => {
    // 0.01 × 1/3 + 0.01 × 1/6 = 0.005 exactly → 0.01 (term-by-term at 20 digits gives 0.0049999… → 0.00)
    const acc = new Map();
    addProrated(acc, "0.01", 1, 3);
    addProrated(acc, "0.01", 1, 6);
    expect(proratedCents(acc).toFixed(2)).toBe("0.01");
    const b = budgetForPeriod(
      [
        af({ id: "x", total: "0.01", startDate: "2024-01-01", endDate: "2024-03-31" }),
        af({ id: "y", prefix: "AI062240002", total: "0.01", startDate: "2024-01-01", endDate: "2024-06-30" }),
      ],
      { from: "2024-01-01", to: "2024-01-31" },
    );
    expect(b.total.toFixed(2)).toBe("0.01");
  });
  it("splits the budget by funding line, the modulated part and the amount per ETP", () => {
    const afs = [
      af({ funding: { ETAT_DROIT_COMMUN: "100000.00", ERBM: "20000.00" }, modulatedAmount: "6000" }),
      af({ id: "h", modification: 0, renewal: 0, prefix: "AI062240009", state: "HISTORISE", funding: { ERBM: "1" } }),
    ];
    const p = { from: "2024-07-01", to: "2024-12-31" };
    expect(Object.fromEntries([...budgetByFundingLine(afs, p)].map(([k, v]) => [k, v.toFixed(2)]))).toEqual({
      ETAT_DROIT_COMMUN: "50000.00",
      ERBM: "10000.00",
    });
    expect(modulatedPart(afs, p).toFixed(2)).toBe("3000.00");
    expect(amountPerEtp(budgetForPeriod(afs, p).total, afs, p)?.toFixed(2)).toBe("10000.00");
    expect(amountPerEtp(budgetForPeriod([], p).total, [], p)).toBeNull();
  });
  it("gives the previous period and relative changes", () => {
    expect(previousPeriod({ from: "2019-01-01", to: "2019-12-31" })).toEqual({ from: "2018-01-01", to: "2018-12-31" });
    expect(previousPeriod({ from: "2024-03-01", to: "2024-03-31" })).toEqual({ from: "2024-02-01", to: "2024-02-29" });
    expect(previousPeriod({ from: "2024-03-10", to: "2024-03-19" })).toEqual({ from: "2024-02-29", to: "2024-03-09" });
    expect(relativeChange(110, 100)).toBeCloseTo(0.1);
    expect(relativeChange(1, 0)).toBeNull();
  });
  it("counts created structures (period, and last two years among active ones)", () => {
    const structures = [
      { id: "s1", kind: "AI" as const, createdOn: "2023-05-01" },
      { id: "s2", kind: "EI" as const, createdOn: "2020-01-01" },
      { id: "s3", kind: "AI" as const, createdOn: null },
    ];
    expect(structuresCreated(structures, { from: "2023-01-01", to: "2024-12-31" }).byKind.AI).toBe(1);
    expect(lastTwoYearsStart("2024-12-31")).toBe("2023-01-01");
    expect(structuresCreatedLastTwoYears(structures, [af({})], "2024-12-31")).toBe(1);
    expect(structuresCreatedLastTwoYears(structures, [af({})], "2025-01-31")).toBe(0);
  });
  it("takes the hours of the exit year (ACI, pilotage-airflow stg_sorties_aci_ei) or of the last AF (AI), on counting AFs only", () => {
    const afs = [
      af({ id: "old", startDate: "2023-01-01", endDate: "2023-12-31", prefix: "AI062230001" }),
      af({ id: "new" }),
      af({ id: "draft", prefix: "AI062240003", state: "BROUILLON" }),
    ];
    const decl = [
      { afId: "old", personKey: "p", structureId: "s1", month: "2023-11", hours: "100", contractId: "c1" },
      { afId: "new", personKey: "p", structureId: "s1", month: "2024-01", hours: "60", contractId: "c2" },
      { afId: "draft", personKey: "p", structureId: "s1", month: "2024-02", hours: "500", contractId: "c2" },
    ];
    const rec = new Map([
      ["c1", "c1"],
      ["c2", "c1"],
    ]);
    const exit = {
      recruitmentId: "c1",
      personKey: "p",
      structureId: "s1",
      recruitmentStart: "2023-11-01",
      exitDate: "2024-01-31",
      motifCode: "1",
    };
    expect(exitRecordsFor([{ ...exit, kind: "AI", mesure: "AI_DC" }], decl, rec, afs)[0]?.hoursWorked).toBe("60");
    // 100 h in 2023, 60 h in 2024: an exit in 2024 counts the 60 h of 2024 only, one in 2023 the 100 h of 2023.
    expect(exitRecordsFor([{ ...exit, kind: "ACI", mesure: "ACI_DC" }], decl, rec, afs)[0]?.hoursWorked).toBe("60");
    expect(exitRecordsFor([{ ...exit, kind: "ACI", mesure: "ACI_DC", exitDate: "2023-12-31" }], decl, rec, afs)[0]?.hoursWorked).toBe(
      "100",
    );
    expect(exitRecordsFor([{ ...exit, kind: "EITI", mesure: "EITI_DC", exitDate: "2025-02-28" }], decl, rec, afs)[0]?.hoursWorked).toBe(
      "0",
    );
    expect(exitRecordsFor([{ ...exit, kind: "ACI", mesure: "FDI_DC" }], decl, rec, afs)).toEqual([]);
  });
});
