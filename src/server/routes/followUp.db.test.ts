// API of the follow-up after exit: the SIAE's monthly work list, entering a situation, importing a CSV (all or
// nothing, errors per line naming file, line and field and never a name), who may do what (members of the
// structure only), the attacker's variants (other structure's exit, extra target parameter, unknown keys).
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestUser, testContext, userWithSession } from "../../../test/api/support/apiKit.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/testDb.js";
import { followUpDueOn } from "../../domain/followUp/followUp.js";
import { insertDataset, randomDataset } from "../../indicators/testkit/randomDataset.js";
import { buildApp } from "../app.js";
import type { App } from "../context.js";

let t: TestDatabase;
let app: App;
const users: Record<string, TestUser> = {};
let own = 0;
let other = 0;
let exitId = 0;
let otherExitId = 0;
let laterExitId = 0;
let month = "";

type ExitRow = { id: number; structure_id: number; exit_on: string };

beforeAll(async () => {
  t = await createTestDatabase();
  const ds = randomDataset(41, { structures: 14, persons: 160 });
  await t.handle.withTransaction(({ db }) => insertDataset(db, ds));
  const followed = (
    await sql<ExitRow>`SELECT e.id, e.structure_id, e.exit_on FROM exit e JOIN ref_exit_motif m ON m.code = e.motif_code
      JOIN ref_exit_category c ON c.code = m.category_code WHERE c.grp <> 'retrait' ORDER BY e.exit_on, e.id`.execute(t.handle.db)
  ).rows;
  const first = followed.find((e) => followed.some((o) => o.structure_id !== e.structure_id)) as ExitRow;
  own = Number(first.structure_id);
  exitId = Number(first.id);
  const o = followed.find((e) => Number(e.structure_id) !== own) as ExitRow;
  other = Number(o.structure_id);
  otherExitId = Number(o.id);
  const due = followUpDueOn(first.exit_on, 6);
  month = due.slice(0, 7);
  laterExitId = Number(followed.find((e) => Number(e.structure_id) === own && followUpDueOn(e.exit_on, 6).slice(0, 7) > month)?.id ?? 0);
  users.siae = await userWithSession(t, { email: "staff@siae.test", role: "siae", structureIds: [own] });
  users.otherSiae = await userWithSession(t, { email: "staff@other.test", role: "siae", structureIds: [other] });
  users.national = await userWithSession(t, { email: "agent@dgefp.test", role: "national" });
  app = await buildApp({ ...testContext(t), clock: { now: () => new Date(), today: () => due } });
});
afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

const get = (who: string, url: string) => app.inject({ url, headers: users[who]?.headers ?? {} });
const post = (who: string, url: string, payload: unknown) =>
  app.inject({ method: "POST", url, payload: payload as object, headers: users[who]?.headers ?? {} });
