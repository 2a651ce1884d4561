import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Decimal } from "../money/money.js";
import { lookupBaremeRow, lookupUnitAmount, parseBaremeCsv } from "./bareme.js";
import { defaultAnnualHours, parseAnnualHoursCsv } from "./hours.js";
import { maxModulationPercent, modulatedAmount } from "./modulation.js";
import { paymentSchedule, simulateAf, simulateNextYear } from "./simulate.js";
import { baremeTerritory, modulationTerritory } from "./territory.js";

const bareme = parseBaremeCsv(
  readFileSync(new URL("../../../data/reference/passerelle/bareme_aide_au_poste.csv", import.meta.url), "utf8"),
);
const unit = (
  kind: Parameters<typeof lookupUnitAmount>[1],
  date: string,
  territory: Parameters<typeof lookupUnitAmount>[2] = "droit_commun",
) => lookupUnitAmount(bareme, kind, territory, date).toString();

describe("barème (iae-reference §2.3)", () => {
  it("gives the unit amount per year and kind", () => {
    const expected: [string, number, number, number, number, number | null][] = [
      // date, EI, ETTI, AI, ACI, EITI
      ["2015-06-01", 10080, 4284, 1310, 19354, null],
      ["2016-06-01", 10143, 4311, 1319, 19474, null],
      ["2017-06-01", 10237, 4351, 1331, 19655, null],
      ["2018-06-01", 10363, 4405, 1347, 19897, null],
      ["2019-06-01", 10520, 4472, 1367, 20199, 5548],
      ["2020-06-01", 10646, 4299, 1383, 20441, 5614],
      ["2021-10-01", 10988, 4437, 1428, 21096, 5794],
      ["2022-01-01", 11087, 4253, 1441, 21286, 5846],
      ["2022-05-01", 11381, 4366, 1479, 21850, 6001],
      ["2022-08-01", 11609, 4454, 1509, 22289, 6001],
      ["2023-01-01", 11819, 4535, 1536, 22692, null],
      ["2023-05-01", 12081, 4636, 1570, 23196, null],
      ["2024-06-01", 12081, 4636, 1570, 23196, null],
      ["2024-11-01", 12459, 4781, 1619, 23921, 6570],
    ];
    for (const [date, ei, etti, ai, aci, eiti] of expected) {
      expect([unit("EI", date), unit("ETTI", date), unit("AI", date), unit("ACI", date)]).toEqual([ei, etti, ai, aci].map(String));
      if (eiti !== null) expect(unit("EITI", date)).toBe(String(eiti));
      else expect(() => unit("EITI", date)).toThrow(/bareme.notFound/);
    }
    expect(unit("EI", "2025-03-01")).toBe("13304");
    expect(lookupBaremeRow(bareme, "ACI", "droit_commun", "2018-03-01").accompanimentAmount?.toString()).toBe("1007");
  });
  it("starts 2014 on 1 Jan for EI/ETTI and 1 July for AI/ACI", () => {
    expect(unit("EI", "2014-01-01")).toBe("10000");
    expect(unit("ETTI", "2014-03-01")).toBe("4250");
    expect(() => unit("ACI", "2014-06-30")).toThrow(/bareme.notFound/);
    expect(unit("ACI", "2014-07-01")).toBe("19200");
    expect(unit("AI", "2014-07-01")).toBe("1300");
  });
  it("has the 2021-01-01 arrêté (26 April 2021): EI 10 751, ETTI 4 341, AI/ACI as the ASP's AF rows", () => {
    expect(unit("ACI", "2021-03-01")).toBe("20642");
    expect(unit("AI", "2021-03-01")).toBe("1397");
    expect(unit("EI", "2021-03-01")).toBe("10751");
    expect(unit("ETTI", "2021-01-01")).toBe("4341");
    // amounts of that arrêté not read in the text are [L]: out of the default lookup, available on request
    expect(() => unit("EITI", "2021-03-01", "mayotte")).toThrow(/bareme.notFound/);
    expect(lookupUnitAmount(bareme, "ETTI", "mayotte", "2021-03-01", { includeLowConfidence: true }).toString()).toBe("3277");
  });
  it("has Mayotte's own rows, EITI included", () => {
    expect(unit("EITI", "2021-10-01", "mayotte")).toBe("4373");
    expect(unit("ETTI", "2021-10-01", "mayotte")).toBe("3349");
    expect(unit("EITI", "2022-06-01", "mayotte")).toBe("4529");
    expect(unit("EITI", "2024-12-01", "mayotte")).toBe("4961");
    expect(unit("EI", "2016-06-01", "mayotte")).toBe("8984");
    expect(lookupBaremeRow(bareme, "ACI", "mayotte", "2023-06-01").accompanimentAmount?.toString()).toBe("919");
  });
  it("every row cites an arrêté (or says why it has none) and [L] rows say they were not read", () => {
    for (const r of bareme) {
      expect(r.source).toMatch(/arr\.|c2rp/);
      if (r.confidence === "L") expect(r.source).toMatch(/not read|not confirmed/);
    }
  });
  it("agrees with the unit amounts the ASP wrote on its own 2018–2021 AF rows (FluxIAE sample)", () => {
    const rows = gunzipSync(
      readFileSync(new URL("../../../test/fixtures/external/fluxiae/fluxIAE_AnnexeFinanciere_22022022_112211.csv.gz", import.meta.url)),
    )
      .toString("utf8")
      .split(/\r?\n/);
    const header = (rows[1] ?? "").split("|");
    const col = (cells: string[], name: string) => cells[header.indexOf(name)] ?? "";
    let checked = 0;
    for (const line of rows.slice(2)) {
      const c = line.split("|");
      const mesure = col(c, "af_mesure_dispositif_code");
      const amount = col(c, "af_montant_unitaire_annuel_valeur");
      const [d, m, y] = col(c, "af_date_debut_effet").split("/");
      // The extract dates from February 2022: its 2022 AFs still carry the Oct-2021 amount, the 2022 arrêté
      // (5 July 2022) being published in August (iae-reference §2.3)
      if (!/^(ACI|AI|EI)_DC$/.test(mesure) || amount === "" || y === "2022") continue;
      expect(`${unit(mesure.replace("_DC", "") as "ACI", `${y}-${m}-${d}`)}.00`).toBe(amount);
      checked++;
    }
    expect(checked).toBeGreaterThan(50);
  });
  it("excludes the L '2024 announced' row unless asked", () => {
    expect(unit("ACI", "2024-03-01")).toBe("23196");
    expect(lookupUnitAmount(bareme, "ACI", "droit_commun", "2024-03-01", { includeLowConfidence: true }).toString()).toBe("23458");
    expect(bareme.some((r) => r.confidence === "L")).toBe(true);
  });
  it("has prison, Mayotte and contrat passerelle amounts", () => {
    expect(unit("ACI", "2019-05-01", "penitentiaire")).toBe("12119");
    expect(unit("EI", "2021-11-01", "penitentiaire")).toBe("6593");
    expect(unit("ACI", "2022-03-01", "penitentiaire")).toBe("21286");
    expect(unit("ETTI", "2022-09-01", "mayotte")).toBe("3361");
    expect(unit("ACI", "2025-01-01", "mayotte")).toBe("18070");
    expect(() => unit("ACI", "2019-01-01", "mayotte")).toThrow(/bareme.notFound/);
    expect(unit("CONTRAT_PASSERELLE", "2021-09-01")).toBe("2050");
    expect(unit("CONTRAT_PASSERELLE", "2024-11-01")).toBe("2376");
  });
  it("rejects malformed CSV", () => {
    expect(() => parseBaremeCsv("kind;territory\nACI;droit_commun")).toThrow(/reference.csv.header/);
    expect(() =>
      parseBaremeCsv(
        "kind;territory;valid_from;valid_to;unit_amount;accompaniment_amount;confidence;source\nXX;droit_commun;2020-01-01;;1;;H;s",
      ),
    ).toThrow(/bareme.kind/);
    expect(() =>
      parseBaremeCsv(
        "kind;territory;valid_from;valid_to;unit_amount;accompaniment_amount;confidence;source\nACI;droit_commun;2020-01-01;;abc;;H;s",
      ),
    ).toThrow(/bareme.unitAmount/);
  });
  it("reads default annual hours as data", () => {
    const rows = parseAnnualHoursCsv(
      readFileSync(new URL("../../../data/reference/passerelle/duree_annuelle_etp.csv", import.meta.url), "utf8"),
    );
    expect(defaultAnnualHours(rows, "ACI").toString()).toBe("1820");
    expect(defaultAnnualHours(rows, "EITI").toString()).toBe("1505");
    // the ASP's own AF rows: EI 1 505 h, AI 1 607 h, ACI 1 820 h; ETTI 1 600 h of missions (2014 reform Q&A)
    expect(["ACI", "AI", "EI", "ETTI"].map((k) => defaultAnnualHours(rows, k as "ACI").toString())).toEqual([
      "1820",
      "1607",
      "1505",
      "1600",
    ]);
    expect(rows.find((r) => r.kind === "EI")?.confidence).toBe("H");
    expect(rows.find((r) => r.kind === "ETTI")?.confidence).toBe("M");
  });
});

