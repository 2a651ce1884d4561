// SQL (rollups) vs pure twin (src/domain/indicators) on random data, on PGlite and PostgreSQL (TEST_DATABASE_URL).
import { readFileSync } from "node:fs";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/testDb.js";
import { endOfMonth, maxDate, minDate } from "../domain/calendar/isoDate.js";
import { parseExitReferential } from "../domain/exits/referential.js";
import {
  amountPerEtp,
  budgetByFundingLine,
  budgetForPeriod,
  etpConventionnes,
  etpRealisesForPeriod,
  exitRecordsFor,
  exitsForPeriod,
  modulatedPart,
  type Period,
  peopleEntered,
  peoplePresent,
  rsaAmongPresent,
  rsaShareAmongEntrants,
  structuresByKindAt,
  structuresCreated,
  structuresCreatedLastTwoYears,
} from "../domain/indicators/index.js";
import { Decimal } from "../domain/money/money.js";
import type { SiaeKind } from "../domain/structures/kinds.js";
import { computeIndicators, fundingLineLabels, summarise } from "./computeIndicators.js";
import { computeSeries } from "./computeSeries.js";
import { computeStructureTable } from "./structureTable.js";
import { queryFigures } from "./figures.js";
import type { Scope } from "./scope.js";
import { type Dataset, insertDataset, randomDataset, twinExits, twinRecords } from "./testkit/randomDataset.js";

const read = (f: string) => readFileSync(new URL(`../../data/reference/passerelle/${f}`, import.meta.url), "utf8");
const referential = parseExitReferential(read("ref_categorie_sortie.csv"), read("ref_motif_sortie.csv"));
const REGION_OF: Record<string, string> = { "62": "32", "59": "32", "80": "32", "75": "11" };

function inScope(ds: Dataset, scope: Scope, kind?: SiaeKind): Set<number> {
  return new Set(
    ds.structures
      .filter((s) => {
        if (kind !== undefined && s.kind !== kind) return false;
        switch (scope.type) {
          case "nation":
            return true;
          case "region":
            return REGION_OF[s.departement] === scope.code;
          case "departement":
            return s.departement === scope.code;
          case "group":
            return ds.groupMembers.includes(s.id);
          case "structure":
            return s.id === scope.id;
          default:
            return false;
        }
      })
      .map((s) => s.id),
  );
}

function twin(ds: Dataset, scope: Scope, period: Period, at: string, kind?: SiaeKind) {
  const ids = inScope(ds, scope, kind);
  const all = twinRecords(ds);
  const afs = all.afs.filter((a) => ids.has(Number(a.structureId)));
  const afIds = new Set(afs.map((a) => a.id));
  const decl = all.declarations.filter((d) => afIds.has(d.afId));
  const contracts = all.contracts.filter((c) => ids.has(Number(c.structureId)));
  const structures = ds.structures.filter((s) => ids.has(s.id)).map((s) => ({ id: String(s.id), kind: s.kind, createdOn: s.createdOn }));
  const { exits, recruitmentOf } = twinExits(ds, (id) => ids.has(id));
  const exitRecords = exitRecordsFor(exits, all.declarations, recruitmentOf, all.afs);
  const budget = budgetForPeriod(afs, period);
  return {
    structuresAt: structuresByKindAt(afs, at),
    createdLast2Years: structuresCreatedLastTwoYears(structures, afs, at),
    createdInPeriod: structuresCreated(structures, period),
    etpConv: etpConventionnes(afs, period),
    etpReal: etpRealisesForPeriod(afs, decl, period),
    present: peoplePresent(afs, decl, period),
    entered: peopleEntered(contracts, period),
    rsaShareEntered: rsaShareAmongEntrants(contracts, period),
    rsaPresent: rsaAmongPresent(afs, decl, contracts, period),
    exits: exitsForPeriod(exitRecords, referential, period),
    budget,
    lines: budgetByFundingLine(afs, period),
    modulated: modulatedPart(afs, period),
    perEtp: amountPerEtp(budget.total, afs, period),
  };
}

const PERIODS: Period[] = [
  { from: "2017-01-01", to: "2017-12-31" },
  { from: "2018-01-01", to: "2018-12-31" },
  { from: "2019-01-01", to: "2019-12-31" },
  { from: "2017-01-01", to: "2019-12-31" },
  { from: "2017-06-15", to: "2019-02-10" },
  { from: "2018-03-01", to: "2018-08-31" },
  { from: "2019-02-01", to: "2019-02-28" },
];

