// API of the fiches salarié page: validation errors per salarié and field, export of the valid fiches
// (file as the CLI writes it, recorded as sent, audited), policy structure:declare.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildDataset, type Dataset, NIR } from "../../../test/interchange-export/dataset.js";
import { type TestUser, testApp, userWithSession } from "../../../test/api/support/apiKit.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/testDb.js";
import type { App } from "../context.js";
import { COMPLETE_FICHE_FIELDS } from "../../../test/support/ficheSalarie.js";

let t: TestDatabase;
let app: App;
let data: Dataset;
let member: TestUser;
let other: TestUser;
let ddets: TestUser;

beforeAll(async () => {
  t = await createTestDatabase();
  data = await buildDataset(t.handle);
  member = await userWithSession(t, { email: "staff@aci.test", role: "siae", structureIds: [data.aci] });
  other = await userWithSession(t, { email: "staff@ai.test", role: "siae", structureIds: [data.ai] });
  ddets = await userWithSession(t, { email: "agent@ddets62.test", role: "departemental", departementCode: "62" });
  app = await testApp(t);
});
afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

const validation = (u: TestUser, id = data.aci) =>
  app.inject({ url: `/api/v1/structures/${id}/fiches-salarie/validation`, headers: u.headers });
const complement = (u: TestUser, structureId = data.aci, contractId = data.contract) =>
  app.inject({ url: `/api/v1/structures/${structureId}/fiches-salarie/${contractId}/complement`, headers: u.headers });
const saveComplement = (u: TestUser, fields: Record<string, unknown>, structureId = data.aci, contractId = data.contract) =>
  app.inject({
    method: "PATCH",
    url: `/api/v1/structures/${structureId}/fiches-salarie/${contractId}/complement`,
    headers: u.headers,
    payload: fields,
  });
const exportFiches = (u: TestUser, id = data.aci) =>
  app.inject({ method: "POST", url: `/api/v1/structures/${id}/fiches-salarie/exports`, headers: u.headers });

