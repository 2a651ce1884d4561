// A statement wrapped in prepared() is prepared once on its connection and then executed by name, with
// its parameters, on both engines; the others stay unnamed.
import { sql } from "kysely";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/testDb.js";
import { type DatabaseHandle, openDatabase } from "./connection.js";
import { prepared } from "./preparedStatements.js";

let t: TestDatabase;
let handle: DatabaseHandle;

beforeAll(async () => {
  t = await createTestDatabase();
  // PostgreSQL: one connection, so that pg_prepared_statements is read on the connection that prepared.
  handle = t.url ? await openDatabase({ url: t.url, poolSize: 1 }) : t.handle;
});
afterAll(async () => {
  if (handle !== t?.handle) await handle?.close();
  await t?.destroy();
});

const preparedTexts = async () =>
  (await sql<{ statement: string }>`SELECT statement FROM pg_prepared_statements`.execute(handle.db)).rows.map((r) => r.statement);

test("prepared once per connection, executed by name with each call's parameters", async () => {
  const square = (n: number, ids: number[]) =>
    prepared(sql<{ sq: number; hit: boolean }>`SELECT ${n}::int * ${n}::int AS sq, 2 = ANY(${ids}::bigint[]) AS hit`).execute(handle.db);
  expect((await square(3, [1, 2])).rows).toEqual([{ sq: 9, hit: true }]);
  expect((await square(4, [5])).rows).toEqual([{ sq: 16, hit: false }]);
  expect((await square(5, [])).rows).toEqual([{ sq: 25, hit: false }]);
  const texts = await preparedTexts();
  expect(texts.filter((s) => s.includes("AS sq, 2 = ANY"))).toHaveLength(1);
  // A statement not wrapped is not prepared.
  await sql`SELECT 1 AS unprepared_probe`.execute(handle.db);
  expect((await preparedTexts()).some((s) => s.includes("unprepared_probe"))).toBe(false);
});

test("a migration that changes the columns a prepared statement returns: the statement still answers, with the new columns", async () => {
  await sql`CREATE TABLE prepared_probe (a int)`.execute(handle.db);
  await sql`INSERT INTO prepared_probe VALUES (1)`.execute(handle.db);
  const read = () => prepared(sql<Record<string, number>>`SELECT * FROM prepared_probe`).execute(handle.db);
  expect((await read()).rows).toEqual([{ a: 1 }]);
  await sql`ALTER TABLE prepared_probe ADD COLUMN b int DEFAULT 2`.execute(handle.db);
  expect((await read()).rows).toEqual([{ a: 1, b: 2 }]);
  expect((await read()).rows).toEqual([{ a: 1, b: 2 }]);
  await sql`DROP TABLE prepared_probe`.execute(handle.db);
});
