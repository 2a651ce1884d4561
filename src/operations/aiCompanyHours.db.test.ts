// Company hours of an AI's mises à disposition, declared month by month: 480 h over the 24 months from the
// first placement, unless the préfet's derogation covers the month (code du travail L.5132-9 2°, R.5132-18).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/testDb.js";
import { fixedClock } from "../domain/calendar/clock.js";
import { fictitiousNir } from "../demo/fictitiousNir.js";
import { testCipher } from "../security/personalData.js";
import { declarationGrid } from "../queries/declarations.js";
import { createFinancialAnnex } from "./createFinancialAnnex.js";
import { createPerson } from "./createPerson.js";
import { createStructure } from "./createStructure.js";
import { declareMonthlyHours } from "./declareMonthlyHours.js";
import { hire } from "./hire.js";
import { type OperationDeps, OperationInputError } from "./types.js";
import type { Db } from "../db/schema.js";
import type { Principal } from "../server/auth/principal.js";

let t: TestDatabase;
const deps: OperationDeps = { clock: fixedClock("2026-01-15"), pii: testCipher(), actor: { userId: null, label: "test" } };
const run = <T>(fn: (db: Db) => Promise<T>): Promise<T> => t.handle.withTransaction(({ db }) => fn(db));
const reasons = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    if (e instanceof OperationInputError) return e.issues.map((i) => `${i.field}: ${i.reason}`);
    throw e;
  }
  return [];
};

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.destroy();
});

describe("AI company hours in the monthly declaration (L.5132-9)", () => {
  const annexes: Record<string, number> = {};
  let ai = 0;
  let aci = 0;
  let aciAnnex = 0;
  let contract = 0;
  let aciContract = 0;
  const declare = (
    year: string,
    month: string,
    hours: number,
    companyHours: number | null,
    contractId = contract,
    annexId = annexes[year] ?? 0,
  ) => run((db) => declareMonthlyHours(db, deps, { annexId, month: `${year}-${month}`, lines: [{ contractId, hours, companyHours }] }));

  it("sets up an AI (and an ACI) with a salarié placed since June 2021", async () => {
    ai = (await run((db) => createStructure(db, deps, { kind: "AI", name: "AI plafond", siret: "41071771400035", departementCode: "62" })))
      .id;
    aci = (
      await run((db) => createStructure(db, deps, { kind: "ACI", name: "ACI témoin", siret: "41071771400035", departementCode: "62" }))
    ).id;
    for (const year of ["2021", "2023", "2024", "2025"])
      annexes[year] = (
        await run((db) => createFinancialAnnex(db, deps, { structureId: ai, startsOn: `${year}-01-01`, endsOn: `${year}-12-31`, etp: "3" }))
      ).id;
    aciAnnex = (
      await run((db) => createFinancialAnnex(db, deps, { structureId: aci, startsOn: "2023-01-01", endsOn: "2023-12-31", etp: "3" }))
    ).id;
    const person = (
      await run((db) =>
        createPerson(db, deps, {
          nir: fictitiousNir(2, "1985-05-06", 21),
          civility: "MME",
          lastName: "PLACEE",
          firstName: "Anne",
          birthDate: "1985-05-06",
          isSynthetic: true,
        }),
      )
    ).id;
    // Before 1 December 2021 an AI mise à disposition needed no PASS IAE.
    contract = (
      await run((db) =>
        hire(db, deps, { personId: person, structureId: ai, contractType: "MISE_A_DISPOSITION", startsOn: "2021-06-01", weeklyHours: 20 }),
      )
    ).id;
    aciContract = (
      await t.handle.db
        .insertInto("contract")
        .values({
          person_id: person,
          structure_id: aci,
          mesure_code: "ACI_DC",
          contract_type: "CDDI",
          starts_on: "2023-01-01",
          weekly_hours: "20",
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
  });

  it("400 h then 80 h are allowed, 81 h are refused on the field, naming the period and the balance", async () => {
    await declare("2023", "03", 400, 400);
    expect(await reasons(declare("2023", "04", 100, 81))).toEqual([
      "lines.0.companyHours: contrat " +
        contract +
        " : heures mises à disposition en entreprise au-delà de 480 h sur 24 mois (L.5132-9) — période ouverte le 01/03/2023, 400 h déjà comptées, 80 h possibles ce mois-ci",
    ]);
    expect(await t.handle.db.selectFrom("monthly_declaration").select("id").where("month", "=", "2023-04-01").execute()).toEqual([]);
    await declare("2023", "04", 100, 80);
    // Hours with private persons or associations are not capped: the month's other hours are free.
    await declare("2023", "05", 150, 0);
    expect(await reasons(declare("2024", "10", 10, 1))).toHaveLength(1);
    // Re-declaring a month replaces its hours: March down to 300 h leaves room for 100 h more.
    await declare("2023", "03", 400, 300);
    await declare("2024", "10", 100, 100);
    const rows = await t.handle.db
      .selectFrom("monthly_declaration")
      .select(["month", "hours", "company_hours"])
      .where("contract_id", "=", contract)
      .orderBy("month")
      .execute();
    expect(rows.map((r) => [r.month, r.company_hours])).toEqual([
      ["2023-03-01", "300.00"],
      ["2023-04-01", "80.00"],
      ["2023-05-01", "0.00"],
      ["2024-10-01", "100.00"],
    ]);
  });

  it("the grid shows each AI line's company hours and what is left for the month; none for another kind", async () => {
    const principal: Principal = {
      userId: 1,
      email: "a@example.fr",
      displayName: "Admin",
      role: "admin",
      regionCode: null,
      departementCode: null,
      structureIds: [],
    } as unknown as Principal;
    const grid = await declarationGrid(t.handle.db, principal, { type: "structure", id: ai }, "2024-10");
    expect(grid.companyHours).toEqual({ derogation: false });
    // 300 + 80 counted besides the line's own 100 h: 100 h may be declared this month.
    expect(grid.annexes[0]?.lines[0]).toMatchObject({ companyHours: 100, companyHoursRemaining: 100 });
    const other = await declarationGrid(t.handle.db, principal, { type: "structure", id: aci }, "2023-03");
    expect(other.companyHours).toBeNull();
  });

  it("the 24 months run from the first placement: March 2025 opens a new period", async () => {
    expect(await reasons(declare("2025", "02", 10, 1))).toHaveLength(1);
    await declare("2025", "03", 480, 480);
  });

  it("the préfet's derogation covering the month lifts the cap", async () => {
    await t.handle.db
      .insertInto("ai_placement_derogation")
      .values({ structure_id: ai, starts_on: "2025-01-01", ends_on: "2027-12-31", decision_reference: "arrêté DDETS 62" })
      .execute();
    await declare("2025", "02", 81, 81);
    await declare("2025", "04", 81, 81);
  });

  it("refuses company hours above the month's hours, and for a structure that is not an AI", async () => {
    expect(await reasons(declare("2024", "11", 10, 11))).toEqual([
      `lines.0.companyHours: contrat ${contract} : heures mises à disposition en entreprise supérieures aux heures du mois`,
    ]);
    expect((await reasons(declare("2023", "03", 10, 5, aciContract, aciAnnex))).map((r) => r.split(":")[0])).toEqual([
      "lines.0.companyHours",
    ]);
    await declare("2023", "03", 10, null, aciContract, aciAnnex);
  });

  it("the database keeps company hours within the month's hours", async () => {
    await expect(
      t.handle.db.updateTable("monthly_declaration").set({ company_hours: "999" }).where("contract_id", "=", contract).execute(),
    ).rejects.toThrow();
  });
});
