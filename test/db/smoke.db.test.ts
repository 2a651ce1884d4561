import { afterAll, beforeAll, expect, test } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.destroy());

test("template database is migrated and seeded", async () => {
  const r = await t.handle.db.selectFrom("ref_departement").select(["code", "name"]).where("code", "=", "62").execute();
  expect(r).toEqual([{ code: "62", name: "Pas-de-Calais" }]);
});
