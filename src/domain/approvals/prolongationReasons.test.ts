import { describe, expect, it } from "vitest";
import { addProlongation, createApproval } from "./approval.js";
import { ageOn, openProlongationReasons } from "./prolongationReasons.js";

const adult = { birthDate: "1985-06-10", birthYear: 1985, rqth: false };

describe("prolongation motives open to a salarié", () => {
  const pass = createApproval("2018-03-01"); // ends 2020-02-29

  it("ACI, 34 years, no RQTH, in the window: training and particular difficulties (health context closed from 2021-12-01 only)", () => {
    expect(openProlongationReasons(pass, { kind: "ACI", date: "2020-01-15", person: adult })).toEqual([
      "COMPLETE_TRAINING",
      "PARTICULAR_DIFFICULTIES",
      "HEALTH_CONTEXT",
    ]);
  });

  it("particular difficulties for ACI and AI only; health context closed from 1 December 2021", () => {
    const later = createApproval("2020-03-01");
    expect(openProlongationReasons(later, { kind: "EI", date: "2022-01-15", person: adult })).toEqual(["COMPLETE_TRAINING"]);
  });

  it("50 years and more, RQTH, CDI inclusion from 57 years (age counted on the request day)", () => {
    expect(
      openProlongationReasons(pass, { kind: "EI", date: "2020-01-15", person: { birthDate: "1970-01-15", birthYear: 1970, rqth: true } }),
    ).toEqual(["COMPLETE_TRAINING", "SENIOR", "RQTH", "HEALTH_CONTEXT"]);
    expect(
      openProlongationReasons(pass, { kind: "EI", date: "2020-01-15", person: { birthDate: "1970-01-16", birthYear: 1970, rqth: false } }),
    ).not.toContain("SENIOR");
    expect(
      openProlongationReasons(pass, { kind: "EI", date: "2020-01-15", person: { birthDate: null, birthYear: 1962, rqth: false } }),
    ).toContain("SENIOR_CDI");
  });

  it("nothing before the window (12 months before the end) nor after it (6 months after)", () => {
    expect(openProlongationReasons(pass, { kind: "ACI", date: "2019-02-27", person: adult })).toEqual([]);
    expect(openProlongationReasons(pass, { kind: "ACI", date: "2020-09-01", person: adult })).toEqual([]);
  });

  it("a motive whose cumulative cap is used up is no longer open (R.5132-1-8: 3 × 365 days for particular difficulties)", () => {
    let p = pass;
    for (const requestedAt of ["2020-01-10", "2020-12-01", "2021-12-01"]) {
      p = addProlongation(p, { reason: "PARTICULAR_DIFFICULTIES", days: 365, requestedAt, kind: "ACI", prescriberApproved: true });
    }
    expect(openProlongationReasons(p, { kind: "ACI", date: "2022-12-01", person: adult })).not.toContain("PARTICULAR_DIFFICULTIES");
  });

  it("age in whole years, birthday included", () => {
    expect(ageOn({ birthDate: "1970-01-15", birthYear: null }, "2020-01-15")).toBe(50);
    expect(ageOn({ birthDate: "1970-01-16", birthYear: null }, "2020-01-15")).toBe(49);
    expect(ageOn({ birthDate: null, birthYear: null }, "2020-01-15")).toBeNull();
  });
});
