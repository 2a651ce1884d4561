// Follow-up indicators: SQL (src/indicators/followUp.ts, through computeIndicators) vs the pure twin (followUpRates
// of src/domain/followUp over the dataset's rows) on random exits and situations, for several scopes and periods
// (whole years, months, days at the end of a month); the small-count rule outside the structure.
import { readFileSync } from "node:fs";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/testDb.js";
import { exitGroupOfMotif, parseExitReferential } from "../domain/exits/referential.js";
import {
  FOLLOW_UP_HORIZONS,
  FOLLOW_UP_SITUATIONS,
  FOLLOWED_EXIT_GROUPS,
  type FollowedExitGroup,
  type FollowUpAudience,
  type FollowUpHorizon,
  type FollowUpRecord,
  type FollowUpSituation,
  followUpDueOn,
  followUpHorizonFigures,
  followUpRates,
  isFollowedExitGroup,
  SECONDARY_WITHHELD_REASON,
  WITHHELD_REASON,
} from "../domain/followUp/index.js";
import type { Period } from "../domain/indicators/records.js";
import { findRollupDrift, rebuildRollups } from "../db/rollups.js";
import { computeIndicators } from "./computeIndicators.js";
import type { Scope } from "./scope.js";
import { mulberry32 } from "../domain/random.js";
import { type Dataset, insertDataset, randomDataset } from "./testkit/randomDataset.js";

const read = (f: string) => readFileSync(new URL(`../../data/reference/passerelle/${f}`, import.meta.url), "utf8");
const referential = parseExitReferential(read("ref_categorie_sortie.csv"), read("ref_motif_sortie.csv"));
const REGION_OF: Record<string, string> = { "62": "32", "59": "32", "80": "32", "75": "11" };
const SITUATIONS = Object.keys(FOLLOW_UP_SITUATIONS) as FollowUpSituation[];

let t: TestDatabase;
let ds: Dataset;
const records: FollowUpRecord[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  ds = randomDataset(77, { structures: 12, persons: 400 });
  const rnd = mulberry32(78);
  // Realistic gaps: about one follow-up in five never entered, some entered as unknown.
  for (const e of ds.exits)
    for (const horizon of FOLLOW_UP_HORIZONS)
      if (rnd() < 0.8)
        records.push({ exitId: e.id, horizon, situation: SITUATIONS[Math.floor(rnd() * SITUATIONS.length)] as FollowUpSituation });
  await t.handle.withTransaction(async ({ db }) => {
    await insertDataset(db, ds);
    for (const r of records)
      await sql`INSERT INTO follow_up (exit_id, horizon, situation, observed_on, source)
        VALUES (${r.exitId}, ${r.horizon}, ${r.situation}, '2020-01-15', 'import')`.execute(db);
  });
});
afterAll(async () => {
  await t?.destroy();
});

function inScope(scope: Scope): Set<number> {
  return new Set(
    ds.structures
      .filter((s) =>
        scope.type === "nation"
          ? true
          : scope.type === "region"
            ? REGION_OF[s.departement] === scope.code
            : scope.type === "departement"
              ? s.departement === scope.code
              : scope.type === "structure" && s.id === scope.id,
      )
      .map((s) => s.id),
  );
}

/** The twin: which exits are due in the period (domain due day), their group, and followUpRates. */
function twin(scope: Scope, period: Period, audience: FollowUpAudience) {
  const ids = inScope(scope);
  const horizon = (h: FollowUpHorizon) => {
    const due = ds.exits
      .filter((e) => ids.has(e.structureId))
      .map((e) => ({ ...e, group: exitGroupOfMotif(referential, String(e.motif)) }))
      .filter((e) => isFollowedExitGroup(e.group))
      .filter((e) => {
        const on = followUpDueOn(e.exitOn, h);
        return on >= period.from && on <= period.to;
      });
    const byGroup = Object.fromEntries(
      FOLLOWED_EXIT_GROUPS.map((g) => [
        g,
        followUpRates(
          due.filter((e) => e.group === g).map((e) => e.id),
          records,
          h,
        ),
      ]),
    ) as Record<FollowedExitGroup, ReturnType<typeof followUpRates>>;
    return followUpHorizonFigures(
      followUpRates(
        due.map((e) => e.id),
        records,
        h,
      ),
      byGroup,
      audience,
    );
  };
  return { at6Months: horizon(6), at12Months: horizon(12) };
}

const PERIODS: Period[] = [
  { from: "2018-01-01", to: "2018-12-31" },
  { from: "2019-01-01", to: "2019-12-31" },
  { from: "2018-07-01", to: "2019-03-31" },
  { from: "2019-02-28", to: "2019-08-30" },
  { from: "2019-03-01", to: "2019-03-31" },
];

