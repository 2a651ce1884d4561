// The demo département as a new user sees it: loads the demo once and reads the product's own
// SQL indicators (computeIndicators), not the generator's constants — the demo's calibration targets.
import { cipherCells } from "../security/personalData.js";
import { sql } from "kysely";
import { findRollupDrift } from "../db/rollups.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/testDb.js";
import { numberToSelect } from "../domain/controle/sampling.js";
import { computeIndicators } from "../indicators/index.js";
import { controleSample } from "../queries/controle.js";
import { envelopeAt } from "../queries/envelope.js";
import { verifyPassword } from "../security/passwords.js";
import { testCipher } from "../security/personalData.js";
import { foreignKeyViolations } from "../db/bulkWithoutTriggers.js";
import { isFictitiousNir } from "./fictitiousNir.js";
import { BULK_TABLES, type DemoSummary, loadDemo, loadDemoIfEmpty } from "./loadDemo.js";

let t: TestDatabase;
let summary: DemoSummary;
const pii = testCipher();
const within = (value: number, target: number, tolerance = 0.02) => Math.abs(value - target) <= Math.abs(target) * tolerance;

beforeAll(async () => {
  t = await createTestDatabase();
  summary = await loadDemo(t.handle, { pii, env: {}, log: (s) => process.stderr.write(`${s}\n`) });
}, 600_000);
afterAll(async () => {
  await t?.destroy();
});

