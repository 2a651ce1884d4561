import { describe, expect, it } from "vitest";
import { cddiMaxEnd, validateCddi } from "./cddi.js";
import {
  AI_PASS_REQUIRED_FROM,
  aiCompanyPlacementPeriod,
  checkAiCompanyPlacement,
  checkCdiInclusion,
  checkEttiMissions,
  contractBeyondPassWarning,
  passRequired,
} from "./limits.js";
import { buildRecruitments, type ContractLike } from "./chains.js";

const base = { kind: "ACI" as const, weeklyHours: 26, derogation: { kind: "NONE" as const } };

describe("CDDI (iae-reference §1.4)", () => {
  it("lasts at least 4 months unless a court sentence adjustment", () => {
    expect(() => validateCddi({ ...base, start: "2024-01-01", end: "2024-04-30", recruitmentStart: "2024-01-01" })).not.toThrow();
    expect(() => validateCddi({ ...base, start: "2024-01-01", end: "2024-04-29", recruitmentStart: "2024-01-01" })).toThrow(
      /cddi.minDuration/,
    );
    expect(() =>
      validateCddi({ ...base, start: "2024-01-01", end: "2024-02-29", recruitmentStart: "2024-01-01", courtSentenceAdjustment: true }),
    ).not.toThrow();
    // a renewal may be shorter
    expect(() => validateCddi({ ...base, start: "2024-05-01", end: "2024-05-31", recruitmentStart: "2024-01-01" })).not.toThrow();
  });
  it("caps the recruitment at 24 months, with derogations", () => {
    expect(cddiMaxEnd("2024-01-01", { kind: "NONE" })).toBe("2025-12-31");
    expect(cddiMaxEnd("2024-01-01", { kind: "SENIOR_50" })).toBeNull();
    expect(cddiMaxEnd("2024-01-01", { kind: "RQTH" })).toBeNull();
    expect(cddiMaxEnd("2024-01-01", { kind: "PARTICULAR_DIFFICULTIES" })).toBe("2028-12-31");
    expect(cddiMaxEnd("2024-01-01", { kind: "TRAINING", trainingEnd: "2026-03-31" })).toBe("2026-03-31");
    expect(cddiMaxEnd("2019-06-01", { kind: "COVID" })).toBe("2021-11-30");
    expect(cddiMaxEnd("2018-01-01", { kind: "COVID" })).toBe("2020-12-31");
    expect(() => validateCddi({ ...base, start: "2025-06-01", end: "2026-01-01", recruitmentStart: "2024-01-01" })).toThrow(
      /cddi.maxDuration/,
    );
    expect(() =>
      validateCddi({
        ...base,
        start: "2025-06-01",
        end: "2026-01-01",
        recruitmentStart: "2024-01-01",
        derogation: { kind: "PARTICULAR_DIFFICULTIES" },
      }),
    ).not.toThrow();
  });
  it("requires 20 to 35 hours a week in ACI", () => {
    expect(() =>
      validateCddi({ ...base, weeklyHours: 19, start: "2024-01-01", end: "2024-06-30", recruitmentStart: "2024-01-01" }),
    ).toThrow(/cddi.weeklyHours/);
    expect(() =>
      validateCddi({
        ...base,
        weeklyHours: 15,
        fragilePublic: true,
        start: "2024-01-01",
        end: "2024-06-30",
        recruitmentStart: "2024-01-01",
      }),
    ).not.toThrow();
    expect(() =>
      validateCddi({ ...base, weeklyHours: 36, start: "2024-01-01", end: "2024-06-30", recruitmentStart: "2024-01-01" }),
    ).toThrow(/cddi.weeklyHours/);
    expect(() =>
      validateCddi({ ...base, weeklyHours: Number.NaN, start: "2024-01-01", end: "2024-06-30", recruitmentStart: "2024-01-01" }),
    ).toThrow(/cddi.weeklyHours/);
  });
});

describe("CDDI derogations (R.5132-1-8, L.5132-5 / L.5132-11-1 / L.5132-15-1)", () => {
  const r = { kind: "ACI" as const, weeklyHours: 26, recruitmentStart: "2020-01-01" };
  it("50+ and RQTH: no total cap, renewals beyond 24 months of 12 months at most", () => {
    expect(() => validateCddi({ ...r, start: "2026-01-01", end: "2026-12-31", derogation: { kind: "SENIOR_50" } })).not.toThrow();
    expect(() => validateCddi({ ...r, start: "2026-01-01", end: "2027-01-01", derogation: { kind: "RQTH" } })).toThrow(
      /cddi.derogation.renewal/,
    );
    expect(() => validateCddi({ ...r, start: "2021-06-01", end: "2021-12-31", derogation: { kind: "RQTH" } })).not.toThrow();
  });
  it("particular difficulties: 60 months in total, ACI and AI only, not EI", () => {
    expect(() =>
      validateCddi({ ...r, start: "2024-06-01", end: "2024-12-31", derogation: { kind: "PARTICULAR_DIFFICULTIES" } }),
    ).not.toThrow();
    expect(() => validateCddi({ ...r, start: "2024-06-01", end: "2025-01-01", derogation: { kind: "PARTICULAR_DIFFICULTIES" } })).toThrow(
      /cddi.maxDuration/,
    );
    expect(() =>
      validateCddi({ ...r, kind: "AI", start: "2022-06-01", end: "2023-05-31", derogation: { kind: "PARTICULAR_DIFFICULTIES" } }),
    ).not.toThrow();
    expect(() =>
      validateCddi({ ...r, kind: "EI", start: "2022-06-01", end: "2022-12-31", derogation: { kind: "PARTICULAR_DIFFICULTIES" } }),
    ).toThrow(/cddi.derogation.kind/);
  });
  it("weekly hours: at most 35 h in ACI, 48 h elsewhere; at least 20 h", () => {
    const w = { start: "2024-01-01", end: "2024-06-30", recruitmentStart: "2024-01-01", derogation: { kind: "NONE" as const } };
    expect(() => validateCddi({ ...w, kind: "ACI", weeklyHours: 36 })).toThrow(/cddi.weeklyHours/);
    expect(() => validateCddi({ ...w, kind: "EI", weeklyHours: 39 })).not.toThrow();
    expect(() => validateCddi({ ...w, kind: "EI", weeklyHours: 49 })).toThrow(/cddi.weeklyHours/);
    expect(() => validateCddi({ ...w, kind: "AI", weeklyHours: 19 })).toThrow(/cddi.weeklyHours/);
  });
});

