import { describe, expect, it } from "vitest";
import { afTotal } from "../conventions/amounts.js";
import { DomainRuleError } from "../errors.js";
import { Decimal } from "../money/money.js";
import { etpReceived, previewMoves, proposeMoves, type RedeployableStructure } from "./redeployment.js";

// 2019 barème (iae-reference §2.3): ACI 20 199 €, EI 10 520 €.
const aci = (id: number, etp: string, projected: string, high = projected, realised = "1"): RedeployableStructure => ({
  structureId: id,
  annexId: id * 10,
  etp,
  unitAmount: "20199",
  months: 12,
  total: afTotal(etp, "20199", 12).toFixed(2),
  projected,
  low: projected,
  high,
  realisedToDate: realised,
});
const ei = (id: number, etp: string, projected: string): RedeployableStructure => ({
  ...aci(id, etp, projected),
  unitAmount: "10520",
  total: afTotal(etp, "10520", 12).toFixed(2),
});

describe("redeployment what-if", () => {
  it("proposes what an under-realising structure will not use even at the top of its interval, to those above 100 %", () => {
    const moves = proposeMoves([aci(1, "10", "7", "7.5"), aci(2, "10", "11.2"), aci(3, "10", "9.8"), aci(4, "5", "5.8")]);
    // Donor 1 spares 10 − 7.5 = 2.5 ETP: 1.2 to structure 2, 0.8 to structure 4, 0.5 left.
    expect(moves).toEqual([
      { from: 1, to: 2, etp: "1.20" },
      { from: 1, to: 4, etp: "0.80" },
    ]);
  });

  it("recomputes each AF total to the cent with afTotal and the new projected rates", () => {
    const s = [aci(1, "10", "7", "7.5"), aci(2, "10", "11.2")];
    const p = previewMoves(s, [{ from: 1, to: 2, etp: "1.2" }]);
    expect(p.structures.map((x) => [x.etpAfter, x.totalAfter, x.rateAfter, x.alertAfter])).toEqual([
      ["8.8", afTotal("8.8", "20199", 12).toFixed(2), 0.7955, "under"],
      ["11.2", afTotal("11.2", "20199", 12).toFixed(2), 1, null],
    ]);
    expect(p.structures[0]?.totalAfter).toBe("177751.20");
    expect(p.envelopeAfter).toBe(p.envelopeBefore);
  });

  it("between kinds, the receiver gets what the released amount pays at its unit amount, rounded down", () => {
    // 1 ACI ETP = 20 199 € = 1.920… EI ETP → 1.92.
    expect(etpReceived("1", { unitAmount: "20199", months: 12 }, { unitAmount: "10520", months: 12 }).toFixed(2)).toBe("1.92");
    // A 4-month AF's ETP weigh a third of a whole-year AF's: 3 ETP of Sept–Dec pay 1 ETP of the year.
    expect(etpReceived("3", { unitAmount: "20199", months: 4 }, { unitAmount: "20199", months: 12 }).toFixed(2)).toBe("1.00");
    const p = previewMoves([aci(1, "10", "7"), ei(2, "4", "6")], [{ from: 1, to: 2, etp: "1" }]);
    expect(p.moves[0]?.etpReceived).toBe("1.92");
    expect(new Decimal(p.envelopeAfter).lessThanOrEqualTo(p.envelopeBefore)).toBe(true);
  });

  it("an AF of part of the year: rates on its annualised ETP, and the envelope never grows", () => {
    const late = { ...aci(1, "30", "0", "0", "0"), months: 4, total: afTotal("30", "20199", 4).toFixed(2) };
    const moves = proposeMoves([late, aci(2, "10", "13")]);
    // Donor 1 (Sept–Dec, 30 ETP = 10 ETP of the year, nothing projected) gives 9 of its ETP = 3 ETP of the year.
    expect(moves).toEqual([{ from: 1, to: 2, etp: "9.00" }]);
    const p = previewMoves([late, aci(2, "10", "13")], moves);
    expect(p.moves[0]?.etpReceived).toBe("3.00");
    expect(p.structures[1]?.rateAfter).toBe(1);
    expect(new Decimal(p.envelopeAfter).lessThanOrEqualTo(p.envelopeBefore)).toBe(true);
  });

  it("refuses a donor below what it already realised, moves to itself or out of the envelope, and odd ETP", () => {
    const s = [aci(1, "10", "7", "7", "6"), aci(2, "10", "11")];
    expect(() => previewMoves(s, [{ from: 1, to: 2, etp: "4.5" }])).toThrow(DomainRuleError);
    expect(() => previewMoves(s, [{ from: 1, to: 1, etp: "1" }])).toThrow(/elle-même/);
    expect(() => previewMoves(s, [{ from: 1, to: 9, etp: "1" }])).toThrow(/hors de l'enveloppe/);
    expect(() => previewMoves(s, [{ from: 1, to: 2, etp: "0.005" }])).toThrow(/centième/);
    expect(() => previewMoves(s, [{ from: 1, to: 2, etp: "-1" }])).toThrow(/> 0/);
  });
});
