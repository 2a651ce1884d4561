import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseExitReferential } from "../exits/referential.js";
import { INDICATOR_DEFINITIONS } from "./definitions.js";
import {
  budgetForPeriod,
  countingAfs,
  etpConventionnes,
  etpRealisesForPeriod,
  exitsForPeriod,
  peopleEntered,
  peoplePresent,
  rsaShareAmongEntrants,
  structuresByKindAt,
  tauxRealisationForPeriod,
  yearPeriod,
} from "./formulas.js";
import { afRecord } from "./testkit.js";
import type { AfRecord, ContractRecord, DeclarationRecord, ExitRecord } from "./records.js";

const af = afRecord;

const afs: AfRecord[] = [
  af({ id: "af1" }),
  af({ id: "af1-old", modification: 0, state: "HISTORISE", etp: "99" }),
  af({ id: "af1b", modification: 1, state: "HISTORISE", etp: "50" }),
  af({
    id: "af2",
    structureId: "s1",
    kind: "AI",
    mesure: "AI_DC",
    prefix: "AI062240002",
    etp: "6",
    total: "9714.00",
    cofinancedAmount: null,
    hoursPerEtp: "1607",
    startDate: "2024-07-01",
    endDate: "2025-06-30",
  }),
  af({ id: "af3", structureId: "s2", kind: "EI", mesure: "EI_DC", prefix: "EI062240003", state: "BROUILLON" }),
  af({ id: "af4", structureId: "s3", kind: "ACI", mesure: "FDI_DC", prefix: "ACI062240004" }),
  af({
    id: "af5",
    structureId: "s4",
    kind: "EI",
    mesure: "EI_DC",
    prefix: "EI062230005",
    state: "CLOTURE",
    startDate: "2023-01-01",
    endDate: "2023-12-31",
  }),
];