describe("aide au poste simulation (iae-reference §2.2)", () => {
  it("simulates a partial-year AF with the published example", () => {
    const s = simulateAf({ kind: "ACI", etp: "7.95", from: "2021-01-01", to: "2021-08-31" }, bareme);
    expect([s.unitAmount, s.months, s.total, s.modulatedAmount]).toEqual(["20642.00", 8, "109402.64", "0.00"]);
    expect(s.monthly.map((m) => m.amount)).toEqual(Array(8).fill("13675.33"));
    expect(s.monthly.filter((m) => m.regularisation).map((m) => m.month)).toEqual(["2021-05", "2021-08"]);
  });
  it("puts the rounding remainder in the last month of a full year", () => {
    const s = simulateAf({ kind: "ACI", etp: "8.15", from: "2018-01-01", to: "2018-12-31", modulationPercent: 10 }, bareme);
    expect(s.total).toBe("162160.55");
    expect(s.monthly[0]?.amount).toBe("13513.38");
    expect(s.monthly[11]?.amount).toBe("13513.37");
    expect(s.modulatedAmount).toBe("16216.06");
    expect(s.modulatedPaymentMonth).toBe("2019-01");
    expect(s.monthly.filter((m) => m.regularisation).map((m) => m.month)).toEqual(["2018-05", "2018-08", "2018-11"]);
  });
  it("validates modulation (10 %, 5 % in prisons) and inputs", () => {
    expect(maxModulationPercent("penitentiaire")).toBe(5);
    expect(modulatedAmount("1000", "5", "penitentiaire").toFixed(2)).toBe("50.00");
    expect(() => modulatedAmount("1000", "6", "penitentiaire")).toThrow(/aid.modulation/);
    expect(() => simulateAf({ kind: "ACI", etp: "1", from: "2022-01-01", to: "2022-12-31", modulationPercent: 11 }, bareme)).toThrow(
      /aid.modulation/,
    );
    expect(() => simulateAf({ kind: "ACI", etp: "0", from: "2022-01-01", to: "2022-12-31" }, bareme)).toThrow(/aid.simulate.etp/);
    expect(() => simulateAf({ kind: "ACI", etp: "1", from: "2022-12-31", to: "2022-01-01" }, bareme)).toThrow(/aid.simulate.period/);
    expect(() => simulateAf({ kind: "AI", etp: "1", from: "2022-01-01", to: "2022-12-31", territory: "penitentiaire" }, bareme)).toThrow(
      /aid.simulate.territory/,
    );
    expect(simulateAf({ kind: "EITI", etp: "1", from: "2021-10-01", to: "2021-12-31", territory: "mayotte" }, bareme).unitAmount).toBe(
      "4373.00",
    );
    expect(() => simulateAf({ kind: "EITI", etp: "1", from: "2025-01-01", to: "2025-12-31" }, bareme)).toThrow(/aid.simulate.eitiFlat/);
    expect(simulateAf({ kind: "ETTI", etp: "2", from: "2021-03-01", to: "2021-12-31", unit: "4400" }, bareme).total).toBe(
      new Decimal("733.33").times(10).toFixed(2),
    );
  });
  it("computes next year's allocation (what-if)", () => {
    const w = simulateNextYear(
      { kind: "ACI", lastYear: { etp: "10", from: "2022-01-01", to: "2022-12-31", total: "212860" }, etpChange: "1.5" },
      bareme,
    );
    expect(w.nextEtp).toBe("11.5");
    expect(w.next.unitAmount).toBe("22692.00");
    expect(w.next.total).toBe("260958.00");
    expect(w.difference).toBe("48098.00");
    expect(() =>
      simulateNextYear({ kind: "ACI", lastYear: { etp: "1", from: "2022-01-01", to: "2022-12-31", total: "1" }, etpChange: "-1" }, bareme),
    ).toThrow(/aid.whatIf.etp/);
  });
  it("property: the schedule sums exactly to the total and has one line per month", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50000 }),
        fc.integer({ min: 100000, max: 3000000 }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 1, max: 24 }),
        (etpH, unitC, startOffset, length) => {
          const etp = (etpH / 100).toFixed(2);
          const u = (unitC / 100).toFixed(2);
          const start = new Date(Date.UTC(2020, startOffset, 1)).toISOString().slice(0, 10);
          const end = new Date(Date.UTC(2020, startOffset + length, 0)).toISOString().slice(0, 10);
          const s = simulateAf({ kind: "EI", etp, from: start, to: end, unit: u }, bareme);
          expect(s.monthly).toHaveLength(length);
          const sum = s.monthly.reduce((acc, m) => acc.plus(m.amount), new Decimal(0));
          expect(sum.toFixed(2)).toBe(s.total);
          expect(paymentSchedule(etp, u, start, end).every((m) => !new Decimal(m.amount).isNegative())).toBe(true);
        },
      ),
    );
  });
});

