import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fixedClock } from "../calendar/clock.js";
import { addDays, diffDays } from "../calendar/isoDate.js";
import { DomainRuleError } from "../errors.js";
import {
  type Approval,
  addProlongation,
  addSuspension,
  approvalStatus,
  canObtainNewApproval,
  createApproval,
  cumulatedProlongationDays,
  endSuspensionOnHiring,
  isInWaitingPeriod,
  PROLONGATION_RULES,
  type ProlongationReason,
  periodDays,
} from "./approval.js";

const clock = fixedClock("2024-06-01");

describe("PASS IAE (iae-reference §5)", () => {
  it("lasts 2 years with an inclusive end", () => {
    expect(createApproval("2025-01-15").endAt).toBe("2027-01-14");
    const a = createApproval("2024-01-15"); // 2024 is a leap year: 730 days end on 13 Jan 2026
    expect(a.endAt).toBe("2026-01-13");
    expect(periodDays(a.startAt, a.endAt)).toBe(730);
  });
  it("has a status at a date", () => {
    const a = addSuspension(
      createApproval("2024-01-15"),
      { startAt: "2024-03-01", endAt: "2024-03-31", reason: "CONTRACT_SUSPENDED" },
      clock,
    );
    expect(approvalStatus(a, "2024-01-14")).toBe("FUTURE");
    expect(approvalStatus(a, "2024-01-15")).toBe("VALID");
    expect(approvalStatus(a, "2024-03-15")).toBe("SUSPENDED");
    expect(approvalStatus(a, a.endAt)).toBe("VALID");
    expect(approvalStatus(a, addDays(a.endAt, 1))).toBe("EXPIRED");
  });
  it("pushes the end back by end − start days, as les emplois de l'inclusion (the PASS's system of record)", () => {
    const a = addSuspension(
      createApproval("2024-01-15"),
      { startAt: "2024-03-01", endAt: "2024-03-31", reason: "CONTRACT_SUSPENDED" },
      clock,
    );
    expect(a.endAt).toBe("2026-02-12");
  });
  it("ends a suspension the day before a hiring", () => {
    const a = addSuspension(
      createApproval("2025-01-15"),
      { startAt: "2025-03-01", endAt: "2025-03-31", reason: "CONTRACT_BROKEN" },
      fixedClock("2025-03-01"),
    );
    expect(a.endAt).toBe("2027-02-13");
    const h = endSuspensionOnHiring(a, "2025-03-11");
    expect(h.suspensions[0]).toMatchObject({ startAt: "2025-03-01", endAt: "2025-03-10" });
    expect(h.endAt).toBe("2027-01-23");
    const first = endSuspensionOnHiring(a, "2025-03-01");
    expect([first.suspensions.length, first.endAt]).toEqual([0, "2027-01-14"]);
    expect(endSuspensionOnHiring(a, "2025-05-01")).toBe(a);
  });
  it("rejects invalid suspensions with the rule", () => {
    const a = createApproval("2023-01-01");
    const rule = (s: { startAt: string; endAt: string; reason: string }, c = clock) => {
      try {
        addSuspension(a, s, c);
        return "none";
      } catch (e) {
        return e instanceof DomainRuleError ? e.rule : "other";
      }
    };
    expect(rule({ startAt: "2024-01-01", endAt: "2024-02-01", reason: "SICKNESS" })).toBe("approval.suspension.reason");
    expect(rule({ startAt: "2024-01-01", endAt: "2023-12-01", reason: "CONTRACT_BROKEN" })).toBe("approval.suspension.period");
    expect(rule({ startAt: "2022-12-01", endAt: "2023-02-01", reason: "CONTRACT_BROKEN" })).toBe("approval.suspension.outside");
    expect(rule({ startAt: "2024-01-01", endAt: "2027-01-01", reason: "CONTRACT_BROKEN" })).toBe("approval.suspension.maxDuration");
    expect(rule({ startAt: "2024-01-01", endAt: "2026-12-31", reason: "CONTRACT_BROKEN" })).toBe("none");
    expect(rule({ startAt: "2023-05-01", endAt: "2023-06-01", reason: "CONTRACT_BROKEN" })).toBe("approval.suspension.retroactivity");
    const b = addSuspension(a, { startAt: "2024-01-01", endAt: "2024-01-31", reason: "FINISHED_CONTRACT" }, clock);
    expect(() => addSuspension(b, { startAt: "2024-01-31", endAt: "2024-02-10", reason: "FINISHED_CONTRACT" }, clock)).toThrow(
      /approval.suspension.overlap/,
    );
  });
  it("applies the prolongation table", () => {
    const a = createApproval("2022-01-01"); // ends 2023-12-31
    const p = addProlongation(a, { reason: "RQTH", days: 365, requestedAt: "2023-10-01", kind: "ACI", prescriberApproved: true });
    expect(p.prolongations[0]).toMatchObject({ startAt: "2024-01-01", endAt: "2024-12-30" });
    expect(p.endAt).toBe("2024-12-30");
    const base = { days: 100, requestedAt: "2023-10-01", kind: "ACI" as const, prescriberApproved: true };
    expect(() => addProlongation(a, { ...base, reason: "RQTH", prescriberApproved: false })).toThrow(/approval.prolongation.prescriber/);
    expect(addProlongation(a, { ...base, reason: "COMPLETE_TRAINING", prescriberApproved: false }).endAt).toBe(addDays("2023-12-31", 100));
    expect(() => addProlongation(a, { ...base, reason: "PARTICULAR_DIFFICULTIES", days: 366 })).toThrow(
      /approval.prolongation.maxPerRequest/,
    );
    expect(addProlongation(a, { ...base, reason: "SENIOR", days: 366 }).endAt).toBe(addDays("2023-12-31", 366));
    expect(() => addProlongation(a, { ...base, reason: "PARTICULAR_DIFFICULTIES", kind: "EI" })).toThrow(/approval.prolongation.kind/);
    expect(() => addProlongation(a, { ...base, reason: "HEALTH_CONTEXT" })).toThrow(/approval.prolongation.closed/);
    expect(() => addProlongation(a, { ...base, reason: "RQTH", requestedAt: "2022-12-30" })).toThrow(/approval.prolongation.window/);
    expect(() => addProlongation(a, { ...base, reason: "RQTH", requestedAt: "2024-07-01" })).toThrow(/approval.prolongation.window/);
    expect(addProlongation(a, { ...base, reason: "RQTH", requestedAt: "2024-06-30" }).endAt).toBe(addDays("2023-12-31", 100));
    expect(() => addProlongation(a, { ...base, reason: "UNKNOWN" })).toThrow(/approval.prolongation.reason/);
    expect(addProlongation(a, { ...base, reason: "SENIOR_CDI", days: 3650 }).endAt).toBe(addDays("2023-12-31", 3650));
    let r: Approval = a;
    for (let i = 0; i < 3; i++)
      r = addProlongation(r, { reason: "RQTH", days: 365, requestedAt: addDays(r.endAt, -30), kind: "AI", prescriberApproved: true });
    expect(cumulatedProlongationDays(r)).toBe(1095);
    expect(() =>
      addProlongation(r, { reason: "RQTH", days: 1, requestedAt: addDays(r.endAt, -30), kind: "AI", prescriberApproved: true }),
    ).toThrow(/approval.prolongation.maxCumulative/);
    const suspended = addSuspension(
      createApproval("2023-01-01"),
      { startAt: "2024-05-01", endAt: "2024-08-31", reason: "CONTRACT_SUSPENDED" },
      clock,
    );
    expect(() => addProlongation(suspended, { ...base, reason: "RQTH", requestedAt: "2024-06-15" })).toThrow(
      /approval.prolongation.suspended/,
    );
  });
  it("enforces the 2-year waiting period and its prescriber exception", () => {
    expect(isInWaitingPeriod("2024-12-31", "2026-12-31")).toBe(true);
    expect(isInWaitingPeriod("2024-12-31", "2027-01-01")).toBe(false);
    const base = { lastApprovalEnd: "2024-12-31", date: "2025-06-01", structureSubjectToIaeRules: true };
    expect(canObtainNewApproval({ ...base, viaAuthorisedPrescriber: false }).allowed).toBe(false);
    expect(canObtainNewApproval({ ...base, viaAuthorisedPrescriber: true }).allowed).toBe(true);
    expect(canObtainNewApproval({ ...base, structureSubjectToIaeRules: false, viaAuthorisedPrescriber: false }).allowed).toBe(true);
    expect(canObtainNewApproval({ ...base, date: "2024-06-01", viaAuthorisedPrescriber: true }).allowed).toBe(false);
    expect(canObtainNewApproval({ ...base, date: "2027-01-01", viaAuthorisedPrescriber: false }).allowed).toBe(true);
    expect(canObtainNewApproval({ ...base, lastApprovalEnd: null, viaAuthorisedPrescriber: false }).allowed).toBe(true);
  });
});

