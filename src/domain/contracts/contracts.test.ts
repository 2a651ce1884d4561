import { describe, expect, it } from "vitest";
import { cddiMaxEnd, validateCddi } from "./cddi.js";
import { buildRecruitments, type ContractLike } from "./chains.js";

const base = { weeklyHours: 26, derogation: { kind: "NONE" as const } };

describe("CDDI (iae-reference §1.4)", () => {
  it("lasts at least 4 months unless a court sentence adjustment", () => {
    expect(() => validateCddi({ ...base, start: "2024-01-01", end: "2024-04-30", recruitmentStart: "2024-01-01" })).not.toThrow();
    expect(() => validateCddi({ ...base, start: "2024-01-01", end: "2024-04-29", recruitmentStart: "2024-01-01" })).toThrow(/cddi.minDuration/);
    expect(() => validateCddi({ ...base, start: "2024-01-01", end: "2024-02-29", recruitmentStart: "2024-01-01", courtSentenceAdjustment: true })).not.toThrow();
    // a renewal may be shorter
    expect(() => validateCddi({ ...base, start: "2024-05-01", end: "2024-05-31", recruitmentStart: "2024-01-01" })).not.toThrow();
  });
  it("caps the recruitment at 24 months, with derogations", () => {
    expect(cddiMaxEnd("2024-01-01", { kind: "NONE" })).toBe("2025-12-31");
    expect(cddiMaxEnd("2024-01-01", { kind: "SENIOR_50" })).toBe("2028-12-31");
    expect(cddiMaxEnd("2024-01-01", { kind: "RQTH" })).toBe("2028-12-31");
    expect(cddiMaxEnd("2024-01-01", { kind: "TRAINING", trainingEnd: "2026-03-31" })).toBe("2026-03-31");
    expect(cddiMaxEnd("2019-06-01", { kind: "COVID" })).toBe("2021-11-30");
    expect(cddiMaxEnd("2018-01-01", { kind: "COVID" })).toBe("2020-12-31");
    expect(() => validateCddi({ ...base, start: "2025-06-01", end: "2026-01-01", recruitmentStart: "2024-01-01" })).toThrow(/cddi.maxDuration/);
    expect(() => validateCddi({ ...base, start: "2025-06-01", end: "2026-01-01", recruitmentStart: "2024-01-01", derogation: { kind: "PARTICULAR_DIFFICULTIES" } })).not.toThrow();
  });
  it("requires 20 to 35 hours a week", () => {
    expect(() => validateCddi({ ...base, weeklyHours: 19, start: "2024-01-01", end: "2024-06-30", recruitmentStart: "2024-01-01" })).toThrow(/cddi.weeklyHours/);
    expect(() => validateCddi({ ...base, weeklyHours: 15, fragilePublic: true, start: "2024-01-01", end: "2024-06-30", recruitmentStart: "2024-01-01" })).not.toThrow();
    expect(() => validateCddi({ ...base, weeklyHours: 36, start: "2024-01-01", end: "2024-06-30", recruitmentStart: "2024-01-01" })).toThrow(/cddi.weeklyHours/);
    expect(() => validateCddi({ ...base, weeklyHours: Number.NaN, start: "2024-01-01", end: "2024-06-30", recruitmentStart: "2024-01-01" })).toThrow(/cddi.weeklyHours/);
  });
});

describe("recruitment chains (iae-reference §6.3)", () => {
  const c = (id: string, rank: number, hiringDate: string, exitDate: string | null, personKey = "p1"): ContractLike => ({ id, personKey, structureId: "s1", mesure: "ACI_DC", rank, hiringDate, endDate: null, exitDate });
  it("groups an initial contract and its renewals; exit = max definitive exit", () => {
    const r = buildRecruitments([c("b", 1, "2024-05-01", "2024-10-31"), c("a", 0, "2024-01-01", null), c("c", 0, "2025-03-01", null), c("d", 0, "2024-02-01", "2024-03-01", "p2")]);
    expect(r.map((x) => [x.personKey, x.start, x.exitDate, x.contracts.map((k) => k.id)])).toEqual([
      ["p1", "2024-01-01", "2024-10-31", ["a", "b"]],
      ["p2", "2024-02-01", "2024-03-01", ["d"]],
      ["p1", "2025-03-01", null, ["c"]],
    ]);
  });
  it("rejects orphan renewals and bad ranks", () => {
    expect(() => buildRecruitments([c("x", 1, "2024-01-01", null)])).toThrow(/contracts.orphanRenewal/);
    expect(() => buildRecruitments([c("x", -1, "2024-01-01", null)])).toThrow(/contracts.rank/);
    expect(() => buildRecruitments([c("x", 0, "2024-01-01", "2023-01-01")])).toThrow(/contracts.exitDate/);
  });
});