describe("territory of a structure's barème (arrêtés: milieu pénitentiaire et Mayotte)", () => {
  it("is Mayotte for département 976, prison for a prison structure elsewhere, else droit commun", () => {
    expect(baremeTerritory({ departementCode: "976", penitentiary: false })).toBe("mayotte");
    expect(baremeTerritory({ departementCode: "976", penitentiary: true })).toBe("mayotte");
    expect(modulationTerritory({ departementCode: "976", penitentiary: true })).toBe("penitentiaire");
    expect(baremeTerritory({ departementCode: "62", penitentiary: true })).toBe("penitentiaire");
    expect(baremeTerritory({ departementCode: "974", penitentiary: false })).toBe("droit_commun");
  });
  it("gives a Mayotte ACI the Mayotte amount (≈ 25 % below droit commun)", () => {
    const t = baremeTerritory({ departementCode: "976", penitentiary: false });
    expect(unit("ACI", "2023-06-01", t)).toBe("17510");
    expect(unit("ACI", "2023-06-01")).toBe("23196");
  });
  it("returns the kind's hours per ETP with the simulation", () => {
    const hours = parseAnnualHoursCsv(
      readFileSync(new URL("../../../data/reference/passerelle/duree_annuelle_etp.csv", import.meta.url), "utf8"),
    );
    expect(simulateAf({ kind: "EI", etp: "1", from: "2024-01-01", to: "2024-12-31" }, bareme, { annualHours: hours }).hoursPerEtp).toBe(
      "1505",
    );
    expect(simulateAf({ kind: "EI", etp: "1", from: "2024-01-01", to: "2024-12-31" }, bareme).hoursPerEtp).toBeNull();
  });
});
