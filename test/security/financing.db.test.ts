// The DDETS year through the API, as an attacker would try it: a SIAE edits and files only its own request,
// never instructs it; the DDETS acts only in its département; other territories' ids, extra and unknown query
// keys are refused (400/403/404) and answer nothing of the other territory. Then the cycle works end to end
// through the API, every step audited.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createSession } from "../../src/server/auth/sessions.js";
import type { App } from "../../src/server/context.js";
import { testCipher } from "../../src/security/personalData.js";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";
import { buildTestApp, PERSONAS, type Persona, seedWorld, type World } from "./support/fixture.js";

let t: TestDatabase;
let app: App;
let world: World;
const sessions = new Map<Persona, Record<string, string>>();

beforeAll(async () => {
  t = await createTestDatabase();
  world = await seedWorld(t.handle.db, testCipher());
  app = await buildTestApp(t, testCipher());
  await app.ready();
  for (const who of PERSONAS) {
    const s = await createSession(t.handle.db, world.users[who].id, { ip: null, userAgent: "financing" }, new Date("2026-06-15T09:00:00Z"));
    sessions.set(who, { cookie: `passerelle_session=${s.token}`, "x-csrf-token": s.csrfToken });
  }
});
afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

async function call(who: Persona, method: "GET" | "POST", url: string, payload?: unknown) {
  const res = await app.inject({
    method,
    url,
    headers: sessions.get(who),
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
  return { status: res.statusCode, body: res.body, json: () => JSON.parse(res.body) };
}

describe("financing requests through the API", () => {
  test("attacker's variants are refused and leak nothing of the other territory", async () => {
    const s1 = world.s1;
    const s2 = world.s2;
    // SIAE of S1: another structure's request, sheet, pack.
    expect((await call("siaeAdmin", "GET", `/api/v1/structures/${s2}/financing-request?year=2026`)).status).toBe(403);
    expect((await call("siaeAdmin", "GET", `/api/v1/structures/${s2}/dialogue?year=2025`)).status).toBe(403);
    expect((await call("siaeAdmin", "POST", `/api/v1/structures/${s2}/financing-request`, { year: 2026, requestedEtp: "3" })).status).toBe(
      403,
    );
    expect((await call("siaeAdmin", "GET", "/api/v1/departements/62/cdiae?year=2026")).status).toBe(403);
    expect((await call("siaeAdmin", "GET", "/api/v1/departements/62/modulation?year=2025")).status).toBe(403);
    // DDETS 62: the other département's structure and pack.
    expect((await call("departemental", "GET", `/api/v1/structures/${s2}/dialogue?year=2025`)).status).toBe(403);
    expect((await call("departemental", "GET", "/api/v1/departements/13/cdiae?year=2026")).status).toBe(403);
    expect((await call("departemental", "GET", "/api/v1/departements/13/modulation?year=2025")).status).toBe(403);
    expect(
      (await call("departemental", "POST", `/api/v1/structures/${s2}/financing-request/steps`, { year: 2026, action: "instruct" })).status,
    ).toBe(403);
    // Extra target keys and unknown keys: 400 naming them, nothing answered.
    for (const url of [
      `/api/v1/structures/${s1}/dialogue?year=2025&structureId=${s2}`,
      `/api/v1/structures/${s1}/dialogue?year=2025&departement=13`,
      "/api/v1/departements/62/cdiae?year=2026&departement=13",
      `/api/v1/departements/62/cdiae?year=2026&structureId=${s2}`,
      "/api/v1/departements/62/modulation?year=2025&scope=nation",
      `/api/v1/structures/${s1}/financing-request?year=2026&foo=1`,
    ]) {
      const r = await call("departemental", "GET", url);
      expect(r.status, url).toBe(400);
      expect(r.body, url).not.toContain("Chantier des Calanques");
    }
    // Unknown structure: 404; body keys not in the contract: 400.
    expect((await call("admin", "GET", "/api/v1/structures/999999/dialogue?year=2025")).status).toBe(404);
    expect(
      (await call("siaeAdmin", "POST", `/api/v1/structures/${s1}/financing-request`, { year: 2026, structureId: s2, requestedEtp: "2" }))
        .status,
    ).toBe(400);
    // Conseil départemental and State agents other than the DDETS do not act on requests.
    expect(
      (await call("conseil_departemental", "POST", `/api/v1/structures/${s1}/financing-request/steps`, { year: 2026, action: "instruct" }))
        .status,
    ).toBe(403);
    expect(
      (await call("national", "POST", `/api/v1/structures/${s1}/financing-request/steps`, { year: 2026, action: "instruct" })).status,
    ).toBe(403);
  });

  test("the cycle end to end: SIAE drafts, attaches, files; DDETS instructs, proposes, records the opinion and decides", async () => {
    const s1 = world.s1;
    const draft = await call("siaeAdmin", "POST", `/api/v1/structures/${s1}/financing-request`, {
      year: 2026,
      requestedEtp: "3",
      project: { activity: "Maraîchage biologique" },
    });
    expect(draft.status, draft.body).toBe(200);
    expect(draft.json()).toMatchObject({ state: "brouillon", requestedEtp: "3.00" });
    const pdf = Buffer.from("%PDF-1.4\n%%EOF\n").toString("base64");
    expect(
      (
        await call("siaeMember", "POST", `/api/v1/structures/${s1}/financing-request/attachments`, {
          year: 2026,
          fileName: "bilan.pdf",
          contentBase64: pdf,
        })
      ).status,
    ).toBe(201);
    const exe = Buffer.from("MZ\x90\x00").toString("base64");
    expect(
      (
        await call("siaeMember", "POST", `/api/v1/structures/${s1}/financing-request/attachments`, {
          year: 2026,
          fileName: "x.pdf",
          contentBase64: exe,
        })
      ).status,
    ).toBe(400);
    // The SIAE may not instruct its own request; the DDETS may not file it.
    expect(
      (await call("siaeAdmin", "POST", `/api/v1/structures/${s1}/financing-request/steps`, { year: 2026, action: "instruct" })).status,
    ).toBe(403);
    expect((await call("departemental", "POST", `/api/v1/structures/${s1}/financing-request/file`, { year: 2026 })).status).toBe(403);
    expect(
      (await call("siaeAdmin", "POST", `/api/v1/structures/${s1}/financing-request/file`, { year: 2026, comment: "Dépôt" })).json(),
    ).toMatchObject({
      state: "deposee",
    });
    const step = (body: object) =>
      call("departemental", "POST", `/api/v1/structures/${s1}/financing-request/steps`, { year: 2026, ...body });
    expect((await step({ action: "propose", proposedEtp: "3" })).status).toBe(400);
    expect((await step({ action: "instruct" })).json()).toMatchObject({ state: "en_instruction" });
    const proposed = (await step({ action: "propose", proposedEtp: "2.5", modulationPercent: "3" })).json();
    expect(proposed.state).toBe("proposee");
    expect(Number(proposed.proposedAmount)).toBeGreaterThan(0);
    expect((await step({ action: "cdiae", opinion: "favorable", sessionOn: "2025-12-04" })).json()).toMatchObject({ state: "avis_cdiae" });
    const pack = (await call("departemental", "GET", "/api/v1/departements/62/cdiae?year=2026")).json();
    expect(pack.requests.map((r: { structureId: number }) => r.structureId)).toEqual([s1]);
    expect(pack.requests[0]).toMatchObject({ state: "avis_cdiae", proposedEtp: "2.50", proposedAmount: proposed.proposedAmount });
    const decided = (await step({ action: "decide", decision: "partiellement_accordee", comment: "Arrêté préfectoral" })).json();
    expect(decided).toMatchObject({
      state: "decidee",
      decision: "partiellement_accordee",
      decidedEtp: "2.50",
      decidedAmount: proposed.proposedAmount,
    });
    expect(decided.annexId).not.toBeNull();
    const history = (await call("siaeMember", "GET", `/api/v1/structures/${s1}/financing-request?year=2026`)).json();
    expect(history.events.map((e: { to: string }) => e.to)).toEqual([
      "brouillon",
      "deposee",
      "en_instruction",
      "proposee",
      "avis_cdiae",
      "decidee",
    ]);
    expect(history.attachments).toHaveLength(1);
    const audit = await t.handle.db
      .selectFrom("audit_event")
      .select(["action", "actor_label"])
      .where("entity", "=", "financing_request")
      .execute();
    expect(audit.filter((a) => a.action === "financing_request.decide")[0]?.actor_label).toMatch(/@/);
  });
  test("downloads, envelope and grid: only the SIAE and the DDETS of the territory; other ids and keys refused", async () => {
    const s1 = world.s1;
    const s2 = world.s2;
    const request = (await call("siaeMember", "GET", `/api/v1/structures/${s1}/financing-request?year=2026`)).json();
    const attachmentId = request.attachments[0]?.id;
    expect(attachmentId).toBeDefined();
    const file = `/api/v1/structures/${s1}/financing-request/attachments/${attachmentId}`;
    for (const who of ["siaeMember", "departemental", "admin"] as const) {
      const r = await app.inject({ method: "GET", url: file, headers: sessions.get(who) });
      expect(r.statusCode, who).toBe(200);
      expect(r.headers["content-type"]).toMatch(/application\/pdf/);
      expect(r.rawPayload.subarray(0, 5).toString()).toBe("%PDF-");
    }
    // The conseil départemental and the other State agents read the request, not the SIAE's files.
    for (const who of ["conseil_departemental", "national", "regional"] as const)
      expect((await call(who, "GET", file)).status, who).toBe(403);
    // The attachment through another structure's path: refused (not mine) or not found (not that structure's).
    expect((await call("siaeAdmin", "GET", `/api/v1/structures/${s2}/financing-request/attachments/${attachmentId}`)).status).toBe(403);
    expect((await call("admin", "GET", `/api/v1/structures/${s2}/financing-request/attachments/${attachmentId}`)).status).toBe(404);
    expect((await call("siaeMember", "GET", `${file}?structureId=${s2}`)).status).toBe(400);
    // The list of a structure's requests.
    expect(
      (await call("siaeMember", "GET", `/api/v1/structures/${s1}/financing-requests`)).json().map((r: { year: number }) => r.year),
    ).toEqual([2026]);
    expect((await call("siaeAdmin", "GET", `/api/v1/structures/${s2}/financing-requests`)).status).toBe(403);
    // Documents: the sheet for its readers, the pack for the State agents of the territory.
    const sheetPdf = await app.inject({
      method: "GET",
      url: `/api/v1/structures/${s1}/dialogue/document?year=2025&format=pdf`,
      headers: sessions.get("siaeMember"),
    });
    expect(sheetPdf.statusCode, sheetPdf.body).toBe(200);
    expect(sheetPdf.rawPayload.subarray(0, 5).toString()).toBe("%PDF-");
    expect((await call("siaeAdmin", "GET", `/api/v1/structures/${s2}/dialogue/document?year=2025&format=pdf`)).status).toBe(403);
    expect((await call("siaeAdmin", "GET", `/api/v1/structures/${s1}/dialogue/document?year=2025&format=docx`)).status).toBe(400);
    const packXlsx = await app.inject({
      method: "GET",
      url: "/api/v1/departements/62/cdiae/document?year=2026&format=xlsx",
      headers: sessions.get("departemental"),
    });
    expect(packXlsx.statusCode).toBe(200);
    expect(packXlsx.rawPayload.subarray(0, 2).toString()).toBe("PK");
    expect((await call("departemental", "GET", "/api/v1/departements/13/cdiae/document?year=2026&format=pdf")).status).toBe(403);
    expect((await call("siaeAdmin", "GET", "/api/v1/departements/62/cdiae/document?year=2026&format=pdf")).status).toBe(403);
    // The envelope: the DDETS of the département only; the lines' amounts as the pack then shows them.
    const envelope = { year: 2026, lines: [{ code: "ETAT_DROIT_COMMUN", amount: "100000" }] };
    expect((await call("siaeAdmin", "POST", "/api/v1/departements/62/envelope", envelope)).status).toBe(403);
    expect((await call("national", "POST", "/api/v1/departements/62/envelope", envelope)).status).toBe(403);
    expect((await call("departemental", "POST", "/api/v1/departements/13/envelope", envelope)).status).toBe(403);
    expect((await call("departemental", "POST", "/api/v1/departements/62/envelope", { ...envelope, departement: "13" })).status).toBe(400);
    expect(
      (await call("departemental", "POST", "/api/v1/departements/62/envelope", { year: 2026, lines: [{ code: "INCONNUE", amount: "1" }] }))
        .status,
    ).toBe(400);
    expect((await call("departemental", "POST", "/api/v1/departements/62/envelope", envelope)).status).toBe(200);
    const pack = (await call("departemental", "GET", "/api/v1/departements/62/cdiae?year=2026")).json();
    expect(pack.envelope.notifiedTotal).toBe("100000.00");
    // The grid: read by the State agents of the territory, a new version per save by the DDETS, validated by the domain.
    const grid = (await call("departemental", "GET", "/api/v1/departements/62/modulation-grid?year=2026")).json();
    expect(grid.version).toBeNull();
    expect((await call("departemental", "GET", "/api/v1/departements/13/modulation-grid?year=2026")).status).toBe(403);
    expect((await call("siaeAdmin", "GET", "/api/v1/departements/62/modulation-grid?year=2026")).status).toBe(403);
    const heavier = grid.criteria.map((c: { weight: number }) => ({ ...c, weight: c.weight + 1 }));
    const refused = await call("departemental", "POST", "/api/v1/departements/62/modulation-grid", { year: 2026, criteria: heavier });
    expect(refused.status).toBe(400);
    expect(refused.body).toContain("10");
    const lighter = grid.criteria.map((c: { weight: number }, i: number) => ({ ...c, weight: i === 0 ? 1 : c.weight }));
    expect((await call("national", "POST", "/api/v1/departements/62/modulation-grid", { year: 2026, criteria: lighter })).status).toBe(403);
    const saved = (
      await call("departemental", "POST", "/api/v1/departements/62/modulation-grid", { year: 2026, criteria: lighter })
    ).json();
    expect(saved.version).toBe(1);
    const after = (await call("departemental", "GET", "/api/v1/departements/62/modulation-grid?year=2026")).json();
    expect(after.version).toBe(1);
    expect(after.criteria[0].weight).toBe(1);
    expect(after.versions).toHaveLength(1);
    const audit = await t.handle.db
      .selectFrom("audit_event")
      .select("action")
      .where("action", "in", ["modulation_grid.save", "notified_envelope.set"])
      .execute();
    expect(new Set(audit.map((a) => a.action))).toEqual(new Set(["modulation_grid.save", "notified_envelope.set"]));
  });
  test("a conseil départemental reads the requests and sheets of the structures it co-finances, and only those", async () => {
    const s1 = world.s1;
    const urls = [
      `/api/v1/structures/${s1}/financing-request?year=2026`,
      `/api/v1/structures/${s1}/financing-requests`,
      `/api/v1/structures/${s1}/dialogue?year=2025`,
      `/api/v1/structures/${s1}/dialogue/document?year=2025&format=xlsx`,
    ];
    // Its département's structure, which it does not co-finance: nothing of it.
    for (const url of urls) {
      const r = await call("conseil_departemental", "GET", url);
      expect(r.status, url).toBe(403);
      expect(r.body, url).not.toContain("Atelier du Littoral");
    }
    // Once an AF of the structure carries a funding line of the département, the council reads them.
    await t.handle.db
      .insertInto("financial_annex_funding")
      .values({ annex_id: world.a1, funding_line_code: "CONSEIL_DEPARTEMENTAL", amount: "1000" })
      .execute();
    for (const url of urls) expect((await call("conseil_departemental", "GET", url)).status, url).toBe(200);
    await t.handle.db
      .deleteFrom("financial_annex_funding")
      .where("annex_id", "=", world.a1)
      .where("funding_line_code", "=", "CONSEIL_DEPARTEMENTAL")
      .execute();
    // The State agents of the territory are not limited.
    for (const url of urls) expect((await call("regional", "GET", url)).status, url).toBe(200);
  });
});
