// The préfet's derogation to the 480 h cap of an AI's company mises à disposition (L5132-9 2°), recorded by the
// DDETS through the API: 3 years at most, AI only, audited; the scope rules (another département's DDETS, a
// DREETS, the AI itself, another territory's structure id, extra target parameters, unknown keys).
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testContext, type TestUser, userWithSession } from "../../../test/api/support/apiKit.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/testDb.js";
import { buildApp } from "../app.js";
import type { App } from "../context.js";

let t: TestDatabase;
let app: App;
const users: Record<string, TestUser> = {};

beforeAll(async () => {
  t = await createTestDatabase();
  // 1: AI of 62; 2: ACI of 62; 3: AI of 59.
  await sql`INSERT INTO structure (id, kind, asp_id, name, departement_code) OVERRIDING SYSTEM VALUE VALUES
    (1, 'AI', 1, 'AI du 62', '62'), (2, 'ACI', 2, 'ACI du 62', '62'), (3, 'AI', 3, 'AI du 59', '59')`.execute(t.handle.db);
  users.ddets62 = await userWithSession(t, { email: "agent@ddets62.test", role: "departemental", departementCode: "62" });
  users.dreets32 = await userWithSession(t, { email: "agent@dreets32.test", role: "regional", regionCode: "32" });
  users.ai = await userWithSession(t, { email: "staff@ai.test", role: "siae", structureIds: [1] });
  app = await buildApp(testContext(t));
});
afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

const post = (who: string, url: string, payload: unknown) =>
  app.inject({ method: "POST", url, headers: users[who]?.headers ?? {}, payload: payload as object });
const url = (id: number) => `/api/v1/structures/${id}/ai-placement-derogations`;

describe("recording an AI's derogation to the 480 h cap", () => {
  it("the DDETS records it for 3 years at most, audited", async () => {
    const ok = await post("ddets62", url(1), { startsOn: "2025-01-01", endsOn: "2027-12-31", decisionReference: "arrêté 2025-12" });
    expect(ok.statusCode).toBe(201);
    const row = await t.handle.db
      .selectFrom("ai_placement_derogation")
      .selectAll()
      .where("id", "=", ok.json().id)
      .executeTakeFirstOrThrow();
    expect([row.structure_id, row.starts_on, row.ends_on]).toEqual([1, "2025-01-01", "2027-12-31"]);
    const audit = await t.handle.db
      .selectFrom("audit_event")
      .select("action")
      .where("action", "=", "ai_placement_derogation.create")
      .execute();
    expect(audit).toHaveLength(1);
    const tooLong = await post("ddets62", url(1), { startsOn: "2025-01-01", endsOn: "2028-01-01" });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().errors[0]).toMatchObject({ field: "endsOn" });
    const notAi = await post("ddets62", url(2), { startsOn: "2025-01-01", endsOn: "2025-12-31" });
    expect(notAi.statusCode).toBe(400);
    expect(notAi.json().errors[0]).toMatchObject({ field: "structureId" });
  });

  it("is refused to anyone but the DDETS of the structure's territory, and to extra or unknown parameters", async () => {
    const body = { startsOn: "2025-01-01", endsOn: "2025-12-31" };
    expect((await post("ddets62", url(3), body)).statusCode).toBe(403);
    expect((await post("dreets32", url(1), body)).statusCode).toBe(403);
    expect((await post("ai", url(1), body)).statusCode).toBe(403);
    expect((await post("ddets62", `${url(1)}?structureId=3`, body)).statusCode).toBe(400);
    expect((await post("ddets62", url(1), { ...body, structureId: 3 })).statusCode).toBe(400);
    expect((await app.inject({ method: "POST", url: url(1), payload: body })).statusCode).toBe(401);
    expect(await t.handle.db.selectFrom("ai_placement_derogation").select("id").execute()).toHaveLength(1);
  });
});