describe("demo Pas-de-Calais", () => {
  it("loads quickly enough for a first start", () => {
    process.stderr.write(`demo loaded in ${summary.durationMs} ms: ${JSON.stringify({ ...summary, accounts: summary.accounts.length })}\n`);
    expect(summary.structures).toMatchObject({ total: 122, real: 117, synthetic: 5 });
  });

  it("dashboard 2019 for the DDETS 62: 122 structures (52/27/34/9), ≈ 3 000 ETP, ≈ 8 000 entries, ≈ 38 M€, ≈ 50 % RSA", async () => {
    const i = await computeIndicators(t.handle.db, { scope: "departement:62", from: "2019-01-01", to: "2019-12-31" });
    process.stderr.write(
      `${JSON.stringify({ structures: i.structures, etp: i.etp, people: i.people, exits: i.exits, budget: { ...i.budget, fundingLines: undefined } })}\n`,
    );
    expect(i.structures.total).toBe(122);
    expect(i.structures.byKind).toMatchObject({ ACI: 52, AI: 27, EI: 34, ETTI: 9 });
    expect(i.structures.createdLast2Years).toBeGreaterThanOrEqual(10);
    expect(within(i.etp.conventionnes, 3000)).toBe(true);
    expect(i.etp.tauxRealisation).toBeGreaterThanOrEqual(0.95);
    expect(i.etp.tauxRealisation).toBeLessThanOrEqual(1);
    expect(within(i.people.entered, 8000)).toBe(true);
    // RSA share among the people present (the seed's "près de 50 % des personnes accompagnées"), and among entrants.
    expect(within(i.people.rsaShare ?? 0, 0.5)).toBe(true);
    expect(within(i.people.rsaShareEntered ?? 0, 0.5)).toBe(true);
    expect(within(i.budget.state, 38_000_000)).toBe(true);
    expect(i.budget.byFundingLine.ERBM).toBeGreaterThan(2_000_000);
    expect(i.budget.byFundingLine.ERBM).toBeLessThan(2_300_000);
    expect(within(i.budget.byFundingLine.PLAN_PAUVRETE ?? 0, 500_000)).toBe(true);
  });

  it("structures on 2 December 2019 and 2018 vs 2017", async () => {
    const at = await computeIndicators(t.handle.db, {
      scope: "departement:62",
      from: "2019-01-01",
      to: "2019-12-31",
      at: "2019-12-02",
      withPrevious: false,
    });
    expect(at.structures.byKind).toMatchObject({ ACI: 52, AI: 27, EI: 34, ETTI: 9 });
    const y18 = await computeIndicators(t.handle.db, {
      scope: "departement:62",
      from: "2018-01-01",
      to: "2018-12-31",
      withPrevious: false,
    });
    const y17 = await computeIndicators(t.handle.db, {
      scope: "departement:62",
      from: "2017-01-01",
      to: "2017-12-31",
      withPrevious: false,
    });
    process.stderr.write(`${JSON.stringify({ etp18: y18.etp, exits18: y18.exits, exits17: y17.exits })}\n`);
    expect(within(y18.etp.conventionnes, 2800)).toBe(true);
    expect(within(y18.exits.dynamicRate ?? 0, 0.62)).toBe(true);
    expect(within(y17.exits.dynamicRate ?? 0, 0.56)).toBe(true);
  });

  it("bulk rows are those the triggers would have accepted and summed: every foreign key holds, rollups equal the base tables", async () => {
    expect(await foreignKeyViolations(t.handle.db, BULK_TABLES)).toEqual([]);
    // The rollups rebuilt after the trigger-less load equal the base tables, every one of them.
    expect(await findRollupDrift(t.handle.db)).toEqual([]);
    const counts = await sql<{
      months: number;
      exits: string;
    }>`select (select count(*)::integer from rollup_annex_month) as months, (select sum(examined) from rollup_exit_month) as exits`.execute(
      t.handle.db,
    );
    expect(counts.rows[0]?.months).toBeGreaterThan(1000);
    expect(Number(counts.rows[0]?.exits)).toBeGreaterThan(10_000);
  });

  it("only fictitious people, demo accounts per role, nothing in clear", async () => {
    const people = await t.handle.db
      .selectFrom("person")
      .select(["id", "nir_encrypted", "is_synthetic", "email", "phone", "address_line"])
      .limit(200)
      .execute();
    for (const p of people) {
      expect(p.is_synthetic).toBe(true);
      expect(isFictitiousNir(pii.decrypt(p.nir_encrypted ?? "", cipherCells.personNir(p.id)))).toBe(true);
      expect([p.email, p.phone, p.address_line]).toEqual([null, null, null]);
    }
    const users = await t.handle.db
      .selectFrom("app_user")
      .select(["email", "role", "departement_code", "password_hash"])
      .orderBy("email")
      .execute();
    expect(users.map((u) => [u.email, u.role])).toEqual([
      ["admin@demo.passerelle.test", "admin"],
      ["aviee@demo.passerelle.test", "siae"],
      ["cd62@demo.passerelle.test", "conseil_departemental"],
      ["ddets62@demo.passerelle.test", "departemental"],
      ["dgefp@demo.passerelle.test", "national"],
    ]);
    expect(await verifyPassword(users[0]?.password_hash ?? "", "passerelle-demo")).toBe(true);
    const aviee = await t.handle.db
      .selectFrom("membership")
      .innerJoin("structure", "structure.id", "membership.structure_id")
      .innerJoin("app_user", "app_user.id", "membership.user_id")
      .select(["structure.name", "membership.is_admin"])
      .where("app_user.email", "=", "aviee@demo.passerelle.test")
      .execute();
    expect(aviee).toEqual([{ name: "AVIEE", is_admin: true }]);
    const group = await t.handle.db
      .selectFrom("site")
      .select(["surface_m2", "permanent_staff", "opened_on"])
      .where("name", "=", "Site Trajectoire")
      .executeTakeFirstOrThrow();
    expect(group).toEqual({ surface_m2: "907.00", permanent_staff: 30, opened_on: "2019-12-02" });
    const synthetic = await t.handle.db
      .selectFrom("structure")
      .select(({ fn }) => ["is_synthetic", fn.countAll<string>().as("n")])
      .groupBy("is_synthetic")
      .orderBy("is_synthetic")
      .execute();
    expect(synthetic.map((r) => [r.is_synthetic, Number(r.n)])).toEqual([
      [false, 117],
      [true, 5],
    ]);
  });

  it("stands on 15 January 2020: 2019 complete except the December hours of the Trajectoire structures", async () => {
    const state = await t.handle.db.selectFrom("demo_state").select(["state", "as_of"]).executeTakeFirstOrThrow();
    expect(state).toEqual({ state: "complete", as_of: "2020-01-15" });
    const months = await sql<{ name: string; november: number; december: number }>`
      select s.name,
        (select count(*)::integer from monthly_declaration d where d.structure_id = s.id and d.month = '2019-11-01') as november,
        (select count(*)::integer from monthly_declaration d where d.structure_id = s.id and d.month = '2019-12-01') as december
      from structure s where s.name in ('AVIEE', 'SARL INSERTIM') order by s.name`.execute(t.handle.db);
    for (const r of months.rows) {
      expect(r.november, r.name).toBeGreaterThan(0);
      expect(r.december, r.name).toBe(0);
    }
    const declaredDecember = await sql<{
      n: number;
    }>`select count(distinct structure_id)::integer as n from monthly_declaration where month = '2019-12-01'`.execute(t.handle.db);
    expect(declaredDecember.rows[0]?.n).toBeGreaterThan(100);
  });

  it("steering: the 30 June 2019 forecast is within 3 % of the year; the contrôle draw has auto-prescriptions and replays", async () => {
    const year = await computeIndicators(t.handle.db, {
      scope: "departement:62",
      from: "2019-01-01",
      to: "2019-12-31",
      withPrevious: false,
    });
    const june = await envelopeAt(t.handle.db, { type: "departement", code: "62" }, "62", 2019, "2019-06-30");
    const error = Math.abs(june.etp.projectedYearEnd - year.etp.realises) / year.etp.realises;
    process.stderr.write(`forecast at 2019-06-30: ${june.etp.projectedYearEnd} for ${year.etp.realises} (${(error * 100).toFixed(2)} %)\n`);
    expect(error).toBeLessThan(0.03);
    const draw = await controleSample(t.handle.db, "62", "2019-01-01", "2019-12-31", 2019);
    expect(draw.eligible.length).toBeGreaterThan(20);
    expect(draw.selected).toHaveLength(numberToSelect(draw.eligible.length));
    expect(await controleSample(t.handle.db, "62", "2019-01-01", "2019-12-31", 2019)).toEqual(draw);
  });

  it("follow-up after exit: 2018 exits followed with gaps, durable exits more often employed, AVIEE's January list to do", async () => {
    const i = await computeIndicators(t.handle.db, { scope: "departement:62", from: "2019-01-01", to: "2019-12-31", withPrevious: false });
    const twelve = i.followUp.at12Months;
    process.stderr.write(`follow-up 2019: ${JSON.stringify(i.followUp)}\n`);
    expect(twelve.due).toBeGreaterThan(1000);
    expect(twelve.unknownShare).toBeGreaterThan(0.15);
    expect(twelve.unknownShare).toBeLessThan(0.4);
    const durable = twelve.byExitGroup.durable.employedRate ?? 0;
    expect(durable).toBeGreaterThan((twelve.byExitGroup.other.employedRate ?? 1) + 0.2);
    const aviee = await sql<{ due: number; entered: number }>`
      SELECT count(*)::int AS due, count(f.id)::int AS entered FROM exit e JOIN structure s ON s.id = e.structure_id
      CROSS JOIN (VALUES (6), (12)) h (horizon)
      LEFT JOIN follow_up f ON f.exit_id = e.id AND f.horizon = h.horizon
      WHERE s.name = 'AVIEE' AND to_char(e.exit_on + make_interval(months => h.horizon), 'YYYY-MM') = '2020-01'`.execute(t.handle.db);
    expect(aviee.rows[0]?.due).toBeGreaterThan(1);
    expect(aviee.rows[0]?.entered).toBe(0);
  });

  it("a contrôle campaign of the first half of 2019 in progress: AVIEE selected, its recorded seed replays the sample", async () => {
    const db = t.handle.db;
    const campaign = await db.selectFrom("controle_campaign").selectAll().where("departement_code", "=", "62").executeTakeFirstOrThrow();
    expect([campaign.period_from, campaign.period_to, campaign.state]).toEqual(["2019-01-01", "2019-06-30", "en_cours"]);
    const replay = await controleSample(db, "62", "2019-01-01", "2019-06-30", Number(campaign.seed), campaign.percent);
    const stored = await db
      .selectFrom("controle_hiring")
      .select(["structure_id", "contract_id"])
      .where("campaign_id", "=", campaign.id)
      .execute();
    expect(stored.map((h) => Number(h.contract_id)).sort((a, b) => a - b)).toEqual(
      replay.selected.flatMap((s) => s.sampled).sort((a, b) => a - b),
    );
    const aviee = await db.selectFrom("structure").select("id").where("name", "=", "AVIEE").executeTakeFirstOrThrow();
    const files = await db
      .selectFrom("controle_structure")
      .select(["structure_id", "state"])
      .where("campaign_id", "=", campaign.id)
      .execute();
    expect(files.find((f) => Number(f.structure_id) === Number(aviee.id))?.state).toBe("pieces");
    expect(new Set(files.map((f) => f.state))).toEqual(new Set(["pieces", "soumis", "contradictoire", "decide"]));
    expect(Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM controle_proof`.execute(db)).rows[0]?.n)).toBeGreaterThan(0);
  });

  it("loads only into an empty database; --reset reloads the same data", async () => {
    expect(await loadDemoIfEmpty(t.handle, { pii, env: {} })).toBeNull();
    await expect(loadDemo(t.handle, { pii, env: {} })).rejects.toThrow(/déjà/);
  });
});