describe("indicator formulas (twin of the SQL, iae-reference §10)", () => {
  const period = yearPeriod(2024);
  it("keeps only current, counting, non-FDI AFs", () => {
    expect(countingAfs(afs).map((a) => a.id)).toEqual(["af1", "af2", "af5"]);
  });
  it("counts structures by kind at a date", () => {
    expect(structuresByKindAt(afs, "2024-12-31")).toEqual({ total: 2, byKind: { ACI: 1, AI: 1, EI: 0, ETTI: 0, EITI: 0 } });
    expect(structuresByKindAt(afs, "2023-06-01")).toEqual({ total: 1, byKind: { ACI: 0, AI: 0, EI: 1, ETTI: 0, EITI: 0 } });
  });
  it("annualises ETP conventionnés on the months inside the period", () => {
    expect(etpConventionnes(afs, period).toString()).toBe("15"); // 12 + 6 × 6/12
    expect(etpConventionnes(afs, { from: "2024-01-01", to: "2024-06-30" }).toString()).toBe("6");
  });
  const decl: DeclarationRecord[] = [
    { afId: "af1", personKey: "h1", structureId: "s1", month: "2024-01", hours: "910" },
    { afId: "af1", personKey: "h2", structureId: "s1", month: "2024-02", hours: "0.5" },
    { afId: "af2", personKey: "h1", structureId: "s1", month: "2024-08", hours: "1607" },
    { afId: "af3", personKey: "h3", structureId: "s2", month: "2024-03", hours: "500" },
    { afId: "af1", personKey: "h4", structureId: "s1", month: "2025-01", hours: "100" },
  ];
  it("computes ETP réalisés, taux and people present (≥ 1 h)", () => {
    expect(etpRealisesForPeriod(afs, decl, period).toFixed(6)).toBe(String((0.5 + 0.5 / 1820 + 1).toFixed(6)));
    const t = tauxRealisationForPeriod(afs, decl, period);
    expect(t?.raw.toFixed(4)).toBe("0.1000");
    expect(tauxRealisationForPeriod([], decl, period)).toBeNull();
    expect(peoplePresent(afs, decl, period)).toBe(1);
    expect(() => peoplePresent(afs, [{ afId: "af1", personKey: "h1", structureId: "s1", month: "2024-13", hours: "1" }], period)).toThrow(
      /indicators.declaration.month/,
    );
    expect(() =>
      etpRealisesForPeriod(afs, [{ afId: "af1", personKey: "h1", structureId: "s1", month: "2024-01", hours: "NaN" }], period),
    ).toThrow(/indicators.declaration.hours/);
  });
  const contracts: ContractRecord[] = [
    {
      id: "c1",
      personKey: "h1",
      structureId: "s1",
      kind: "ACI",
      mesure: "ACI_DC",
      rank: 0,
      hiringDate: "2024-02-01",
      endDate: null,
      exitDate: null,
      rsa: "OUI-M",
    },
    {
      id: "c2",
      personKey: "h1",
      structureId: "s1",
      kind: "ACI",
      mesure: "ACI_DC",
      rank: 1,
      hiringDate: "2024-08-01",
      endDate: null,
      exitDate: null,
      rsa: "NON",
    },
    {
      id: "c3",
      personKey: "h2",
      structureId: "s1",
      kind: "ACI",
      mesure: "ACI_DC",
      rank: 0,
      hiringDate: "2024-03-01",
      endDate: null,
      exitDate: null,
      rsa: "NON",
    },
    {
      id: "c4",
      personKey: "h3",
      structureId: "s2",
      kind: "EI",
      mesure: "EI_DC",
      rank: 0,
      hiringDate: "2024-04-01",
      endDate: null,
      exitDate: null,
      rsa: "OUI-NM",
    },
    {
      id: "c5",
      personKey: "h1",
      structureId: "s2",
      kind: "EI",
      mesure: "EI_DC",
      rank: 0,
      hiringDate: "2024-09-01",
      endDate: null,
      exitDate: null,
      rsa: null,
    },
    {
      id: "c6",
      personKey: "h5",
      structureId: "s2",
      kind: "EI",
      mesure: "EI_DC",
      rank: 0,
      hiringDate: "2023-09-01",
      endDate: null,
      exitDate: null,
      rsa: "OUI-M",
    },
  ];
  it("counts people entered (distinct, initial contracts) and the RSA share", () => {
    expect(peopleEntered(contracts, period)).toBe(3);
    expect(rsaShareAmongEntrants(contracts, period)).toBeCloseTo(2 / 3);
    expect(rsaShareAmongEntrants(contracts, yearPeriod(2020))).toBeNull();
  });
  it("computes exits and rates", () => {
    const read = (f: string) => readFileSync(new URL(`../../../data/reference/passerelle/${f}`, import.meta.url), "utf8");
    const ref = parseExitReferential(read("ref_categorie_sortie.csv"), read("ref_motif_sortie.csv"));
    const exits: ExitRecord[] = [
      {
        personKey: "h1",
        structureId: "s1",
        kind: "ACI",
        recruitmentStart: "2024-01-01",
        exitDate: "2024-09-30",
        hoursWorked: "800",
        motifCode: "3",
      },
      {
        personKey: "h2",
        structureId: "s1",
        kind: "ACI",
        recruitmentStart: "2024-01-01",
        exitDate: "2024-02-15",
        hoursWorked: "100",
        motifCode: "7",
      },
      {
        personKey: "h3",
        structureId: "s2",
        kind: "AI",
        recruitmentStart: "2024-01-01",
        exitDate: "2024-05-15",
        hoursWorked: "200",
        motifCode: "7",
      },
    ];
    const r = exitsForPeriod(exits, ref, period);
    expect(r.counts).toEqual({ examined: 2, durable: 1, transition: 0, positive: 0, other: 1 });
    expect(r.rates.dynamic).toBe(0.5);
  });
  it("prorates the budget and the State part", () => {
    const b = budgetForPeriod(afs, period);
    expect([b.total.toFixed(2), b.cofinanced.toFixed(2), b.state.toFixed(2)]).toEqual(["291909.00", "27052.00", "264857.00"]);
    expect(() => budgetForPeriod([af({ cofinancedAmount: "999999999" })], period)).toThrow(/indicators.af.cofinancedAmount/);
    expect(() => etpConventionnes(afs, { from: "2024-12-31", to: "2024-01-01" })).toThrow(/indicators.period/);
  });
  it("documents every indicator in French", () => {
    for (const d of Object.values(INDICATOR_DEFINITIONS)) {
      expect(d.label.length).toBeGreaterThan(3);
      expect(d.definition.length).toBeGreaterThan(20);
    }
  });
});