describe("follow-up indicators: SQL = twin", () => {
  it("for the nation, régions, départements and structures, each period, both audiences", async () => {
    const scopes: Scope[] = [
      { type: "nation" },
      { type: "region", code: "32" },
      { type: "departement", code: "62" },
      ...ds.structures.slice(0, 4).map((s) => ({ type: "structure" as const, id: s.id })),
    ];
    let dueSeen = 0;
    for (const scope of scopes)
      for (const period of PERIODS)
        for (const audience of ["outside", "structure"] as const) {
          const ind = await computeIndicators(t.handle.db, { scope, ...period, withPrevious: false, followUpAudience: audience });
          const expected = twin(scope, period, scope.type === "structure" ? audience : "outside");
          expect(ind.followUp, `${JSON.stringify(scope)} ${period.from} ${audience}`).toEqual(expected);
          dueSeen += ind.followUp.at6Months.due ?? 0;
        }
    expect(dueSeen).toBeGreaterThan(100);
  });

  it("the rollup follows situations and exits as they change (findRollupDrift empty), and month-aligned periods read it", async () => {
    const db = t.handle.db;
    expect(await findRollupDrift(db)).toEqual([]);
    const cells = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM rollup_follow_up_month`.execute(db)).rows[0]?.n);
    expect(cells).toBeGreaterThan(0);
    await sql`UPDATE follow_up SET situation = 'CDI' WHERE id IN (SELECT id FROM follow_up ORDER BY id LIMIT 3)`.execute(db);
    await sql`DELETE FROM follow_up WHERE id IN (SELECT id FROM follow_up ORDER BY id DESC LIMIT 2)`.execute(db);
    await sql`UPDATE exit SET exit_on = exit_on + 40 WHERE id IN (SELECT id FROM exit ORDER BY id LIMIT 2)`.execute(db);
    expect(await findRollupDrift(db)).toEqual([]);
    // Emptied by hand, the month-aligned figures follow the rollup, the others the rows.
    await sql`DELETE FROM rollup_follow_up_month`.execute(db);
    const nation = { type: "nation" as const };
    const year = await computeIndicators(db, { scope: nation, from: "2019-01-01", to: "2019-12-31", withPrevious: false });
    expect(year.followUp.at6Months.due ?? 0).toBe(0);
    const days = await computeIndicators(db, { scope: nation, from: "2019-02-28", to: "2019-08-30", withPrevious: false });
    expect(days.followUp.at6Months.due).toBeGreaterThan(0);
    await t.handle.withTransaction(({ db: tx }) => rebuildRollups(tx));
    expect(await findRollupDrift(db)).toEqual([]);
  });

  it("withholds every figure about fewer than 5 people outside the structure, with the reason; the unknown share is shown", async () => {
    const period = { from: "2018-01-01", to: "2019-12-31" };
    let withheldSeen = 0;
    for (const s of ds.structures) {
      const scope = { type: "structure" as const, id: s.id };
      const outside = (await computeIndicators(t.handle.db, { scope, ...period, withPrevious: false })).followUp;
      const own = (await computeIndicators(t.handle.db, { scope, ...period, withPrevious: false, followUpAudience: "structure" })).followUp;
      for (const h of ["at6Months", "at12Months"] as const)
        for (const [o, mine] of [
          [outside[h], own[h]],
          ...FOLLOWED_EXIT_GROUPS.map((g) => [outside[h].byExitGroup[g], own[h].byExitGroup[g]] as const),
        ] as const) {
          expect(mine.withheld).toBe(false);
          if ((mine.known ?? 0) < 5) {
            expect(o).toMatchObject({ known: null, employedRate: null, durableEmployedRate: null, withheld: true });
            expect(o.withheldReason).toMatch(/moins de 5 personnes/);
            withheldSeen++;
            // Otherwise published, unless hidden so that the total minus the other groups does not give it back.
          } else if (o.employedRate === null) expect(o.withheldReason).toBe(SECONDARY_WITHHELD_REASON);
          else expect(o.employedRate).toBe(mine.employedRate);
          if ((mine.due ?? 0) >= 5 && o.unknownShare !== mine.unknownShare) {
            expect(o.unknownShare).toBeNull();
            expect(o.withheldReason).toBe((mine.known ?? 0) < 5 ? WITHHELD_REASON : SECONDARY_WITHHELD_REASON);
          }
        }
    }
    expect(withheldSeen).toBeGreaterThan(0);
  });
});
