// Bulk exports of personal data and caching, as an auditor checks them:
//  - an export of the salariés or exits list (CSV or XLSX, up to 200,000 rows) leaves one audit row
//    naming who, which list, which filter and how many rows — and no identity (a search text is masked);
//  - every authenticated API answer, personal ones first, carries Cache-Control: no-store (a shared
//    workstation's browser cache or a proxy must not keep a salarié's data).
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { App } from "../../src/server/context.js";
import { testCipher } from "../../src/security/personalData.js";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";
import { buildTestApp, type LoggedIn, login, seedWorld, type World } from "./support/fixture.js";

let t: TestDatabase;
let app: App;
let world: World;
let siae: LoggedIn;
const pii = testCipher();

beforeAll(async () => {
  t = await createTestDatabase();
  world = await seedWorld(t.handle.db, pii);
  app = await buildTestApp(t, pii);
  siae = await login(app, world.users.siaeAdmin.email);
});
afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

const exportsOf = async () =>
  (await t.handle.db.selectFrom("audit_event").selectAll().where("action", "like", "%export%").orderBy("id").execute()).map((r) => ({
    ...r,
    after: (typeof r.after === "string" ? JSON.parse(r.after) : r.after) as Record<string, unknown>,
  }));

describe("bulk exports of personal data are audited", () => {
  test.each([
    ["salariés", "csv", (s: number) => `/api/v1/structures/${s}/persons?format=csv&month=2025-03&q=Vandamme`],
    ["salariés", "xlsx", (s: number) => `/api/v1/structures/${s}/persons?format=xlsx&month=2025-03`],
    ["sorties", "csv", (s: number) => `/api/v1/structures/${s}/exits?format=csv&year=2025`],
  ])("%s as %s: one row with the list, filter and count, no identity", async (_what, format, url) => {
    const before = (await exportsOf()).length;
    const res = await app.inject({ url: url(world.s1), headers: siae.headers });
    expect(res.statusCode, res.body).toBe(200);
    const rows = await exportsOf();
    expect(rows.length).toBe(before + 1);
    const row = rows.at(-1);
    expect(row).toMatchObject({ action: "personal_data.export", actor_user_id: world.users.siaeAdmin.id, structure_id: world.s1 });
    expect(row?.after).toMatchObject({ format, rows: expect.any(Number) });
    expect(typeof row?.after.route).toBe("string");
    const text = JSON.stringify(row);
    for (const name of ["Vandamme", "Josiane", "Delattre", "Kevin"]) expect(text).not.toContain(name);
  });

  test("a list read as JSON (a page on screen) is not an export", async () => {
    const before = (await exportsOf()).length;
    const res = await app.inject({ url: `/api/v1/structures/${world.s1}/persons?month=2025-03`, headers: siae.headers });
    expect(res.statusCode).toBe(200);
    expect((await exportsOf()).length).toBe(before);
  });
});

describe("Cache-Control: no-store", () => {
  test("on every personal answer: lists, exports, the personal page and the personal-data export", async () => {
    for (const url of [
      `/api/v1/structures/${world.s1}/persons?month=2025-03`,
      `/api/v1/structures/${world.s1}/persons?format=csv&month=2025-03`,
      `/api/v1/structures/${world.s1}/exits?format=xlsx&year=2025`,
      `/api/v1/persons/${world.p1}`,
      `/api/v1/persons/${world.p1}/export`,
      "/api/v1/auth/me",
      `/api/v1/structures/${world.s1}`,
    ]) {
      const res = await app.inject({ url, headers: siae.headers });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
      expect(res.headers["cache-control"], url).toBe("no-store");
    }
  });
  test("also on refusals (a 403 still says what exists)", async () => {
    const res = await app.inject({ url: `/api/v1/persons/${world.p2}`, headers: siae.headers });
    expect(res.statusCode).toBe(403);
    expect(res.headers["cache-control"]).toBe("no-store");
  });
});