type Op =
  | { t: "susp"; offset: number; length: number; reason: string; retro: number }
  | { t: "prol"; reason: string; days: number; requestOffset: number; prescriber: boolean; kind: "ACI" | "AI" | "EI" | "ETTI" | "EITI" };

const arbOp: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    t: fc.constant("susp" as const),
    offset: fc.integer({ min: -10, max: 1500 }),
    length: fc.integer({ min: 1, max: 1200 }),
    reason: fc.constantFrom("CONTRACT_SUSPENDED", "CONTRACT_BROKEN", "SICKNESS"),
    retro: fc.integer({ min: 0, max: 500 }),
  }),
  fc.record({
    t: fc.constant("prol" as const),
    reason: fc.constantFrom<ProlongationReason>(
      "COMPLETE_TRAINING",
      "SENIOR_CDI",
      "RQTH",
      "SENIOR",
      "PARTICULAR_DIFFICULTIES",
      "HEALTH_CONTEXT",
    ),
    days: fc.integer({ min: 1, max: 800 }),
    requestOffset: fc.integer({ min: -400, max: 200 }),
    prescriber: fc.boolean(),
    kind: fc.constantFrom("ACI" as const, "AI" as const, "EI" as const, "ETTI" as const, "EITI" as const),
  }),
);

