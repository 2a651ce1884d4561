import { describe, expect, it } from "vitest";
import { DomainRuleError } from "../errors.js";
import {
  type CriterionStatus,
  checkFinalDecision,
  closeReview,
  defaultDeadlines,
  dueItem,
  proofPhase,
  reviewCriterion,
  submitFile,
  extendDeadlines,
} from "./workflow.js";

const d = defaultDeadlines("2019-12-09");
const c = (review: CriterionStatus["review"], initialProofs = 1, adversarialProofs = 0, certified = false): CriterionStatus => ({
  certified,
  review,
  initialProofs,
  adversarialProofs,
});

describe("contrôle a posteriori workflow (les-emplois siae_evaluations states)", () => {
  it("deadlines: six weeks per phase from the draw", () => {
    expect(d).toEqual({ proofsDueOn: "2020-01-20", reviewDueOn: "2020-03-02", adversarialDueOn: "2020-04-13" });
  });

  it("proofs: to any criterion before transmission, then only to refused ones in the adversarial phase; never to a certified one", () => {
    expect(proofPhase("pieces", c("en_attente", 0), "2020-01-15", d)).toBe("initiale");
    expect(() => proofPhase("pieces", c("en_attente", 0), "2020-01-21", d)).toThrow(DomainRuleError);
    expect(() => proofPhase("pieces", c("acceptee", 0, 0, true), "2020-01-15", d)).toThrow(/certifié/);
    expect(() => proofPhase("soumis", c("en_attente"), "2020-01-15", d)).toThrow(DomainRuleError);
    expect(proofPhase("contradictoire", c("refusee"), "2020-04-13", d)).toBe("contradictoire");
    expect(() => proofPhase("contradictoire", c("acceptee"), "2020-04-01", d)).toThrow(/refusés/);
    expect(() => proofPhase("contradictoire", c("refusee"), "2020-04-14", d)).toThrow(/délai/);
  });

  it("transmission needs a proof per criterion to justify (certified ones aside), before the deadline", () => {
    expect(() => submitFile("pieces", [c("en_attente", 0)], "2020-01-15", d)).toThrow(DomainRuleError);
    expect(submitFile("pieces", [c("en_attente", 1), c("acceptee", 0, 0, true)], "2020-01-15", d)).toBe("soumis");
    expect(() => submitFile("contradictoire", [c("refusee", 1, 0)], "2020-03-15", d)).toThrow(/nouveau justificatif/);
    expect(submitFile("contradictoire", [c("refusee", 1, 1), c("acceptee")], "2020-03-15", d)).toBe("soumis_contradictoire");
  });

  it("review: a refusal is motivated; a second refusal (adversarial) is REFUSED_2", () => {
    expect(() => reviewCriterion("soumis", c("en_attente"), "refusee", " ")).toThrow(/motiver/);
    expect(reviewCriterion("soumis", c("en_attente"), "refusee", "illisible")).toBe("refusee");
    expect(reviewCriterion("soumis_contradictoire", c("refusee", 1, 1), "refusee", "toujours illisible")).toBe("refusee_2");
    expect(reviewCriterion("soumis_contradictoire", c("refusee", 1, 1), "acceptee", "")).toBe("acceptee");
    expect(() => reviewCriterion("soumis_contradictoire", c("acceptee"), "refusee", "x")).toThrow(DomainRuleError);
    expect(() => reviewCriterion("pieces", c("en_attente"), "acceptee", "")).toThrow(DomainRuleError);
  });

  it("closing the review: every criterion examined; adversarial phase only when one is refused", () => {
    expect(() => closeReview("soumis", [c("en_attente"), c("acceptee")])).toThrow(DomainRuleError);
    expect(closeReview("soumis", [c("refusee"), c("acceptee")])).toBe("contradictoire");
    expect(closeReview("soumis", [c("acceptee")])).toBe("soumis");
  });

  it("final decision: conforme only when all accepted; non conforme with a reason; after a lapsed deadline, non conforme only", () => {
    expect(() => checkFinalDecision("soumis", [c("acceptee")], "2020-02-01", d, { decision: "conforme" })).not.toThrow();
    expect(() => checkFinalDecision("soumis", [c("acceptee")], "2020-02-01", d, { decision: "conforme", trainingRequired: true })).toThrow(
      /conséquence/,
    );
    expect(() => checkFinalDecision("soumis_contradictoire", [c("refusee_2")], "2020-04-20", d, { decision: "conforme" })).toThrow(
      DomainRuleError,
    );
    expect(() => checkFinalDecision("soumis_contradictoire", [c("refusee_2")], "2020-04-20", d, { decision: "non_conforme" })).toThrow(
      /motif/,
    );
    expect(() =>
      checkFinalDecision("soumis_contradictoire", [c("refusee_2")], "2020-04-20", d, {
        decision: "non_conforme",
        reason: "piece_incorrecte",
      }),
    ).not.toThrow();
    expect(() =>
      checkFinalDecision("pieces", [c("en_attente", 0)], "2020-01-15", d, { decision: "non_conforme", reason: "delai" }),
    ).toThrow(DomainRuleError);
    expect(() =>
      checkFinalDecision("pieces", [c("en_attente", 0)], "2020-01-21", d, { decision: "non_conforme", reason: "delai" }),
    ).not.toThrow();
    expect(() =>
      checkFinalDecision("pieces", [c("en_attente", 0)], "2020-01-21", d, {
        decision: "non_conforme",
        reason: "delai",
        suspendedFrom: "2020-03-01",
        suspendedTo: "2020-02-01",
      }),
    ).toThrow(/fin du retrait/);
  });

  it("what is due, from whom, by when; overdue after the date", () => {
    expect(dueItem("pieces", [], "2020-01-15", d)).toEqual({
      party: "siae",
      what: "transmettre_pieces",
      dueOn: "2020-01-20",
      overdue: false,
    });
    expect(dueItem("pieces", [], "2020-01-21", d)).toEqual({ party: "ddets", what: "decider", dueOn: "2020-04-27", overdue: false });
    expect(dueItem("soumis", [c("en_attente")], "2020-03-03", d)).toEqual({
      party: "ddets",
      what: "examiner",
      dueOn: "2020-03-02",
      overdue: true,
    });
    expect(dueItem("soumis", [c("acceptee")], "2020-02-01", d)).toMatchObject({ what: "decider" });
    expect(dueItem("contradictoire", [c("refusee")], "2020-04-01", d)).toMatchObject({ party: "siae", what: "transmettre_contradictoire" });
    expect(dueItem("decide", [], "2020-04-01", d)).toBeNull();
  });

  it("a file's deadline is extended, never shortened nor into the past; the later ones move as much", () => {
    expect(d).toEqual({ proofsDueOn: "2020-01-20", reviewDueOn: "2020-03-02", adversarialDueOn: "2020-04-13" });
    expect(extendDeadlines("pieces", d, "2020-02-03", "2020-01-25")).toEqual({
      proofsDueOn: "2020-02-03",
      reviewDueOn: "2020-03-16",
      adversarialDueOn: "2020-04-27",
    });
    // Only the current phase's deadline and the later ones move.
    expect(extendDeadlines("contradictoire", d, "2020-04-20", "2020-04-14")).toEqual({ ...d, adversarialDueOn: "2020-04-20" });
    expect(extendDeadlines("soumis", d, "2020-03-09", "2020-03-01")).toEqual({
      ...d,
      reviewDueOn: "2020-03-09",
      adversarialDueOn: "2020-04-20",
    });
    const rule = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof DomainRuleError ? e.rule : "other";
      }
      return null;
    };
    expect(rule(() => extendDeadlines("pieces", d, "2020-01-20", "2020-01-10"))).toBe("controle.extend.later");
    expect(rule(() => extendDeadlines("pieces", d, "2020-01-25", "2020-01-25"))).toBe("controle.extend.future");
    expect(rule(() => extendDeadlines("decide", d, "2020-06-01", "2020-01-10"))).toBe("controle.extend.decided");
  });
});
