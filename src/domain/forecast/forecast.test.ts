import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { afTotal } from "../conventions/amounts.js";
import { Decimal } from "../money/money.js";
import { backtest } from "./backtest.js";
import { computeEnvelope, type EnvelopeAnnex } from "./envelope.js";
import { paymentsToDate } from "./payments.js";
import { alertFor, projectStructure } from "./projection.js";

const key = (y: number, m: number) => `${y}-${String(m).padStart(2, "0")}`;
/** Monthly ETP of a year from 12 values. */
function year(y: number, values: readonly number[]): Record<string, string> {
  return Object.fromEntries(values.map((v, i) => [key(y, i + 1), String(v)]));
}
// A seasonal profile: low in August and December.
const SEASON = [1, 1, 1, 1, 1, 1, 1, 0.4, 1, 1, 1, 0.6];

describe("year-end forecast (projection from the months declared and the structure's own profile)", () => {
  it("uses the seasonality of earlier years: a structure at the same pace as last year is projected exactly", () => {
    const monthly = { ...year(2017, SEASON), ...year(2018, SEASON), ...year(2019, SEASON) };
    const total2019 = SEASON.reduce((a, b) => a + b, 0);
    for (let m = 1; m <= 12; m++) {
      const f = projectStructure({ structureId: 1, conventionnes: 12, monthly }, 2019, m);
      expect(f.projected.toNumber()).toBeCloseTo(total2019, 10);
      expect(f.profileYears).toEqual([2017, 2018]);
    }
  });

  it("without a usable earlier year, uses the flat profile (months ÷ 12) and says so", () => {
    // 2018 started in March: not a whole year, not a profile.
    const monthly = { ...year(2018, [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]), ...year(2019, Array(12).fill(2)) };
    const f = projectStructure({ structureId: 1, conventionnes: 24, monthly }, 2019, 6);
    expect(f.profileYears).toEqual([]);
    expect(f.projected.toNumber()).toBe(24);
    expect(f.projectedRate?.toNumber()).toBe(1);
    expect(f.alert).toBeNull();
  });

  it("an AF of part of the year: the flat profile runs over its own months; before it starts, the plan", () => {
    // Structure conventioned September–December (4 months, 12 ETP × 4/12 = 4 ETP of the year).
    const monthly = year(2019, [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
    const series = { structureId: 1, conventionnes: 4, monthly, activeMonths: [9, 10, 11, 12] };
    const june = projectStructure(series, 2019, 6);
    expect([june.method, june.projected.toNumber(), june.alert]).toEqual(["notStarted", 4, null]);
    expect([june.low.toNumber(), june.high.toNumber()]).toEqual([0, 4]);
    const october = projectStructure(series, 2019, 10);
    expect([october.method, october.projected.toNumber()]).toEqual(["flat", 4]);
  });

  it("never reads a month after the observation month of the forecast year", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 48, maxLength: 48 }),
        fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 12, maxLength: 12 }),
        fc.integer({ min: 1, max: 11 }),
        (history, later, at) => {
          const monthly: Record<string, string> = {};
          history.forEach((v, i) => {
            monthly[key(2016 + Math.floor(i / 12), (i % 12) + 1)] = String(v / 100);
          });
          const changed = { ...monthly };
          for (let m = at + 1; m <= 12; m++) changed[key(2019, m)] = String((later[m - 1] ?? 0) / 7);
          changed[key(2020, 1)] = "99";
          const a = projectStructure({ structureId: 1, conventionnes: 10, monthly }, 2019, at);
          const b = projectStructure({ structureId: 1, conventionnes: 10, monthly: changed }, 2019, at);
          expect(b.projected.toString()).toBe(a.projected.toString());
          expect([b.low.toString(), b.high.toString()]).toEqual([a.low.toString(), a.high.toString()]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("the interval holds the projection and collapses to the realised ETP in December", () => {
    const monthly = {
      ...year(2017, SEASON),
      ...year(
        2018,
        SEASON.map((v) => v * 1.3),
      ),
      ...year(2019, [1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2]),
    };
    for (let m = 1; m <= 12; m++) {
      const f = projectStructure({ structureId: 1, conventionnes: 12, monthly }, 2019, m);
      expect(f.low.lessThanOrEqualTo(f.projected)).toBe(true);
      expect(f.high.greaterThanOrEqualTo(f.projected)).toBe(true);
      if (m === 12) expect([f.low.toNumber(), f.high.toNumber(), f.projected.toNumber()]).toEqual([18, 18, 18]);
    }
  });

  it("alerts under 90 % and over 105 % (bounds excluded)", () => {
    expect(alertFor(new Decimal("0.8999"))).toBe("under");
    expect(alertFor(new Decimal("0.90"))).toBeNull();
    expect(alertFor(new Decimal("1.05"))).toBeNull();
    expect(alertFor(new Decimal("1.0501"))).toBe("over");
    expect(alertFor(null)).toBeNull();
  });
});

describe("aide au poste paid to date (iae-reference §2.2: 1/12 monthly, regularisation at months 5, 8, 11)", () => {
  // ACI 2019 barème 20 199 €/ETP, 10 ETP: total 201 990.00, 1/12 = 16 832.50.
  const annex = (monthlyEtp: number) => ({
    etp: "10",
    unitAmount: "20199",
    from: "2019-01-01",
    to: "2019-12-31",
    monthly: year(2019, Array(12).fill(monthlyEtp)),
  });

  it("full occupation: 1/12 each month, nothing regularised, the year sums to the AF total", () => {
    const p = paymentsToDate(annex(10 / 12), "2019-12");
    expect(p.lines.map((l) => l.regularisation).every((r) => r === "0.00")).toBe(true);
    expect(p.paid.toFixed(2)).toBe(afTotal("10", "20199", 12).toFixed(2));
    expect(p.lines[0]?.instalment).toBe("16832.50");
  });

  it("half occupation: months 1–4 brought to half at month 5, months 5–7 at month 8, 8–10 at month 11", () => {
    const p = paymentsToDate(annex(5 / 12), "2019-11");
    const reg = p.lines.map((l) => l.regularisation);
    // Month 5: due for months 1–4 = round₂(4 × 5/12 × 20 199) = 33 665.00; paid 4 × 16 832.50 = 67 330.00.
    expect(reg[4]).toBe("-33665.00");
    // Month 8: due for 1–7 = round₂(7 × 5/12 × 20 199) = 58 913.75; paid 67 330.00 − 33 665.00 + 3 × 16 832.50 = 84 162.50.
    expect(reg[7]).toBe("-25248.75");
    expect(reg.filter((r) => r !== "0.00")).toHaveLength(3);
    // After the regularisation of month 11: months 1–10 at half, month 11 in full.
    expect(p.paid.toFixed(2)).toBe(new Decimal(20199).times(10).times(5).dividedBy(12).toDecimalPlaces(2).plus("16832.50").toFixed(2));
  });

  it("never regularises above the conventioned instalments (over-occupation earns nothing more)", () => {
    const p = paymentsToDate(annex(2), "2019-11");
    expect(p.lines.every((l) => l.regularisation === "0.00")).toBe(true);
  });

  it("stops at the observation month", () => {
    expect(paymentsToDate(annex(1), "2019-06").lines).toHaveLength(6);
  });
});

describe("envelope of a département", () => {
  const annexes: EnvelopeAnnex[] = [
    {
      annexId: 1,
      structureId: 1,
      etp: "12",
      unitAmount: "20199",
      totalAmount: "242388.00",
      from: "2019-01-01",
      to: "2019-12-31",
      monthly: { ...year(2018, Array(12).fill(1)), ...year(2019, Array(12).fill(0.5)) },
    },
    {
      annexId: 2,
      structureId: 2,
      etp: "6",
      unitAmount: "20199",
      totalAmount: "121194.00",
      from: "2019-01-01",
      to: "2019-12-31",
      monthly: { ...year(2018, Array(12).fill(0.5)), ...year(2019, Array(12).fill(0.5)) },
    },
  ];

  it("sums the structures, flags the under-realisation and projects the unused amount to the cent", () => {
    const env = computeEnvelope(annexes, 2019, "2019-06-30");
    expect(env.forecast.conventionnes.toNumber()).toBe(18);
    expect(env.forecast.realisedToDate.toNumber()).toBe(6);
    expect(env.forecast.projected.toNumber()).toBe(12);
    expect(env.structures.map((s) => [s.structureId, s.alert])).toEqual([
      [1, "under"],
      [2, null],
    ]);
    // Structure 1 projects 6 ETP out of 12: due round₂(6 × 20 199) = 121 194.00; structure 2 in full.
    expect(env.structures[0]?.projectedAmount).toBe("121194.00");
    expect(env.projectedAmount.toFixed(2)).toBe("242388.00");
    expect(env.projectedUnused.toFixed(2)).toBe("121194.00");
    // Paid through June, structure 1: 4 × 20 199.00, then at month 5 months 1–4 brought to half (−40 398.00),
    // then 20 199.00 in May and June = 80 796.00; structure 2 in full: 6 × 10 099.50.
    expect(env.structures[0]?.paidToDate).toBe("80796.00");
    expect(env.structures[1]?.paidToDate).toBe("60597.00");
    expect(env.paidToDate.toFixed(2)).toBe("141393.00");
  });

  it("splits the amounts by funding line pro rata of each AF's lines, to the cent; an AF without lines is non ventilé", () => {
    const funded = annexes.map((a) =>
      a.annexId === 1
        ? {
            ...a,
            funding: [
              { code: "ETAT_DROIT_COMMUN", amount: "161592.00" },
              { code: "ERBM", amount: "80796.00" },
            ],
          }
        : a,
    );
    const env = computeEnvelope(funded, 2019, "2019-06-30");
    const rows = env.fundingLines.map((l) => [
      l.code,
      l.conventionne.toFixed(2),
      l.paidToDate.toFixed(2),
      l.projectedYearEnd.toFixed(2),
      l.projectedUnused.toFixed(2),
    ]);
    // AF 1 is ⅔ droit commun, ⅓ ERBM: its 242 388.00 conventioned, 80 796.00 paid and 121 194.00 projected split so.
    expect(rows).toEqual([
      ["ERBM", "80796.00", "26932.00", "40398.00", "40398.00"],
      ["ETAT_DROIT_COMMUN", "161592.00", "53864.00", "80796.00", "80796.00"],
      ["NON_VENTILE", "121194.00", "60597.00", "121194.00", "0.00"],
    ]);
  });

  it("per structure: each structure's lines are its AFs' splits and sum, per line and to the cent, to the département's", () => {
    // Structure 1 has two AFs of the year with odd thirds (cents to share); structure 2 one AF without lines.
    const odd: EnvelopeAnnex[] = [
      {
        ...(annexes[0] as EnvelopeAnnex),
        to: "2019-06-30",
        totalAmount: "100000.01",
        funding: [
          { code: "ETAT_DROIT_COMMUN", amount: "1" },
          { code: "CD", amount: "1" },
          { code: "ERBM", amount: "1" },
        ],
      },
      {
        ...(annexes[0] as EnvelopeAnnex),
        annexId: 3,
        from: "2019-07-01",
        totalAmount: "80000.02",
        funding: [
          { code: "ETAT_DROIT_COMMUN", amount: "2" },
          { code: "CD", amount: "1" },
        ],
      },
      annexes[1] as EnvelopeAnnex,
    ];
    const env = computeEnvelope(odd, 2019, "2019-09-30");
    const [s1, s2] = env.structures;
    // AF 1: 100 000.01 in thirds = 33 333.33 each and 2 cents to the first largest remainders (droit commun, CD);
    // AF 3: 80 000.02 in ⅔ / ⅓ = 53 333.34 + 26 666.67 and the cent left to the larger remainder (droit commun).
    expect(s1?.fundingLines.map((l) => [l.code, l.conventionne.toFixed(2)])).toEqual([
      ["CD", "60000.01"],
      ["ERBM", "33333.33"],
      ["ETAT_DROIT_COMMUN", "86666.69"],
    ]);
    expect(s2?.fundingLines.map((l) => l.code)).toEqual(["NON_VENTILE"]);
    for (const s of env.structures) {
      const sum = (k: "conventionne" | "paidToDate" | "projectedYearEnd") =>
        s.fundingLines.reduce((acc, l) => acc.plus(l[k]), new Decimal(0)).toFixed(2);
      expect(sum("conventionne")).toBe(s.conventionedAmount);
      expect(sum("paidToDate")).toBe(s.paidToDate);
      expect(sum("projectedYearEnd")).toBe(s.projectedAmount);
    }
    for (const line of env.fundingLines)
      for (const k of ["conventionne", "paidToDate", "projectedYearEnd", "projectedUnused"] as const)
        expect(
          env.structures
            .flatMap((s) => s.fundingLines.filter((l) => l.code === line.code))
            .reduce((acc, l) => acc.plus(l[k]), new Decimal(0))
            .toFixed(2),
          `${line.code} ${k}`,
        ).toBe(line[k].toFixed(2));
  });

  it("backtest: exact when the year repeats the profile; the December projection is the year", () => {
    const b = backtest(annexes, 2019);
    expect(b.months).toHaveLength(12);
    expect(b.months.at(-1)).toMatchObject({ at: "2019-12-31", absError: 0 });
    expect(b.meanAbsErrorStructures).toBe(0);
    expect(b.months.every((m) => m.actualEtp === 12)).toBe(true);
  });
});