describe("other contract limits", () => {
  it("ETTI missions: 24 months at most, renewals included (L.5132-6)", () => {
    expect(() => checkEttiMissions("2024-01-01", "2025-12-31")).not.toThrow();
    expect(() => checkEttiMissions("2024-01-01", "2026-01-01")).toThrow(/etti.maxDuration/);
  });
  it("CDI inclusion: 57 years and more, after 12 months of parcours (décret 2021-1129)", () => {
    expect(() => checkCdiInclusion({ birthDate: "1967-03-01", startsOn: "2024-03-01", parcoursStart: "2023-01-01" })).not.toThrow();
    expect(() => checkCdiInclusion({ birthDate: "1967-03-02", startsOn: "2024-03-01", parcoursStart: "2023-01-01" })).toThrow(
      /cdiInclusion.age/,
    );
    expect(() => checkCdiInclusion({ birthDate: "1960-01-01", startsOn: "2024-03-01", parcoursStart: "2023-03-02" })).toThrow(
      /cdiInclusion.parcours/,
    );
    expect(() => checkCdiInclusion({ birthDate: null, startsOn: "2024-03-01", parcoursStart: null })).toThrow(/cdiInclusion.birthDate/);
  });
  it("AI mises à disposition in companies: 480 h over 24 months unless derogation (L.5132-9)", () => {
    expect(() => checkAiCompanyPlacement({ hoursInWindow: 400, newHours: 80, derogation: false })).not.toThrow();
    expect(() => checkAiCompanyPlacement({ hoursInWindow: 400, newHours: 81, derogation: false })).toThrow(/ai.placement.max/);
    expect(() => checkAiCompanyPlacement({ hoursInWindow: 400, newHours: 81, derogation: true })).not.toThrow();
  });
  it("AI mises à disposition in companies: the 24 months run from the first one, then a new period opens (L.5132-9)", () => {
    const history = [
      { month: "2023-03-01", hours: 200 },
      { month: "2024-01-01", hours: 200 },
      { month: "2025-03-01", hours: 50 },
    ];
    // March 2023 opens the period (to 28 February 2025): 400 h are counted in it.
    expect(aiCompanyPlacementPeriod(history, "2024-06-01")).toEqual({ startsOn: "2023-03-01", endsOn: "2025-02-28", hours: 400 });
    // March 2025 is past those 24 months: it opens a new period, with its own hours only.
    expect(aiCompanyPlacementPeriod(history, "2025-03-01")).toEqual({ startsOn: "2025-03-01", endsOn: "2027-02-28", hours: 50 });
    // No company hours before: the month declared opens the period.
    expect(aiCompanyPlacementPeriod([], "2024-05-01")).toEqual({ startsOn: "2024-05-01", endsOn: "2026-04-30", hours: 0 });
    // A month declared before the first known one (a correction) opens the period that then holds the later hours.
    expect(aiCompanyPlacementPeriod(history, "2022-12-01").hours).toBe(400);
  });
  it("AI mises à disposition need a PASS from 1 December 2021 (décret 2021-1128, instruction DGEFP 2021/212)", () => {
    expect(AI_PASS_REQUIRED_FROM).toBe("2021-12-01");
    expect(passRequired("MISE_A_DISPOSITION", "2021-11-30")).toBe(false);
    expect(passRequired("MISE_A_DISPOSITION", "2021-12-01")).toBe(true);
    expect(passRequired("CDDI", "2019-01-01")).toBe(true);
  });
  it("warns when a contract runs past the PASS end", () => {
    expect(contractBeyondPassWarning("2025-01-01", "2024-12-31")).toMatch(/après la fin du PASS/);
    expect(contractBeyondPassWarning("2024-12-31", "2024-12-31")).toBeNull();
    expect(contractBeyondPassWarning(null, "2024-12-31")).toBeNull();
  });
});

describe("recruitment chains (iae-reference §6.3)", () => {
  const c = (id: string, rank: number, hiringDate: string, exitDate: string | null, personKey = "p1"): ContractLike => ({
    id,
    personKey,
    structureId: "s1",
    mesure: "ACI_DC",
    rank,
    hiringDate,
    endDate: null,
    exitDate,
  });
  it("groups an initial contract and its renewals; exit = max definitive exit", () => {
    const r = buildRecruitments([
      c("b", 1, "2024-05-01", "2024-10-31"),
      c("a", 0, "2024-01-01", null),
      c("c", 0, "2025-03-01", null),
      c("d", 0, "2024-02-01", "2024-03-01", "p2"),
    ]);
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