describe("indicators: SQL on rollups = pure twin (random data, both engines)", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t.destroy();
  });

  // Seed 53: a fifth of the declarations on an annex whose own period does not cover the month.
  for (const [seed, strayDeclarations] of [
    [11, 0],
    [29, 0],
    [47, 0],
    [53, 0.2],
  ] as const) {
    it(`seed ${seed}${strayDeclarations > 0 ? " (declarations outside their annex's period)" : ""}: every scope × period`, async () => {
      const db = t.handle.db;
      await sql`DELETE FROM structure`.execute(db);
      await sql`DELETE FROM person`.execute(db);
      await sql`DELETE FROM structure_group`.execute(db);
      const ds = randomDataset(seed, { structures: 10, persons: 40, strayDeclarations });
      await t.handle.withTransaction(({ db: tx }) => insertDataset(tx, ds));
      const first = ds.structures[0];
      if (!first) throw new Error("no structure");
      const scopes: [Scope, SiaeKind | undefined][] = [
        [{ type: "nation" }, undefined],
        [{ type: "nation" }, first.kind],
        [{ type: "region", code: "32" }, undefined],
        [{ type: "departement", code: "62" }, undefined],
        [{ type: "departement", code: "62" }, first.kind],
        [{ type: "group", id: ds.groupId }, undefined],
        [{ type: "structure", id: first.id }, undefined],
      ];
      const lines = await fundingLineLabels(db);
      let nonTrivial = 0;
      for (const [scope, kind] of scopes) {
        for (const period of PERIODS) {
          const at = period.to;
          const where = `${JSON.stringify(scope)} ${kind ?? ""} ${period.from}..${period.to}`;
          const tw = twin(ds, scope, period, at, kind);
          const raw = await queryFigures(db, { scope, period, at, ...(kind ? { kind } : {}) });
          const sum = (f: (s: (typeof raw.perStructure)[number]) => string) =>
            raw.perStructure.reduce((a, s) => a.plus(f(s)), new Decimal(0));
          expect({ byKind: raw.structuresAt, c2: raw.createdLast2Years, created: raw.createdInPeriod }, where).toEqual({
            byKind: tw.structuresAt.byKind,
            c2: tw.createdLast2Years,
            created: tw.createdInPeriod.byKind,
          });
          expect(
            sum((s) => s.etpConventionnes)
              .minus(tw.etpConv)
              .abs()
              .lessThan(1e-9),
            `${where} etpConv`,
          ).toBe(true);
          expect(
            sum((s) => s.etpRealises)
              .minus(tw.etpReal)
              .abs()
              .lessThan(1e-9),
            `${where} etpReal ${sum((s) => s.etpRealises)} vs ${tw.etpReal}`,
          ).toBe(true);
          expect({ present: raw.present, entered: raw.entered }, where).toEqual({ present: tw.present, entered: tw.entered });
          const exits = { examined: 0, durable: 0, transition: 0, positive: 0, other: 0 };
          for (const s of raw.perStructure) for (const k of Object.keys(exits) as (keyof typeof exits)[]) exits[k] += s.exits[k];
          expect(exits, where).toEqual(tw.exits.counts);

          const ind = summarise(raw, period, at, lines);
          expect(ind.structures.total).toBe(tw.structuresAt.total);
          expect(ind.people.rsaPresent, `${where} rsaPresent`).toBe(tw.rsaPresent.rsa);
          expect(ind.people.rsaShare).toBe(tw.rsaPresent.present === 0 ? null : tw.rsaPresent.rsa / tw.rsaPresent.present);
          expect(ind.people.rsaShareEntered).toBe(tw.rsaShareEntered);
          expect(ind.exits.dynamicRate).toBe(tw.exits.rates.dynamic);
          expect(ind.exits.durableRate).toBe(tw.exits.rates.durable);
          expect(ind.etp.conventionnes).toBe(Number(tw.etpConv.toFixed(4)));
          expect(ind.etp.realises).toBe(Number(tw.etpReal.toFixed(4)));
          const taux = tw.etpConv.isZero() ? null : tw.etpReal.dividedBy(tw.etpConv).toNumber();
          if (taux === null) expect(ind.etp.tauxRealisation).toBeNull();
          else expect(ind.etp.tauxRealisation).toBeCloseTo(taux, 12);
          expect([ind.budget.total, ind.budget.state, ind.budget.departement], `${where} budget`).toEqual([
            tw.budget.total.toNumber(),
            tw.budget.state.toNumber(),
            tw.budget.cofinanced.toNumber(),
          ]);
          expect(ind.budget.byFundingLine, `${where} lines`).toEqual(Object.fromEntries([...tw.lines].map(([k, v]) => [k, v.toNumber()])));
          expect(ind.budget.modulated).toBe(tw.modulated.toNumber());
          expect(ind.budget.perEtp.total).toBe(tw.perEtp === null ? null : tw.perEtp.toNumber());
          // Without the per-structure list (the dashboards): a territory's entries and exits come from the rollups
          // per (month, département, kind), the same figures.
          const totalsOnly = await queryFigures(db, { scope, period, at, ...(kind ? { kind } : {}), perStructure: false });
          expect(
            { exits: totalsOnly.totals.exits, entered: totalsOnly.entered, rsaEntered: totalsOnly.rsaEntered },
            `${where} totals only`,
          ).toEqual({ exits: tw.exits.counts, entered: tw.entered, rsaEntered: raw.rsaEntered });
          expect(summarise(totalsOnly, period, at, lines), `${where} totals only`).toEqual(ind);
          if (tw.exits.counts.examined > 0 && tw.present > 0 && !tw.etpConv.isZero()) nonTrivial++;
        }
      }
      // The generated data must exercise the rules, not only empty scopes.
      expect(nonTrivial).toBeGreaterThan(5);
      // The public entry point: same figures, plus the previous period and the changes.
      const full = await computeIndicators(db, { scope: "region:32", from: "2019-01-01", to: "2019-12-31" });
      const y2019 = summarise(
        await queryFigures(db, { scope: { type: "region", code: "32" }, period: PERIODS[2] as Period, at: "2019-12-31" }),
        PERIODS[2] as Period,
        "2019-12-31",
        lines,
      );
      const y2018 = summarise(
        await queryFigures(db, { scope: { type: "region", code: "32" }, period: PERIODS[1] as Period, at: "2018-12-31" }),
        PERIODS[1] as Period,
        "2018-12-31",
        lines,
      );
      expect(full.scope).toBe("region:32");
      expect(full.etp).toEqual(y2019.etp);
      expect(full.previous?.period).toEqual({ from: "2018-01-01", to: "2018-12-31" });
      expect(full.previous?.budget).toEqual(y2018.budget);
      expect(full.change?.etpConventionnes.difference).toBeCloseTo(y2019.etp.conventionnes - y2018.etp.conventionnes, 9);
      expect(full.definitions.dynamicRate.definition).toMatch(/sorties examinées/);

      // Monthly series = twin of each month × 12; yearly points = figures of each (clipped) year.
      const series = await computeSeries(db, { scope: "nation", from: "2017-06-15", to: "2019-02-10" });
      expect(series.monthly).toHaveLength(21);
      const all = inScope(ds, { type: "nation" });
      for (const point of series.monthly) {
        const month = { from: `${point.month}-01`, to: endOfMonth(`${point.month}-01`) };
        const clipped = { from: maxDate(month.from, "2017-06-15"), to: minDate(month.to, "2019-02-10") };
        const tw = twin(ds, { type: "nation" }, month, month.to);
        expect(point.etpConventionnes, point.month).toBeCloseTo(tw.etpConv.times(12).toNumber(), 4);
        expect(point.etpRealises, point.month).toBeCloseTo(tw.etpReal.times(12).toNumber(), 4);
        expect(point.entered, point.month).toBe(twin(ds, { type: "nation" }, clipped, clipped.to).entered);
      }
      expect(all.size).toBe(ds.structures.length);
      expect(series.yearly.map((y) => y.period)).toEqual([
        { from: "2017-06-15", to: "2017-12-31" },
        { from: "2018-01-01", to: "2018-12-31" },
        { from: "2019-01-01", to: "2019-02-10" },
      ]);
      expect(series.yearly[1]?.exitsExamined).toBe(twin(ds, { type: "nation" }, PERIODS[1] as Period, "2018-12-31").exits.counts.examined);
      // Whole-month series read the entries from rollup_entry_month / rollup_entry_repeat.
      for (const scope of [{ type: "nation" as const }, { type: "departement" as const, code: ds.structures[0]?.departement ?? "62" }]) {
        const aligned = await computeSeries(db, { scope, from: "2018-01-01", to: "2018-12-31" });
        for (const point of aligned.monthly) {
          const month = { from: `${point.month}-01`, to: endOfMonth(`${point.month}-01`) };
          expect(point.entered, `${scope.type} ${point.month}`).toBe(twin(ds, scope, month, month.to).entered);
        }
        expect(aligned.yearly[0]?.entered).toBe(twin(ds, scope, PERIODS[1] as Period, "2018-12-31").entered);
      }

      // Structure table: its rows add up to the totals.
      const table = await computeStructureTable(db, { scope: "nation", from: "2018-01-01", to: "2018-12-31" });
      const tw2018 = twin(ds, { type: "nation" }, PERIODS[1] as Period, "2018-12-31");
      expect(table.reduce((a, r) => a + r.exitsExamined, 0)).toBe(tw2018.exits.counts.examined);
      expect(table.reduce((a, r) => a + r.etpConventionnes, 0)).toBeCloseTo(tw2018.etpConv.toNumber(), 2);
    });
  }
});
