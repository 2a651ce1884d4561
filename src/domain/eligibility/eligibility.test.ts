import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkCriteria, parseAdministrativeCriteria, REQUIRED_LEVEL2_BY_KIND } from "./criteria.js";
import { diagnosisExpiresAt, isDiagnosisValid, usableDiagnosis } from "./diagnosis.js";

const criteria = parseAdministrativeCriteria(
  JSON.parse(
    readFileSync(new URL("../../../data/reference/les-emplois/eligibility/administrative_criteria.json", import.meta.url), "utf8"),
  ) as unknown,
);

describe("administrative criteria (iae-reference §4.1)", () => {
  it("reads the 18 criteria with their levels from data", () => {
    expect(criteria).toHaveLength(18);
    expect(criteria.filter((c) => c.level === 1).map((c) => c.kind)).toEqual(["RSA", "ASS", "AAH", "DETLD"]);
    expect(criteria.filter((c) => c.level === 2)).toHaveLength(14);
    expect(() => parseAdministrativeCriteria({})).toThrow(/eligibility.criteria.format/);
    expect(() => parseAdministrativeCriteria([{ fields: { level: "3", kind: "X" } }])).toThrow(/eligibility.criteria.level/);
  });
  it("requires 1 level-1 or N level-2 criteria by kind for a SIAE diagnosis", () => {
    expect(REQUIRED_LEVEL2_BY_KIND).toEqual({ ACI: 3, EI: 3, EITI: 3, AI: 2, ETTI: 2 });
    expect(checkCriteria(criteria, ["RSA"], "SIAE", "ACI").eligible).toBe(true);
    expect(checkCriteria(criteria, ["QPV", "PM"], "SIAE", "ACI").eligible).toBe(false);
    expect(checkCriteria(criteria, ["QPV", "PM", "FLE"], "SIAE", "EITI").eligible).toBe(true);
    expect(checkCriteria(criteria, ["QPV", "PM"], "SIAE", "AI").eligible).toBe(true);
    expect(checkCriteria(criteria, ["QPV"], "SIAE", "ETTI").eligible).toBe(false);
    expect(checkCriteria(criteria, [], "PRESCRIBER", "EI").eligible).toBe(true);
  });
  it("rejects unknown, duplicate and mutually exclusive criteria", () => {
    expect(() => checkCriteria(criteria, ["SENIOR", "JEUNE"], "SIAE", "ACI")).toThrow(/eligibility.criteria.exclusive/);
    expect(() => checkCriteria(criteria, ["DETLD", "DELD"], "PRESCRIBER", "ACI")).toThrow(/eligibility.criteria.exclusive/);
    expect(() => checkCriteria(criteria, ["FOO"], "SIAE", "ACI")).toThrow(/eligibility.criteria.unknown/);
    expect(() => checkCriteria(criteria, ["RSA", "RSA"], "SIAE", "ACI")).toThrow(/eligibility.criteria.duplicate/);
  });
});

describe("diagnosis validity (iae-reference §4.2)", () => {
  it("lasts 6 months for a prescriber, 92 days for a SIAE", () => {
    expect(diagnosisExpiresAt({ author: "PRESCRIBER", createdAt: "2024-01-15" })).toBe("2024-07-14");
    expect(diagnosisExpiresAt({ author: "SIAE", createdAt: "2024-01-01" })).toBe("2024-04-01");
    expect(isDiagnosisValid({ author: "SIAE", createdAt: "2024-01-01" }, "2024-04-02")).toBe(false);
    expect(isDiagnosisValid({ author: "SIAE", createdAt: "2024-01-01" }, "2023-12-31")).toBe(false);
  });
  it("is extended while a PASS issued on it is valid", () => {
    const d = { author: "SIAE" as const, createdAt: "2024-01-01", approval: { startAt: "2024-02-01", endAt: "2026-01-31" } };
    expect(isDiagnosisValid(d, "2025-06-01")).toBe(true);
    expect(isDiagnosisValid(d, "2026-02-01")).toBe(false);
  });
  it("lets a SIAE use only its own diagnoses, prescriber's first", () => {
    const own = { author: "SIAE" as const, createdAt: "2024-03-01", siaeId: "s1" };
    const other = { author: "SIAE" as const, createdAt: "2024-03-01", siaeId: "s2" };
    const presc = { author: "PRESCRIBER" as const, createdAt: "2024-01-01" };
    expect(usableDiagnosis([own, other], "s2", "2024-03-10")).toBe(other);
    expect(usableDiagnosis([own, presc], "s1", "2024-03-10")).toBe(presc);
    expect(usableDiagnosis([other], "s1", "2024-03-10")).toBeNull();
    expect(() => isDiagnosisValid(own, "2024-02-30")).toThrow(/eligibility.diagnosis.date/);
  });
});
