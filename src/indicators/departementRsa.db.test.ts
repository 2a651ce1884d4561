// Département RSA figures: SQL (departementRsa.ts) = pure twin (departementRsaTwin.ts) on random data.
import { readFileSync } from "node:fs";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/testDb.js";
import { parseExitReferential } from "../domain/exits/referential.js";
import type { Period } from "../domain/indicators/index.js";
import { proratedCents } from "../domain/indicators/proration.js";
import { Decimal } from "../domain/money/money.js";
import { computeDepartementRsa, queryDepartementRsa, type RsaRaw, summariseRsa } from "./departementRsa.js";
import { departementRsaTwin } from "./departementRsaTwin.js";
import { insertDataset, randomDataset, twinExits, twinRecords } from "./testkit/randomDataset.js";

const read = (f: string) => readFileSync(new URL(`../../data/reference/passerelle/${f}`, import.meta.url), "utf8");
const referential = parseExitReferential(read("ref_categorie_sortie.csv"), read("ref_motif_sortie.csv"));
const departementLines = new Set(
  read("funding_lines.csv")
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split(";"))
    .filter((c) => c[2] === "departement")
    .map((c) => c[0] as string),
);

const PERIODS: Period[] = [
  { from: "2017-01-01", to: "2017-12-31" },
  { from: "2018-01-01", to: "2018-12-31" },
  { from: "2019-01-01", to: "2019-12-31" },
  { from: "2018-03-01", to: "2019-08-31" },
];

/** Comparable form: exact decimals compared to 1e-9, amounts in cents. */
function comparable(raw: RsaRaw) {
  return {
    byKind: raw.byKind,
    total: raw.total,
    structures: raw.structures.map((s) => ({
      id: s.id,
      kind: s.kind,
      people: s.people,
      exits: s.exits,
      etp: new Decimal(s.etpConventionnes).toFixed(9),
      etpCd: new Decimal(s.etpCofinanced).toFixed(9),
      cd: proratedCents(s.cdAmount).toFixed(2),
    })),
  };
}

describe("département RSA: SQL = pure twin (random data)", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t.destroy();
  });

  for (const seed of [5, 23, 71]) {
    it(`seed ${seed}: départements 62 and 59 × periods`, async () => {
      const db = t.handle.db;
      await sql`DELETE FROM structure`.execute(db);
      await sql`DELETE FROM person`.execute(db);
      await sql`DELETE FROM structure_group`.execute(db);
      const ds = randomDataset(seed, { structures: 16, persons: 70 });
      await t.handle.withTransaction(({ db: tx }) => insertDataset(tx, ds));
      const records = twinRecords(ds);
      const { exits, recruitmentOf } = twinExits(ds);
      const structures = ds.structures.map((s) => ({ id: s.id, name: `Structure ${s.id}`, kind: s.kind, departement: s.departement }));
      let nonTrivial = 0;
      for (const departement of ["62", "59"]) {
        for (const period of PERIODS) {
          const where = `${departement} ${period.from}..${period.to}`;
          const fromSql = await queryDepartementRsa(db, departement, period);
          const fromTwin = departementRsaTwin({
            departement,
            period,
            structures,
            ...records,
            exits,
            recruitmentOf,
            departementLines,
            referential,
          });
          expect(comparable(fromSql), where).toEqual(comparable(fromTwin));
          const a = summariseRsa(fromSql, departement, "x", period);
          const b = summariseRsa(fromTwin, departement, "x", period);
          expect(a.people, where).toEqual(b.people);
          expect(a.exits, where).toEqual(b.exits);
          expect(a.montantDepartement).toBe(b.montantDepartement);
          expect(a.etp.cofinances).toBeCloseTo(b.etp.cofinances, 9);
          if (a.people.presentRsa > 0 && a.exits.examined > 0 && a.etp.cofinances > 0 && a.people.enteredRsa > 0) nonTrivial++;
          // The département's structures only; the by-kind exits add up to the total.
          expect(fromSql.structures.every((s) => ds.structures.find((x) => x.id === s.id)?.departement === departement)).toBe(true);
          expect(a.byKind.reduce((n, k) => n + k.exitsExamined, 0)).toBe(a.exits.examined);
          expect(a.people.presentRsa).toBeLessThanOrEqual(a.people.present);
        }
      }
      // The random data must exercise the rules (RSA people, co-financed AFs, examined RSA exits).
      expect(nonTrivial).toBeGreaterThan(1);
    });
  }

  it("rejects a malformed département code and an unknown département", async () => {
    await expect(computeDepartementRsa(t.handle.db, { departement: "6x2", year: 2019 })).rejects.toThrow(/code de département invalide/);
    await expect(computeDepartementRsa(t.handle.db, { departement: "99", year: 2019 })).rejects.toThrow(/département inconnu/);
  });
});