describe("PASS IAE properties", () => {
  it("end date under any sequence of suspensions and prolongations", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3000 }), fc.array(arbOp, { maxLength: 12 }), (startOffset, ops) => {
        let a = createApproval(addDays("2019-01-01", startOffset));
        for (const op of ops) {
          const before = a;
          try {
            if (op.t === "susp") {
              const startAt = addDays(a.startAt, op.offset);
              const endAt = addDays(startAt, op.length - 1);
              a = addSuspension(a, { startAt, endAt, reason: op.reason }, fixedClock(addDays(startAt, op.retro)));
              // each suspension pushes the end by end − start (suspensionExtensionDays)
              expect(diffDays(before.endAt, a.endAt)).toBe(op.length - 1);
            } else {
              a = addProlongation(a, {
                reason: op.reason,
                days: op.days,
                requestedAt: addDays(a.endAt, op.requestOffset),
                kind: op.kind,
                prescriberApproved: op.prescriber,
              });
              expect(diffDays(before.endAt, a.endAt)).toBe(op.days);
            }
          } catch (e) {
            // invalid operations are rejected with a typed error and change nothing
            expect(e).toBeInstanceOf(DomainRuleError);
            expect(a).toBe(before);
          }
          // never before start + 729 days
          expect(diffDays(a.startAt, a.endAt)).toBeGreaterThanOrEqual(729);
          // end = initial end + Σ suspension days + Σ prolongation days
          const pushed =
            a.suspensions.reduce((s, x) => s + diffDays(x.startAt, x.endAt), 0) +
            a.prolongations.reduce((s, x) => s + periodDays(x.startAt, x.endAt), 0);
          expect(diffDays(a.startAt, a.endAt)).toBe(729 + pushed);
          // caps (on all the prolongations of the PASS) never exceeded when only capped motives were used
          if (a.prolongations.every((p) => PROLONGATION_RULES[p.reason].maxCumulativeDays !== null)) {
            const caps = a.prolongations.map((p) => PROLONGATION_RULES[p.reason].maxCumulativeDays ?? 0);
            expect(cumulatedProlongationDays(a)).toBeLessThanOrEqual(Math.max(0, ...caps));
          }
          for (const p of a.prolongations) {
            expect(periodDays(p.startAt, p.endAt)).toBeLessThanOrEqual(PROLONGATION_RULES[p.reason].maxDaysPerRequest);
            if (PROLONGATION_RULES[p.reason].needsPrescriber) expect(["RQTH", "SENIOR", "PARTICULAR_DIFFICULTIES"]).toContain(p.reason);
          }
          for (const s of a.suspensions) expect(diffDays(s.startAt, s.endAt)).toBeLessThan(36 * 31);
          // suspensions never overlap
          const sorted = [...a.suspensions].sort((x, y) => (x.startAt < y.startAt ? -1 : 1));
          for (let i = 1; i < sorted.length; i++) expect((sorted[i]?.startAt ?? "") > (sorted[i - 1]?.endAt ?? "")).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
