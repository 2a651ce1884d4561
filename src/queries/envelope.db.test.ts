// The envelope read model on both engines: ETP réalisés to date are the figure of `indicators --from <1 January>
// --to <at>`, and the forecast reads nothing declared for a month after the observation date.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/testDb.js";
import { computeIndicators } from "../indicators/computeIndicators.js";
import { insertDataset, randomDataset } from "../indicators/testkit/randomDataset.js";
import { envelopeAt, envelopeBacktest } from "./envelope.js";

describe("envelope read model", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    const ds = randomDataset(29, { structures: 14, persons: 90 });
    await t.handle.withTransaction(({ db }) => insertDataset(db, ds));
  });
  afterAll(async () => {
    await t.destroy();
  });

  const departements = ["62", "59", "80", "75"];
  const dates = ["2018-03-31", "2018-06-30", "2018-09-15", "2019-06-30", "2019-12-31"];

  it("etp.realisesToDate and etp.conventionnes are what indicators reports for 1 January → at", async () => {
    let compared = 0;
    for (const code of departements)
      for (const at of dates) {
        const year = Number(at.slice(0, 4));
        const env = await envelopeAt(t.handle.db, { type: "departement", code }, code, year, at);
        const toDate = await computeIndicators(t.handle.db, {
          scope: `departement:${code}`,
          from: `${year}-01-01`,
          to: at,
          withPrevious: false,
        });
        const whole = await computeIndicators(t.handle.db, {
          scope: `departement:${code}`,
          from: `${year}-01-01`,
          to: `${year}-12-31`,
          withPrevious: false,
        });
        expect(env.etp.realisesToDate).toBe(toDate.etp.realises);
        expect(env.etp.conventionnes).toBe(whole.etp.conventionnes);
        if (env.etp.realisesToDate > 0) compared++;
      }
    expect(compared).toBeGreaterThan(5);
  });

  it("the funding lines sum, to the cent, to the budget's conventionné, paid to date, projected and unused", async () => {
    const cents = (xs: number[]) => xs.reduce((acc, x) => acc + Math.round(x * 100), 0);
    let withSeveralLines = 0;
    for (const code of departements)
      for (const at of dates) {
        const env = await envelopeAt(t.handle.db, { type: "departement", code }, code, Number(at.slice(0, 4)), at);
        const l = env.fundingLines;
        expect(cents(l.map((x) => x.conventionne))).toBe(Math.round(env.budget.conventionne * 100));
        expect(cents(l.map((x) => x.paidToDate))).toBe(Math.round(env.budget.paidToDate * 100));
        expect(cents(l.map((x) => x.projectedYearEnd))).toBe(Math.round(env.budget.projectedYearEnd * 100));
        expect(cents(l.map((x) => x.projectedUnused))).toBe(Math.round(env.budget.projectedUnused * 100));
        expect(l.every((x) => x.projectedUnused >= 0 && x.label !== "")).toBe(true);
        // Per structure: its lines sum to its own amounts, and the structures' lines to the département's, line by line.
        for (const s of env.structures) {
          expect(cents(s.fundingLines.map((x) => x.conventionne))).toBe(Math.round(s.conventionne * 100));
          expect(cents(s.fundingLines.map((x) => x.paidToDate))).toBe(Math.round(s.paidToDate * 100));
          expect(cents(s.fundingLines.map((x) => x.projectedYearEnd))).toBe(Math.round(s.projectedAmount * 100));
        }
        for (const line of l)
          for (const k of ["conventionne", "paidToDate", "projectedYearEnd", "projectedUnused"] as const)
            expect(cents(env.structures.flatMap((s) => s.fundingLines.filter((x) => x.code === line.code).map((x) => x[k])))).toBe(
              Math.round(line[k] * 100),
            );
        if (l.length > 1 && l.some((x) => x.paidToDate > 0) && l.some((x) => x.projectedYearEnd > 0)) withSeveralLines++;
      }
    expect(withSeveralLines).toBeGreaterThan(3);
  });

  it("a forecast does not move when months after --at change; the year's indicators do", async () => {
    const db = t.handle.db;
    const at = "2019-06-30";
    const before = await Promise.all(departements.map((code) => envelopeAt(db, { type: "departement", code }, code, 2019, at)));
    const yearBefore = await computeIndicators(db, { scope: "nation", from: "2019-01-01", to: "2019-12-31", withPrevious: false });
    const changed = await sql`UPDATE monthly_declaration SET hours = hours * 3 + 7 WHERE month > ${at}::date`.execute(db);
    expect(Number(changed.numAffectedRows ?? 0)).toBeGreaterThan(0);
    const after = await Promise.all(departements.map((code) => envelopeAt(db, { type: "departement", code }, code, 2019, at)));
    const yearAfter = await computeIndicators(db, { scope: "nation", from: "2019-01-01", to: "2019-12-31", withPrevious: false });
    expect(yearAfter.etp.realises).toBeGreaterThan(yearBefore.etp.realises);
    expect(after).toEqual(before);
    expect(after.some((e) => e.fundingLines.length > 1)).toBe(true);
  });

  it("the backtest projects each month-end and ends on the year's ETP réalisés", async () => {
    const b = await envelopeBacktest(t.handle.db, { type: "departement", code: "62" }, 2018);
    const year = await computeIndicators(t.handle.db, {
      scope: "departement:62",
      from: "2018-01-01",
      to: "2018-12-31",
      withPrevious: false,
    });
    expect(b.months.map((m) => m.at)).toHaveLength(12);
    expect(b.months.at(-1)?.projectedEtp).toBe(year.etp.realises);
    expect(b.months.every((m) => m.actualEtp === year.etp.realises)).toBe(true);
  });
});
