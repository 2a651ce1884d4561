// Schema equality: a database migrated in one go, one migrated step by step (as successive releases
// would), and the template every test uses must have exactly the same schema.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { DatabaseHandle } from "../../src/db/connection.js";
import { listMigrations, migrate, schemaVersion } from "../../src/db/migrate.js";
import { seedReference } from "../../src/db/seedReference.js";
import { createEmptyDatabase, createTestDatabase, type TestDatabase } from "../support/testDb.js";

async function snapshot(handle: DatabaseHandle): Promise<Record<string, string[]>> {
  const q = async (text: string) => (await sql.raw<{ line: string }>(text).execute(handle.db)).rows.map((r) => r.line).sort();
  return {
    columns: await q(`SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' ||
        coalesce(column_default, '') || ' ' || coalesce(generation_expression, '') AS line
      FROM information_schema.columns WHERE table_schema = 'public'`),
    constraints: await q(`SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS line
      FROM pg_constraint WHERE connamespace = 'public'::regnamespace`),
    indexes: await q(`SELECT indexdef AS line FROM pg_indexes WHERE schemaname = 'public'`),
    triggers: await q(`SELECT event_object_table || ' ' || trigger_name || ' ' || event_manipulation || ' ' || action_timing AS line
      FROM information_schema.triggers WHERE trigger_schema = 'public'`),
    functions: await q(`SELECT proname || '(' || pg_get_function_arguments(oid) || ')' AS line
      FROM pg_proc WHERE pronamespace = 'public'::regnamespace`),
  };
}

describe("schema", () => {
  let fresh: TestDatabase;
  let stepwise: TestDatabase;
  let template: TestDatabase;
  beforeAll(async () => {
    [fresh, stepwise, template] = await Promise.all([createEmptyDatabase(), createEmptyDatabase(), createTestDatabase()]);
  });
  afterAll(async () => {
    await Promise.all([fresh?.destroy(), stepwise?.destroy(), template?.destroy()]);
  });

  test("fresh, step-by-step and template databases have the same schema", async () => {
    const all = await migrate(fresh.handle);
    expect(all.applied).toEqual(listMigrations().map((m) => m.name));
    for (const m of listMigrations()) {
      const r = await migrate(stepwise.handle, { upTo: m.version });
      expect(r.applied).toEqual([m.name]);
      if (m.version === "0004") await seedReference(stepwise.handle);
    }
    const [a, b, c] = await Promise.all([snapshot(fresh.handle), snapshot(stepwise.handle), snapshot(template.handle)]);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(a.columns!.length).toBeGreaterThan(300);
  });

  test("migrating again applies nothing and reports the latest version", async () => {
    const again = await migrate(template.handle);
    expect(again.applied).toEqual([]);
    const latest = listMigrations().at(-1)!.version;
    expect(await schemaVersion(template.handle)).toBe(latest);
  });
});
