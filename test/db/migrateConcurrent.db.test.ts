// App servers started at once on one empty PostgreSQL database migrate it once: each migration's
// transaction takes an advisory lock and checks again, so the second process waits and then finds every
// migration applied (without the lock both run 0001 and one fails on "relation already exists").
// PGlite has one process per data folder; the test still runs there (two calls on one handle).
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/connection.js";
import { listMigrations, migrate } from "../../src/db/migrate.js";
import { createEmptyDatabase, type TestDatabase, testEngine } from "../support/testDb.js";

let t: TestDatabase;
afterAll(async () => {
  await t?.destroy();
});

describe("concurrent migrations", () => {
  it("two processes migrating one empty database at once apply each migration once", async () => {
    t = await createEmptyDatabase();
    const second = testEngine() === "postgresql" ? await openDatabase({ url: t.url!, poolSize: 2 }) : t.handle;
    try {
      const [a, b] = await Promise.all([migrate(t.handle), migrate(second)]);
      const all = listMigrations().map((m) => m.name);
      expect([...a.applied, ...b.applied].sort()).toEqual(all);
      expect(a.schemaVersion).toBe(b.schemaVersion);
      const rows = await t.handle.db.selectFrom("schema_migration").select("version").execute();
      expect(rows).toHaveLength(all.length);
    } finally {
      if (second !== t.handle) await second.close();
    }
  });
});
