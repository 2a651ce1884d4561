// Calibration of the demo activity with the PURE twin formulas of the indicators (fast, no
// database). The database test (demo.db.test.ts) checks the same targets with the SQL indicators.
import { describe, expect, it } from "vitest";
import { countExaminedExits, exitRates } from "../domain/exits/examined.js";
import {
  budgetForPeriod,
  etpConventionnes,
  etpRealisesForPeriod,
  peopleEntered,
  rsaShareAmongEntrants,
  structuresByKindAt,
  yearPeriod,
} from "../domain/indicators/formulas.js";
import type { AfRecord, ContractRecord, DeclarationRecord, ExitRecord } from "../domain/indicators/records.js";
import { loadAnnualHours, loadBareme, loadExitReferential } from "../reference/loadReferenceFiles.js";
import { type DemoStructure, simulateActivity } from "./activity.js";
import { DEMO_SEED, REAL_RECENT_STRUCTURES } from "./calibration.js";
import { assignCreationDates, readAspList2019Rows, SYNTHETIC_STRUCTURES } from "./structures.js";

const financers = new Map([
  ["ETAT_DROIT_COMMUN", "etat"],
  ["ERBM", "etat"],
  ["PLAN_PAUVRETE", "etat"],
  ["CONSEIL_DEPARTEMENTAL", "departement"],
]);

function demoStructures(): DemoStructure[] {
  const { rows } = readAspList2019Rows("062");
  const real = rows.map((line) => {
    const c = line.split(";");
    return { key: `${c[7]}|${c[0]}`, kind: c[0] as DemoStructure["kind"], siret: c[7] ?? "", postalCode: c[3] ?? null, communeCode: null };
  });
  const dates = assignCreationDates(real, REAL_RECENT_STRUCTURES, DEMO_SEED);
  return [
    ...real.map((r) => ({
      key: r.key,
      kind: r.kind,
      createdOn: dates.get(r.key) ?? "2010-01-01",
      postalCode: r.postalCode,
      communeCode: r.communeCode,
    })),
    ...SYNTHETIC_STRUCTURES.map((s) => ({
      key: `${s.siret}|${s.kind}`,
      kind: s.kind,
      createdOn: s.createdOn,
      postalCode: s.postalCode,
      communeCode: s.communeCode,
    })),
  ];
}

describe("demo activity (pure calibration)", () => {
  const structures = demoStructures();
  const exits = loadExitReferential();
  const t0 = Date.now();
  const activity = simulateActivity(
    structures,
    {
      bareme: loadBareme(),
      annualHours: loadAnnualHours(),
      financers,
      exits,
      communes: ["62178", "62498"],
      barriers: ["mobilite", "heberg"],
    },
    DEMO_SEED,
  );
  const ms = Date.now() - t0;
  const kindOf = new Map(structures.map((s) => [s.key, s.kind]));
  const afs: AfRecord[] = activity.afs.map((a, i) => ({
    id: String(i),
    structureId: a.structureKey,
    kind: kindOf.get(a.structureKey) ?? "ACI",
    mesure: `${kindOf.get(a.structureKey)}_DC`,
    prefix: `P${i}`,
    renewal: 0,
    modification: 0,
    state: "VALIDE",
    startDate: a.startsOn,
    endDate: a.endsOn,
    etp: a.etp,
    total: a.total.toFixed(2),
    cofinancedAmount: a.funding.find((f) => f.code === "CONSEIL_DEPARTEMENTAL")?.amount ?? null,
    hoursPerEtp: String(a.annualHours),
  }));
  const afId = new Map(activity.afs.map((a, i) => [`${a.structureKey}|${a.year}`, String(i)]));
  const declarations: DeclarationRecord[] = activity.people.flatMap((p) =>
    p.months.map((m) => ({
      afId: afId.get(`${p.structureKey}|${m.afYear}`) ?? "",
      personKey: String(p.index),
      structureId: p.structureKey,
      month: m.month.slice(0, 7),
      hours: m.hours.toFixed(2),
    })),
  );
  const contracts: ContractRecord[] = activity.people.map((p) => ({
    id: String(p.index),
    personKey: String(p.index),
    structureId: p.structureKey,
    kind: p.kind,
    mesure: `${p.kind}_DC`,
    rank: 0,
    hiringDate: p.start,
    endDate: p.end,
    exitDate: p.exitMotif === null ? null : p.end,
    rsa: p.rsa,
  }));
  const exitRecords: ExitRecord[] = activity.people
    .filter((p) => p.exitMotif !== null)
    .map((p) => {
      const lastYear = p.months[p.months.length - 1]?.afYear;
      // ACI/EI/EITI: hours of the exit year; AI/ETTI: hours of the last AF (exitHours.ts).
      const exitYear = Number(p.end.slice(0, 4));
      const hours = p.months
        .filter((m) => (p.kind === "AI" || p.kind === "ETTI" ? m.afYear === lastYear : m.afYear === exitYear))
        .reduce((a, m) => a + m.hours, 0);
      return {
        personKey: String(p.index),
        structureId: p.structureKey,
        kind: p.kind,
        recruitmentStart: p.start,
        exitDate: p.end,
        hoursWorked: hours.toFixed(2),
        motifCode: String(p.exitMotif),
      };
    });
  const within = (value: number, target: number, tol = 0.02) => Math.abs(value - target) / target <= tol;

  it("is generated quickly", () => {
    console.log(`simulation: ${ms} ms, ${activity.people.length} people, ${declarations.length} monthly rows, ${activity.afs.length} AFs`);
    expect(ms).toBeLessThan(60_000); // shared 2-core CI: generous
  });

  it("hits the 2019 and 2018 targets", () => {
    const y19 = yearPeriod(2019);
    const y18 = yearPeriod(2018);
    const report = {
      structures: structuresByKindAt(afs, "2019-12-02"),
      etp19: etpConventionnes(afs, y19).toNumber(),
      etp18: etpConventionnes(afs, y18).toNumber(),
      real19: etpRealisesForPeriod(afs, declarations, y19).dividedBy(etpConventionnes(afs, y19)).toNumber(),
      entered19: peopleEntered(contracts, y19),
      rsa19: rsaShareAmongEntrants(contracts, y19),
      budget19: budgetForPeriod(afs, y19),
      erbm19: activity.afs
        .filter((a) => a.year === 2019)
        .reduce((acc, a) => acc + Number(a.funding.find((f) => f.code === "ERBM")?.amount ?? 0), 0),
      dyn17: exitRates(countExaminedExits(exitRecords, exits, "2017-01-01", "2017-12-31")).dynamic,
      dyn18: exitRates(countExaminedExits(exitRecords, exits, "2018-01-01", "2018-12-31")).dynamic,
    };
    console.log(JSON.stringify(report));
    expect(report.structures.byKind).toMatchObject({ ACI: 52, AI: 27, EI: 34, ETTI: 9 });
    expect(within(report.etp19, 3000)).toBe(true);
    expect(within(report.etp18, 2800)).toBe(true);
    expect(report.real19).toBeGreaterThanOrEqual(0.95);
    expect(report.real19).toBeLessThanOrEqual(1);
    expect(within(report.entered19, 8000)).toBe(true);
    expect(within(report.rsa19 ?? 0, 0.5)).toBe(true);
    expect(within(report.budget19.state.toNumber(), 38_000_000)).toBe(true);
    expect(within(report.dyn17 ?? 0, 0.56)).toBe(true);
    expect(within(report.dyn18 ?? 0, 0.62)).toBe(true);
  });
});
