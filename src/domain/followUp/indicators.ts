// The follow-up indicators of a scope and a period: at 6 and 12 months, for the exits whose follow-up falls
// due in the period (exit day + 6 or 12 months within the period; exits "retrait" are not followed), the
// rates over the known situations, the share unknown (not entered or INCONNU) over every exit due — always
// shown —, overall and per category group of the exit recorded at exit (how many "emploi durable" exits are
// still employed). Outside the structure, the small-count rule withholds every figure about fewer than
// 5 people (null, with the reason). Pure: the SQL of src/indicators/followUp.ts gives the counts; the twin
// test recomputes them from the rows with followUpRates.
import {
  FOLLOWED_EXIT_GROUPS,
  type FollowedExitGroup,
  type FollowUpRates,
  type PublishedFollowUp,
  publishedOutsideStructure,
  SMALL_COUNT,
} from "./followUp.js";

export interface FollowUpCounts {
  due: number;
  known: number;
  employed: number;
  durable: number;
}

export const NO_FOLLOW_UP: FollowUpCounts = { due: 0, known: 0, employed: 0, durable: 0 };

/** The rates of counts read by SQL — the same formulas as followUpRates. */
export function ratesOfCounts(c: FollowUpCounts): FollowUpRates {
  return {
    due: c.due,
    known: c.known,
    unknownShare: c.due === 0 ? null : (c.due - c.known) / c.due,
    employedRate: c.known === 0 ? null : c.employed / c.known,
    durableEmployedRate: c.known === 0 ? null : c.durable / c.known,
  };
}

/** Who reads the figures: the structure itself (every figure) or anyone else (small-count rule). */
export type FollowUpAudience = "structure" | "outside";

export interface FollowUpFigure extends PublishedFollowUp {
  /** Why figures are null: the small-count rule (null when nothing is withheld). */
  withheldReason: string | null;
}

export interface FollowUpHorizonFigures extends FollowUpFigure {
  byExitGroup: Record<FollowedExitGroup, FollowUpFigure>;
}

export const WITHHELD_REASON = `moins de ${SMALL_COUNT} personnes : non publié hors de la structure (secret statistique)`;

export function publishFollowUp(rates: FollowUpRates, audience: FollowUpAudience): FollowUpFigure {
  const published: PublishedFollowUp = audience === "structure" ? { ...rates, withheld: false } : publishedOutsideStructure(rates);
  return { ...published, withheldReason: published.withheld ? WITHHELD_REASON : null };
}

export const SECONDARY_WITHHELD_REASON = `non publié hors de la structure : sinon un chiffre portant sur moins de ${SMALL_COUNT} personnes se retrouverait par soustraction du total (secret statistique)`;

// Rule: secondary suppression — the overall figure is the sum of the exit groups, so a group withheld alone (or
// groups withheld together covering fewer than 5 people) would be found again as the total minus the published
// groups; the next-smallest groups are withheld too until the withheld groups cover at least 5 people (or every
// group is withheld, the total being then itself under 5 and withheld) [M] — the small-count rule of followUp.ts
// (SMALL_COUNT); iae-reference §9 (personal data) gives no threshold, only pseudonymised statistics
export function secondarySuppression(counts: readonly number[]): Set<number> {
  const withheld = new Set<number>();
  counts.forEach((n, i) => {
    if (n < SMALL_COUNT) withheld.add(i);
  });
  const covered = () => [...withheld].reduce((acc, i) => acc + (counts[i] ?? 0), 0);
  // Groups of nobody reveal nothing: only a withheld group about someone needs covering.
  const sensitive = () => [...withheld].some((i) => (counts[i] ?? 0) > 0);
  while (sensitive() && covered() < SMALL_COUNT) {
    const next = counts
      .map((n, i) => ({ n, i }))
      .filter(({ i }) => !withheld.has(i))
      .sort((a, b) => a.n - b.n || a.i - b.i)[0];
    if (next === undefined) break;
    withheld.add(next.i);
  }
  return withheld;
}

/** Withholds, on top of the small-count rule, the figures the secondary suppression hides. */
function withholdAlso(figure: FollowUpFigure, level: { due: boolean; known: boolean }): FollowUpFigure {
  const hideDue = level.due && figure.due !== null;
  const hideKnown = level.known && figure.known !== null;
  if (!hideDue && !hideKnown) return figure;
  return {
    ...figure,
    ...(hideDue ? { due: null, unknownShare: null } : {}),
    ...(hideKnown ? { known: null, employedRate: null, durableEmployedRate: null } : {}),
    withheld: true,
    withheldReason: figure.withheldReason ?? SECONDARY_WITHHELD_REASON,
  };
}

/** One horizon's figures from the rates of each exit group (overall = every group together). */
export function followUpHorizonFigures(
  overall: FollowUpRates,
  byGroup: Record<FollowedExitGroup, FollowUpRates>,
  audience: FollowUpAudience,
): FollowUpHorizonFigures {
  const figures = FOLLOWED_EXIT_GROUPS.map((g) => publishFollowUp(byGroup[g], audience));
  if (audience === "outside") {
    const dueHidden = secondarySuppression(FOLLOWED_EXIT_GROUPS.map((g) => byGroup[g].due));
    const knownHidden = secondarySuppression(FOLLOWED_EXIT_GROUPS.map((g) => byGroup[g].known));
    figures.forEach((f, i) => {
      figures[i] = withholdAlso(f, { due: dueHidden.has(i), known: knownHidden.has(i) });
    });
  }
  return {
    ...publishFollowUp(overall, audience),
    byExitGroup: Object.fromEntries(FOLLOWED_EXIT_GROUPS.map((g, i) => [g, figures[i] as FollowUpFigure])) as Record<
      FollowedExitGroup,
      FollowUpFigure
    >,
  };
}

/** Sum of counts (the overall figure of a horizon). */
export function addCounts(a: FollowUpCounts, b: FollowUpCounts): FollowUpCounts {
  return { due: a.due + b.due, known: a.known + b.known, employed: a.employed + b.employed, durable: a.durable + b.durable };
}
