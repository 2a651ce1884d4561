import { describe, expect, it } from "vitest";
import { parseFollowUpCsv } from "./csv.js";
import { dueInMonth, type FollowUpRecord, followUpDueOn, followUpRates, publishedOutsideStructure } from "./followUp.js";

describe("follow-up after exit", () => {
  it("is due 6 and 12 months after the exit (end of month kept), and listed in that month's work list", () => {
    expect(followUpDueOn("2018-03-15", 6)).toBe("2018-09-15");
    expect(followUpDueOn("2018-08-31", 6)).toBe("2019-02-28");
    expect(followUpDueOn("2018-03-15", 12)).toBe("2019-03-15");
    expect(dueInMonth("2018-03-15", 6, "2018-09")).toBe(true);
    expect(dueInMonth("2018-03-15", 6, "2018-10")).toBe(false);
  });

  it("rates over the known situations; the unknown share over every exit due (not entered = unknown)", () => {
    const records: FollowUpRecord[] = [
      { exitId: 1, horizon: 6, situation: "CDI" },
      { exitId: 2, horizon: 6, situation: "CDD_6M" },
      { exitId: 3, horizon: 6, situation: "CDD_COURT" },
      { exitId: 4, horizon: 6, situation: "INTERIM" },
      { exitId: 5, horizon: 6, situation: "DEMANDEUR_EMPLOI" },
      { exitId: 6, horizon: 6, situation: "INCONNU" },
      { exitId: 7, horizon: 12, situation: "CDI" },
    ];
    const r = followUpRates([1, 2, 3, 4, 5, 6, 7, 8], records, 6);
    expect(r).toEqual({ due: 8, known: 5, unknownShare: 3 / 8, employedRate: 4 / 5, durableEmployedRate: 2 / 5 });
    expect(followUpRates([], records, 6)).toEqual({ due: 0, known: 0, unknownShare: null, employedRate: null, durableEmployedRate: null });
  });

  it("small-count rule: nothing about fewer than 5 people outside the structure", () => {
    const r = followUpRates(
      [1, 2, 3, 4, 5, 6],
      [1, 2, 3, 4].map((exitId) => ({ exitId, horizon: 6 as const, situation: "CDI" as const })),
      6,
    );
    expect(publishedOutsideStructure(r)).toEqual({
      due: 6,
      known: null,
      unknownShare: 2 / 6,
      employedRate: null,
      durableEmployedRate: null,
      withheld: true,
    });
    const big = followUpRates(
      [1, 2, 3, 4, 5],
      [1, 2, 3, 4, 5].map((exitId) => ({ exitId, horizon: 6 as const, situation: "CDI" as const })),
      6,
    );
    expect(publishedOutsideStructure(big)).toMatchObject({ known: 5, employedRate: 1, withheld: false });
  });

  it("CSV: good lines kept, every bad line named by file, line and field", () => {
    const text = "\uFEFFsortie;horizon;situation\n12;6;CDI\n13;9;CDI\nabc;12;formation\n14;12;CHOMAGE\n12;6;INACTIF\n\n15;12;inconnu\n";
    const { records, errors } = parseFollowUpCsv("suivi.csv", text);
    expect(records).toEqual([
      { exitId: 12, horizon: 6, situation: "CDI", line: 2 },
      { exitId: 15, horizon: 12, situation: "INCONNU", line: 8 },
    ]);
    expect(errors.map((e) => [e.file, e.line, e.field])).toEqual([
      ["suivi.csv", 3, "horizon"],
      ["suivi.csv", 4, "sortie"],
      ["suivi.csv", 5, "situation"],
      ["suivi.csv", 6, "sortie"],
    ]);
    expect(errors[3]?.message).toMatch(/déjà donnée ligne 2/);
    expect(parseFollowUpCsv("x.csv", "id;horizon\n1;6\n").errors.map((e) => [e.line, e.field])).toEqual([
      [1, "sortie"],
      [1, "situation"],
    ]);
  });
});
