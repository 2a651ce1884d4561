import { describe, expect, it } from "vitest";
import { Decimal } from "../money/money.js";
import { DEFAULT_GRID, decideModulation, type ModulationGrid, proposeModulation, validateGrid } from "./modulationGrid.js";
import { checkDecision, checkTransitionComment, isEditableBySiae, requestTransition } from "./requestStates.js";

describe("financing request states", () => {
  it("follows brouillon → déposée → en instruction → proposée → avis CDIAE → décidée, each step by its actor", () => {
    expect(requestTransition("brouillon", "file", "siae").to).toBe("deposee");
    expect(requestTransition("deposee", "instruct", "ddets").to).toBe("en_instruction");
    expect(requestTransition("en_instruction", "propose", "ddets").to).toBe("proposee");
    expect(requestTransition("proposee", "propose", "ddets").to).toBe("proposee");
    expect(requestTransition("proposee", "cdiae", "ddets").to).toBe("avis_cdiae");
    expect(requestTransition("avis_cdiae", "decide", "ddets").to).toBe("decidee");
    expect(requestTransition("en_instruction", "return", "ddets").to).toBe("brouillon");
  });
  it("refuses a step by the wrong actor or from the wrong state", () => {
    expect(() => requestTransition("brouillon", "file", "ddets")).toThrow(/financing.transitionActor/);
    expect(() => requestTransition("deposee", "instruct", "siae")).toThrow(/revient à la DDETS/);
    expect(() => requestTransition("brouillon", "decide", "ddets")).toThrow(/financing.transition\]/);
    expect(() => requestTransition("decidee", "propose", "ddets")).toThrow(/financing.transition\]/);
    expect(() => requestTransition("avis_cdiae", "propose", "ddets")).toThrow(/financing.transition\]/);
  });
  it("requires a comment to send a request back, and the SIAE edits drafts only", () => {
    const back = requestTransition("deposee", "return", "ddets");
    expect(() => checkTransitionComment(back, "  ")).toThrow(/financing.comment/);
    expect(checkTransitionComment(back, " pièces manquantes ")).toBe("pièces manquantes");
    expect(checkTransitionComment(requestTransition("brouillon", "file", "siae"), undefined)).toBe("");
    expect(isEditableBySiae("brouillon")).toBe(true);
    expect(isEditableBySiae("deposee")).toBe(false);
  });
  it("checks the decided ETP against the decision", () => {
    expect(() => checkDecision("accordee", "10", "10")).not.toThrow();
    expect(() => checkDecision("accordee", "10", null)).toThrow(/financing.decision/);
    expect(() => checkDecision("partiellement_accordee", "10", "10")).toThrow(/moins d'ETP/);
    expect(() => checkDecision("partiellement_accordee", "10", "8.5")).not.toThrow();
    expect(() => checkDecision("refusee", "10", null)).not.toThrow();
    expect(() => checkDecision("refusee", "10", "2")).toThrow(/refusée/);
  });
});

describe("part modulée grid (iae-reference §2.2: three families, 0–10 %, 5 % in prisons)", () => {
  const good = {
    rsaShareEntered: 0.55,
    priorityPublicShare: 0.72,
    supportHoursPerPerson: 25,
    trainingShare: 0.45,
    dynamicRate: 0.62,
    durableRate: 0.3,
  };
  it("gives the full 10 % to a structure above every threshold and shows each line", () => {
    const p = proposeModulation(DEFAULT_GRID, good, "droit_commun");
    expect(p.proposedPercent).toBe("10.00");
    expect(p.criteria.map((c) => c.contribution)).toEqual(["2.00", "1.50", "1.50", "1.50", "2.00", "1.50"]);
    expect(p.criteria[0]?.thresholdReached).toBe(0.5);
  });
  it("adds half points at the first threshold, nothing below, and counts a missing measure as 0 with a note", () => {
    const p = proposeModulation(
      DEFAULT_GRID,
      {
        rsaShareEntered: 0.35,
        priorityPublicShare: null,
        supportHoursPerPerson: 5,
        trainingShare: 0.2,
        dynamicRate: 0.45,
        durableRate: 0.1,
      },
      "droit_commun",
    );
    // 2×0.5 + 0 + 0 + 1.5×0.5 + 2×0.5 + 0 = 2.75
    expect(p.proposedPercent).toBe("2.75");
    expect(p.criteria[1]?.note).toMatch(/donnée absente/);
    expect(p.criteria[2]?.contribution).toBe("0.00");
  });
  it("caps at 5 % in prisons", () => {
    const p = proposeModulation(DEFAULT_GRID, good, "penitentiaire");
    expect(p.rawPercent).toBe("10.00");
    expect(p.capPercent).toBe(5);
    expect(p.proposedPercent).toBe("5.00");
  });
  it("differs between structures as their results differ", () => {
    const a = proposeModulation(DEFAULT_GRID, { ...good, dynamicRate: 0.3, durableRate: 0.05 }, "droit_commun");
    const b = proposeModulation(DEFAULT_GRID, good, "droit_commun");
    expect(new Decimal(a.proposedPercent).lessThan(b.proposedPercent)).toBe(true);
  });
  it("validates a grid edited by a DDETS", () => {
    expect(validateGrid(DEFAULT_GRID)).toEqual(DEFAULT_GRID);
    const heavy: ModulationGrid = DEFAULT_GRID.map((c) => ({ ...c, weight: 2 }));
    expect(() => validateGrid(heavy)).toThrow(/dépasse 10/);
    expect(() => validateGrid(DEFAULT_GRID.filter((c) => c.family !== "results"))).toThrow(/Résultats/);
    expect(() => validateGrid([{ ...DEFAULT_GRID[0], measure: "dynamicRate" }, ...DEFAULT_GRID.slice(1)])).toThrow(/famille/);
    expect(() =>
      validateGrid([
        {
          ...DEFAULT_GRID[0],
          thresholds: [
            { min: 0.5, points: 1 },
            { min: 0.3, points: 0.5 },
          ],
        },
        ...DEFAULT_GRID.slice(1),
      ]),
    ).toThrow(/croissants/);
    expect(() => validateGrid([DEFAULT_GRID[0], DEFAULT_GRID[0], ...DEFAULT_GRID.slice(1)])).toThrow(/double/);
    expect(() => validateGrid([])).toThrow(/vide/);
  });
  it("turns the decided percent into the modulated amount, exact to the cent (aid test example: 162 160,55 € at 10 % → 16 216,06 €)", () => {
    expect(decideModulation("162160.55", "10", "10", "droit_commun", null)).toEqual({
      decidedPercent: "10.00",
      amount: "16216.06",
      overridden: false,
    });
    expect(decideModulation("162160.55", "10", "7.5", "droit_commun", "résultats 2019 en baisse").amount).toBe("12162.04");
    expect(() => decideModulation("162160.55", "10", "7.5", "droit_commun", "")).toThrow(/motivé/);
    expect(() => decideModulation("162160.55", "5", "6", "penitentiaire", "x")).toThrow(/aid.modulation/);
    expect(() => decideModulation("162160.55", "5", "-1", "droit_commun", "x")).toThrow(/aid.modulation/);
  });
});