const list = (who = "siae", structureId = own) => get(who, `/api/v1/structures/${structureId}/follow-ups`);
const count = async () => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM follow_up`.execute(t.handle.db)).rows[0]?.n);

describe("follow-up after exit (API)", () => {
  it("lists the structure's exits due this month, enters a situation (audited) and the count goes down", async () => {
    const before = await list();
    expect(before.statusCode).toBe(200);
    const body = before.json();
    expect(body.month).toBe(month);
    const item = body.items.find((i: { exitId: number; horizon: number }) => i.exitId === exitId && i.horizon === 6);
    expect(item).toMatchObject({ situation: null, dueOn: body.today });
    const res = await post("siae", `/api/v1/structures/${own}/follow-ups`, { exitId, horizon: 6, situation: "CDI" });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ written: 1, unchanged: 0 });
    const after = (await list()).json();
    expect(after.toEnter).toBe(body.toEnter - 1);
    expect(after.items.find((i: { exitId: number; horizon: number }) => i.exitId === exitId && i.horizon === 6).situation).toBe("CDI");
    const audit = await sql<{ action: string; after: unknown }>`SELECT action, after FROM audit_event
      WHERE entity = 'follow_up' ORDER BY id`.execute(t.handle.db);
    expect(audit.rows.map((r) => r.action)).toEqual(["followUp.record"]);
    expect(audit.rows[0]?.after).toMatchObject({ exitId, horizon: 6, situation: "CDI" });
    // The same situation again writes nothing; a change is audited with what it replaces.
    expect((await post("siae", `/api/v1/structures/${own}/follow-ups`, { exitId, horizon: 6, situation: "CDI" })).json()).toEqual({
      written: 0,
      unchanged: 1,
    });
    expect((await post("siae", `/api/v1/structures/${own}/follow-ups`, { exitId, horizon: 6, situation: "FORMATION" })).statusCode).toBe(
      200,
    );
    const update = await sql<{ before: unknown }>`SELECT before FROM audit_event WHERE action = 'followUp.update'`.execute(t.handle.db);
    expect(update.rows[0]?.before).toMatchObject({ situation: "CDI" });
  });

  it("refuses another structure's exit, a follow-up not due yet, other roles and structures", async () => {
    const foreign = await post("siae", `/api/v1/structures/${own}/follow-ups`, { exitId: otherExitId, horizon: 6, situation: "CDI" });
    expect(foreign.statusCode).toBe(422);
    expect(foreign.json().errors[0]).toMatchObject({ field: "sortie" });
    if (laterExitId > 0) {
      const early = await post("siae", `/api/v1/structures/${own}/follow-ups`, { exitId: laterExitId, horizon: 6, situation: "CDI" });
      expect(early.statusCode).toBe(422);
      expect(early.json().errors[0]).toMatchObject({ field: "horizon" });
    }
    expect((await list("siae", other)).statusCode).toBe(403);
    expect((await list("otherSiae", own)).statusCode).toBe(403);
    expect((await post("otherSiae", `/api/v1/structures/${own}/follow-ups`, { exitId, horizon: 6, situation: "CDI" })).statusCode).toBe(
      403,
    );
    // State agents see rates (indicators), never the names of the work list.
    expect((await list("national")).statusCode).toBe(403);
    expect((await app.inject({ url: `/api/v1/structures/${own}/follow-ups` })).statusCode).toBe(401);
  });

  it("refuses extra target parameters and unknown keys (400 naming the parameter)", async () => {
    const extra = await get("siae", `/api/v1/structures/${own}/follow-ups?structureId=${other}`);
    expect(extra.statusCode).toBe(400);
    expect(extra.json()).toMatchObject({ parameter: "structureId" });
    expect((await get("siae", `/api/v1/structures/${own}/follow-ups?departement=62`)).statusCode).toBe(400);
    expect((await get("siae", `/api/v1/structures/${own}/follow-ups?month=2019-13`)).statusCode).toBe(400);
    const unknownBody = await post("siae", `/api/v1/structures/${own}/follow-ups`, {
      exitId,
      horizon: 6,
      situation: "CDI",
      structureId: other,
    });
    expect(unknownBody.statusCode).toBe(400);
    expect((await post("siae", `/api/v1/structures/${own}/follow-ups`, { exitId, horizon: 9, situation: "CDI" })).statusCode).toBe(400);
  });

  it("imports a CSV all or nothing, each error naming file, line and field, never a name", async () => {
    const names = (
      await sql<{ last_name: string }>`SELECT last_name FROM person WHERE last_name IS NOT NULL`.execute(t.handle.db)
    ).rows.map((r) => r.last_name);
    const n = await count();
    const bad = `sortie;horizon;situation\n${exitId};6;INACTIF\n${otherExitId};6;CDI\n${exitId};12;PARTI\n`;
    const refused = await post("siae", `/api/v1/structures/${own}/follow-ups/import`, { fileName: "suivi.csv", text: bad });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().errors.map((e: { file: string; line: number; field: string }) => [e.file, e.line, e.field])).toEqual([
      ["suivi.csv", 3, "sortie"],
      ["suivi.csv", 4, "situation"],
    ]);
    for (const name of names) expect(refused.body).not.toContain(name);
    expect(await count()).toBe(n);
    const good = await post("siae", `/api/v1/structures/${own}/follow-ups/import`, {
      fileName: "suivi.csv",
      text: `sortie;horizon;situation\r\n${exitId};6;inactif\r\n`,
    });
    expect(good.statusCode, good.body).toBe(200);
    expect(good.json()).toEqual({ written: 1, unchanged: 0, lines: 1 });
    const empty = await post("siae", `/api/v1/structures/${own}/follow-ups/import`, {
      fileName: "vide.csv",
      text: "sortie;horizon;situation\n",
    });
    expect(empty.statusCode).toBe(422);
    expect((await post("otherSiae", `/api/v1/structures/${own}/follow-ups/import`, { fileName: "x.csv", text: bad })).statusCode).toBe(403);
  });

  it("indicators: the structure's members read its follow-up figures whole, anyone else under the small-count rule", async () => {
    const url = `/api/v1/indicators?scope=structure:${own}&from=${month}-01&to=${month}-28`;
    const mine = await get("siae", url);
    expect(mine.statusCode).toBe(200);
    const six = mine.json().followUp.at6Months;
    expect(six).toMatchObject({ withheld: false, withheldReason: null });
    expect(six.known).toBeGreaterThan(0);
    const outside = (await get("national", url)).json().followUp.at6Months;
    if ((six.known ?? 0) < 5) expect(outside).toMatchObject({ known: null, employedRate: null, withheld: true });
    expect((await get("siae", `/api/v1/indicators?scope=structure:${other}&year=2019`)).statusCode).toBe(403);
  });
});