describe("fiches salarié API", () => {
  it("validation: every error per salarié and per ASP field, in French, nothing written; audited", async () => {
    const res = await validation(member);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ structureId: data.aci, valid: 0, creations: 0 });
    expect(body.invalid).toHaveLength(1);
    expect(body.invalid[0]).toMatchObject({ personId: data.person, salarie: "Lefèvre-Dupont Zoé", movement: "C" });
    const fields = body.invalid[0].errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(["personnePhysique.codeComInsee", "situationSalarie.inscritPoleEmploi"]));
    for (const e of body.invalid[0].errors) expect(e.message).toMatch(/[a-zàéè]/);
    expect(res.body).not.toContain(NIR);
    expect((await sql<{ n: number }>`SELECT count(*)::int AS n FROM fiche_salarie`.execute(t.handle.db)).rows[0]?.n).toBe(0);
    const audit = await t.handle.db
      .selectFrom("audit_event")
      .select(["action", "structure_id"])
      .where("action", "=", "fiche_salarie.validate")
      .execute();
    expect(audit).toEqual([{ action: "fiche_salarie.validate", structure_id: data.aci }]);
  });

  it("export with no valid fiche: 409 problem+json naming the fiches in error", async () => {
    const res = await exportFiches(member);
    expect(res.statusCode).toBe(409);
    expect(res.headers["content-type"]).toContain("application/problem+json");
    expect(res.json().detail).toMatch(/1 fiche\(s\) en erreur/);
  });

  it("complement of a hiring: read and saved by the structure's members within their structure only; audited without identifiers", async () => {
    const before = await complement(member);
    expect(before.statusCode).toBe(200);
    expect(before.json()).toMatchObject({ contractId: data.contract, personId: data.person, structureKind: "ACI", data: {} });
    // Attacker's variants: another SIAE, a State agent, another structure's path, a renewal, unknown keys, bad codes.
    expect((await complement(other)).statusCode).toBe(403);
    expect((await complement(ddets)).statusCode).toBe(403);
    expect((await complement(other, data.ai)).statusCode).toBe(404);
    expect((await complement(member, data.aci, data.renewal)).statusCode).toBe(404);
    expect((await saveComplement(other, { salarieMobilite: true }, data.ai)).statusCode).toBe(404);
    expect((await saveComplement(other, { salarieMobilite: true })).statusCode).toBe(403);
    const unknownKey = await saveComplement(member, { salarieMobilite: true, structure_id: data.ai });
    expect(unknownKey.statusCode).toBe(400);
    const badCode = await saveComplement(member, { salarieSansEmploiDepuis: "09" });
    expect(badCode.statusCode).toBe(400);
    expect(badCode.body).toContain("salarieSansEmploiDepuis");
    const unknownCommune = await saveComplement(member, { birthCommuneCode: "99999" });
    expect(unknownCommune.statusCode).toBe(400);
    expect(unknownCommune.body).toContain("commune inconnue");
    expect((await complement(member)).json().data).toEqual({});

    const saved = await saveComplement(member, { ...COMPLETE_FICHE_FIELDS, salarieMobilite: true });
    expect(saved.statusCode).toBe(200);
    expect(saved.json().data).toMatchObject({ ...COMPLETE_FICHE_FIELDS, salarieMobilite: true });
    // null erases one field, the others stay.
    const erased = await saveComplement(member, { numeroIDE: null, salarieMobilite: false });
    expect(erased.json().data.numeroIDE).toBeUndefined();
    expect(erased.json().data).toMatchObject({ birthCommuneCode: "62178", salarieMobilite: false });
    await saveComplement(member, { numeroIDE: COMPLETE_FICHE_FIELDS.numeroIDE });
    const audit = await t.handle.db.selectFrom("audit_event").selectAll().where("action", "=", "fiche_salarie.complete").execute();
    expect(audit.length).toBe(3);
    expect(audit.every((a) => Number(a.structure_id) === data.aci && Number(a.person_id) === data.person)).toBe(true);
    const trail = JSON.stringify(audit);
    expect(trail).not.toContain(NIR);
    expect(trail).not.toContain("Lefèvre");
  });

  it("once the fiche is complete: validation clean, export downloads the RIAE_FS batch and records it as sent", async () => {
    expect((await validation(member)).json()).toMatchObject({ valid: 1, creations: 1, invalid: [] });
    const res = await exportFiches(member);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-disposition"]).toMatch(/attachment; filename="RIAE_FS_\d{14}\.json"/);
    expect(res.headers["x-fiches-envoyees"]).toBe("1");
    const batch = res.json();
    expect(batch.lignesTelechargement).toHaveLength(1);
    expect(batch.lignesTelechargement[0]).toMatchObject({
      typeMouvement: "C",
      mesure: "ACI_DC",
      personnePhysique: { salarieNIR: NIR, passIae: data.passNumber },
    });
    const stored = await sql<{ status: string }>`SELECT status FROM fiche_salarie`.execute(t.handle.db);
    expect(stored.rows).toEqual([{ status: "SENT" }]);
    // The request's own audit row is written by the onResponse hook, just after the answer.
    await vi.waitFor(async () => {
      const audit = await t.handle.db
        .selectFrom("audit_event")
        .select("action")
        .where("action", "in", ["fiche_salarie.send", "POST /api/v1/structures/:structureId/fiches-salarie/exports"])
        .execute();
      expect(audit.map((a) => a.action).sort()).toEqual([
        "POST /api/v1/structures/:structureId/fiches-salarie/exports",
        "fiche_salarie.send",
      ]);
    });
    // Sent: nothing left to send until the ASP's return file.
    expect((await validation(member)).json()).toMatchObject({ valid: 0, awaitingReturn: 1, invalid: [] });
    expect((await exportFiches(member)).statusCode).toBe(409);
  });

  it("only members of the structure (and admins): other SIAE and State agents are refused", async () => {
    expect((await validation(other)).statusCode).toBe(403);
    expect((await exportFiches(other)).statusCode).toBe(403);
    expect((await validation(ddets)).statusCode).toBe(403);
    expect((await app.inject({ url: `/api/v1/structures/${data.aci}/fiches-salarie/validation` })).statusCode).toBe(401);
    expect((await validation(member, 987654)).statusCode).toBe(404);
    expect((await app.inject({ url: "/api/v1/structures/abc/fiches-salarie/validation", headers: member.headers })).statusCode).toBe(400);
  });
});
