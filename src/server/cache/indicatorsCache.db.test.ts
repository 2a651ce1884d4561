// Cached indicator responses stay correct: a monthly declaration written through the API changes the next
// dashboard response, also on a second server instance that had cached the old figures; the scope check
// still runs before the cache; every table read by src/indicators bumps the data generation.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, openDatabase } from "../../db/connection.js";
import { insertStructure, type TestUser, testApp, testContext, userWithSession } from "../../../test/api/support/apiKit.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/testDb.js";
import { buildApp } from "../app.js";
import type { App } from "../context.js";
import { readDataGeneration } from "./dataGeneration.js";

let t: TestDatabase;
let second: DatabaseHandle | undefined;
let appA: App;
let appB: App;
let ddets: TestUser;
let staff: TestUser;
let structureId: number;
let annexId: number;
let contractId: number;
let personId: number;

const DASHBOARD = "/api/v1/indicators?scope=departement:62&year=2025";

beforeAll(async () => {
  t = await createTestDatabase();
  const db = t.handle.db;
  structureId = await insertStructure(t, { name: "Gamma ACI", kind: "ACI", siret: "66666666600066", departementCode: "62" });
  annexId = Number(
    (
      await db
        .insertInto("financial_annex")
        .values({
          structure_id: structureId,
          number_prefix: "ACI062250020",
          mesure_code: "ACI_DC",
          state: "VALIDE",
          starts_on: "2025-01-01",
          ends_on: "2025-12-31",
          etp: "2.00",
          annual_hours: "1820",
          total_amount: "50000.00",
          unit_amount: "1000",
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id,
  );
  personId = Number((await db.insertInto("person").values({ last_name: "Y" }).returning("id").executeTakeFirstOrThrow()).id);
  contractId = Number(
    (
      await db
        .insertInto("contract")
        .values({
          person_id: personId,
          structure_id: structureId,
          mesure_code: "ACI_DC",
          contract_type: "CDDI",
          starts_on: "2025-01-01",
          weekly_hours: "35",
          rsa: "NON",
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id,
  );
  ddets = await userWithSession(t, { email: "agent@cache62.test", role: "departemental", departementCode: "62" });
  staff = await userWithSession(t, { email: "staff@gamma.test", role: "siae", structureIds: [structureId] });
  appA = await testApp(t);
  // A second server instance: on PostgreSQL its own connection pool to the same database.
  second = t.url ? await openDatabase({ url: t.url, poolSize: 2 }) : undefined;
  appB = await buildApp({ ...testContext(t), handle: second ?? t.handle });
});
afterAll(async () => {
  await appA?.close();
  await appB?.close();
  await second?.close();
  await t.destroy();
});

const realised = async (app: App): Promise<number> => {
  const res = await app.inject({ url: DASHBOARD, headers: ddets.headers });
  expect(res.statusCode).toBe(200);
  return res.json().etp.realises as number;
};

const declare = async (app: App, month: string, hours: number) => {
  const res = await app.inject({
    method: "POST",
    url: `/api/v1/structures/${structureId}/declarations`,
    headers: staff.headers,
    payload: { annexId, month, lines: [{ contractId, hours }] },
  });
  expect(res.statusCode).toBe(200);
};

describe("indicator response cache", () => {
  it("serves the next dashboard with a declaration written through the API, on both instances", async () => {
    const before = await realised(appA);
    expect(await realised(appB)).toBe(before);
    expect(await realised(appA)).toBe(before); // cached now
    await declare(appA, "2025-03", 151.67);
    const after = await realised(appA);
    expect(after).toBeGreaterThan(before);
    expect(await realised(appB)).toBe(after);
    // A write through the other instance is seen by the first one.
    await declare(appB, "2025-04", 151.67);
    const third = await realised(appA);
    expect(third).toBeGreaterThan(after);
    expect(await realised(appB)).toBe(third);
    // Correcting a month downwards (UPDATE) is seen too.
    await declare(appA, "2025-04", 10);
    expect(await realised(appB)).toBeLessThan(third);
  });

  it("checks the caller's scope before answering from the cache", async () => {
    expect((await appA.inject({ url: DASHBOARD, headers: ddets.headers })).statusCode).toBe(200);
    const other = await userWithSession(t, { email: "agent@cache59.test", role: "departemental", departementCode: "59" });
    expect((await appA.inject({ url: DASHBOARD, headers: other.headers })).statusCode).toBe(403);
    expect((await appA.inject({ url: DASHBOARD })).statusCode).toBe(401);
  });

  it("changes the generation at every committed write and not at a rolled-back one", async () => {
    const db = t.handle.db;
    const g0 = await readDataGeneration(db);
    await db.updateTable("structure").set({ name: "Gamma ACI bis" }).where("id", "=", structureId).execute();
    const g1 = await readDataGeneration(db);
    expect(g1).toBeGreaterThan(g0);
    await expect(
      t.handle.withTransaction(async (tx) => {
        await tx.db.updateTable("structure").set({ name: "jamais" }).where("id", "=", structureId).execute();
        throw new Error("rollback");
      }),
    ).rejects.toThrow("rollback");
    expect(await readDataGeneration(db)).toBe(g1);
    // Reads and writes of security tables do not invalidate the indicators.
    await db.updateTable("app_user").set({ display_name: "x" }).where("id", "=", ddets.id).execute();
    expect(await readDataGeneration(db)).toBe(g1);
  });

  it("watches every table that src/indicators reads", async () => {
    const tables = (
      await sql<{ name: string; watched: boolean }>`
        SELECT c.relname AS name, EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid AND g.tgname = 'bump_data_generation') AS watched
        FROM pg_class c WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace`.execute(t.handle.db)
    ).rows;
    const dir = path.resolve(import.meta.dirname, "../../indicators");
    const source = readdirSync(dir, { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".ts") && !f.includes(".test.") && !f.startsWith("testkit"))
      .map((f) => readFileSync(path.join(dir, f), "utf8"))
      .join("\n");
    const read = tables.filter((r) => new RegExp(`\\b${r.name}\\b`).test(source));
    expect(read.length).toBeGreaterThan(10);
    expect(read.filter((r) => !r.watched).map((r) => r.name)).toEqual([]);
  });
});
