// The small-count rule against an attacker who subtracts: the overall figure of a horizon is the sum of the exit
// groups, so a group withheld alone would be the total minus the published groups. Secondary suppression hides
// more groups until what is hidden covers at least 5 people.
import { describe, expect, it } from "vitest";
import { FOLLOWED_EXIT_GROUPS, type FollowedExitGroup } from "./followUp.js";
import {
  addCounts,
  type FollowUpCounts,
  type FollowUpHorizonFigures,
  followUpHorizonFigures,
  NO_FOLLOW_UP,
  publishFollowUp,
  ratesOfCounts,
  SECONDARY_WITHHELD_REASON,
  secondarySuppression,
} from "./indicators.js";

const figuresOf = (groups: Record<FollowedExitGroup, FollowUpCounts>, audience: "outside" | "structure" = "outside") =>
  followUpHorizonFigures(
    ratesOfCounts(FOLLOWED_EXIT_GROUPS.map((g) => groups[g]).reduce(addCounts, NO_FOLLOW_UP)),
    Object.fromEntries(FOLLOWED_EXIT_GROUPS.map((g) => [g, ratesOfCounts(groups[g])])) as Record<
      FollowedExitGroup,
      ReturnType<typeof ratesOfCounts>
    >,
    audience,
  );

/** What an attacker recovers by subtraction: the total minus every published group (known and employed people). */
function residual(f: FollowUpHorizonFigures): { groups: FollowedExitGroup[]; known: number; employed: number } | null {
  if (f.known === null || f.employedRate === null) return null;
  let known = f.known;
  let employed = Math.round(f.employedRate * f.known);
  const hidden: FollowedExitGroup[] = [];
  for (const g of FOLLOWED_EXIT_GROUPS) {
    const x = f.byExitGroup[g];
    if (x.known === null || x.employedRate === null) {
      hidden.push(g);
      continue;
    }
    known -= x.known;
    employed -= Math.round(x.employedRate * x.known);
  }
  return { groups: hidden, known, employed };
}

const c = (due: number, known: number, employed: number, durable = 0): FollowUpCounts => ({ due, known, employed, durable });

describe("follow-up small counts against subtraction", () => {
  const groups = {
    durable: c(4, 3, 2, 1),
    transition: c(40, 30, 12, 6),
    positive: c(25, 20, 8, 3),
    other: c(60, 50, 10, 4),
  };

  it("the attack: with the small-count rule alone, the total minus the other groups gives the 3 people's outcomes", () => {
    // Primary suppression only (what each group would publish on its own).
    const total = ratesOfCounts(FOLLOWED_EXIT_GROUPS.map((g) => groups[g]).reduce(addCounts, NO_FOLLOW_UP));
    const naive: FollowUpHorizonFigures = {
      ...publishFollowUp(total, "outside"),
      byExitGroup: Object.fromEntries(
        FOLLOWED_EXIT_GROUPS.map((g) => [g, publishFollowUp(ratesOfCounts(groups[g]), "outside")]),
      ) as FollowUpHorizonFigures["byExitGroup"],
    };
    expect(naive.byExitGroup.durable.employedRate).toBeNull();
    expect(residual(naive)).toEqual({ groups: ["durable"], known: 3, employed: 2 });
  });

  it("secondary suppression: the next-smallest group is withheld too, the subtraction mixes at least 5 people", () => {
    const f = figuresOf(groups);
    expect(f.known).toBe(103);
    expect(f.byExitGroup.durable).toMatchObject({ known: null, employedRate: null, due: null, withheld: true });
    // positive (20 known, 25 due) is the next-smallest group: withheld for the subtraction, with its reason.
    expect(f.byExitGroup.positive).toMatchObject({ known: null, employedRate: null, durableEmployedRate: null, due: null });
    expect(f.byExitGroup.positive.withheldReason).toBe(SECONDARY_WITHHELD_REASON);
    expect(f.byExitGroup.transition.known).toBe(30);
    expect(f.byExitGroup.other.known).toBe(50);
    expect(residual(f)).toEqual({ groups: ["durable", "positive"], known: 23, employed: 10 });
    // The structure itself sees everything.
    expect(figuresOf(groups, "structure").byExitGroup.durable).toMatchObject({ known: 3, withheld: false });
  });

  it("withheld groups together covering fewer than 5 people take one more; groups of nobody reveal nothing", () => {
    expect([...secondarySuppression([2, 2, 40, 9])].sort()).toEqual([0, 1, 3]);
    expect([...secondarySuppression([3, 2, 40, 9])].sort()).toEqual([0, 1]);
    expect([...secondarySuppression([0, 12, 40, 9])].sort()).toEqual([0]);
    expect([...secondarySuppression([5, 12, 40, 9])]).toEqual([]);
    expect([...secondarySuppression([1, 1, 1, 1])].sort()).toEqual([0, 1, 2, 3]);
  });

  it("for any counts, what an attacker subtracts covers nobody or at least 5 people (due and known)", () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let k = 0; k < 2000; k++) {
      const g = Object.fromEntries(
        FOLLOWED_EXIT_GROUPS.map((name) => {
          const due = rnd(3) === 0 ? rnd(6) : rnd(60);
          const known = rnd(due + 1);
          const employed = rnd(known + 1);
          return [name, c(due, known, employed, rnd(employed + 1))];
        }),
      ) as Record<FollowedExitGroup, FollowUpCounts>;
      const f = figuresOf(g);
      const hiddenKnown = FOLLOWED_EXIT_GROUPS.filter((n) => f.byExitGroup[n].known === null).reduce((a, n) => a + g[n].known, 0);
      const hiddenDue = FOLLOWED_EXIT_GROUPS.filter((n) => f.byExitGroup[n].due === null).reduce((a, n) => a + g[n].due, 0);
      if (f.known !== null) expect(hiddenKnown === 0 || hiddenKnown >= 5, JSON.stringify(g)).toBe(true);
      if (f.due !== null) expect(hiddenDue === 0 || hiddenDue >= 5, JSON.stringify(g)).toBe(true);
      for (const n of FOLLOWED_EXIT_GROUPS) {
        const x = f.byExitGroup[n];
        if (x.employedRate !== null) expect(g[n].known).toBeGreaterThanOrEqual(5);
      }
    }
  });
});
