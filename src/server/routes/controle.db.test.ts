// Contrôle a posteriori through the API, on both engines: a campaign drawn by the DDETS is recorded with its seed
// and replays the same sample; the SIAE adds proofs (type and size checked) and transmits; the DDETS accepts or
// refuses each criterion, the adversarial phase, the final decision and its consequences; deadlines and what is
// overdue; every step audited; the scope rules (another département's DDETS, another SIAE, a DREETS, ids of
// another territory, extra target parameters, unknown keys).
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testContext, type TestUser, userWithSession } from "../../../test/api/support/apiKit.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/testDb.js";
import { numberToSelect, sampleSize } from "../../domain/controle/sampling.js";
import { controleSample } from "../../queries/controle.js";
import { buildApp } from "../app.js";
import type { App } from "../context.js";

let t: TestDatabase;
let app: App;
let today = "2020-01-15";
const users: Record<string, TestUser> = {};
const PDF = Buffer.from("%PDF-1.4\n% justificatif\n%%EOF\n");
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);

beforeAll(async () => {
  t = await createTestDatabase();
  const db = t.handle.db;
  // Structures 1–10: ACI of 62 with 2 to 11 auto-prescribed hirings in 2019; 11: ACI of 59 with 6.
  await sql`INSERT INTO structure (id, kind, asp_id, name, departement_code) OVERRIDING SYSTEM VALUE VALUES ${sql.join(
    Array.from({ length: 11 }, (_, i) => sql`(${i + 1}, 'ACI', ${i + 1}, ${`Structure ${i + 1}`}, ${i === 10 ? "59" : "62"})`),
  )}`.execute(db);
  let n = 0;
  for (let s = 1; s <= 11; s++) {
    const count = s === 11 ? 6 : s + 1;
    for (let k = 0; k < count; k++) {
      const id = ++n;
      const start = `2019-${String((k % 12) + 1).padStart(2, "0")}-01`;
      await sql`INSERT INTO person (id, nir_hash) OVERRIDING SYSTEM VALUE VALUES (${id}, ${id.toString(16).padStart(64, "0")})`.execute(db);
      await sql`INSERT INTO eligibility_diagnosis (id, person_id, author_kind, author_structure_id, made_on, expires_on)
        OVERRIDING SYSTEM VALUE VALUES (${id}, ${id}, 'siae', ${s}, ${start}::date - 10, ${start}::date + 80)`.execute(db);
      // Two criteria to justify and, on every third hiring, a certified one (accepted without proof).
      await sql`INSERT INTO eligibility_diagnosis_criterion (diagnosis_id, criterion_code, certified) VALUES
        (${id}, 'DETLD', false), (${id}, 'ASE', false), (${id}, 'RSA', ${id % 3 === 0})`.execute(db);
      await sql`INSERT INTO approval (id, person_id, starts_on, ends_on, diagnosis_id) OVERRIDING SYSTEM VALUE VALUES
        (${id}, ${id}, ${start}::date, '2021-12-31', ${id})`.execute(db);
      await sql`INSERT INTO contract (id, person_id, structure_id, rank, mesure_code, contract_type, starts_on, approval_id)
        OVERRIDING SYSTEM VALUE VALUES (${id}, ${id}, ${s}, 0, 'ACI_DC', 'CDDI', ${start}::date, ${id})`.execute(db);
    }
  }
  users.ddets62 = await userWithSession(t, { email: "agent@ddets62.test", role: "departemental", departementCode: "62" });
  users.ddets59 = await userWithSession(t, { email: "agent@ddets59.test", role: "departemental", departementCode: "59" });
  users.dreets32 = await userWithSession(t, { email: "agent@dreets32.test", role: "regional", regionCode: "32" });
  users.cd62 = await userWithSession(t, { email: "agent@cd62.test", role: "conseil_departemental", departementCode: "62" });
  for (let s = 1; s <= 11; s++)
    users[`siae${s}`] = await userWithSession(t, { email: `staff@siae${s}.test`, role: "siae", structureIds: [s] });
  app = await buildApp({ ...testContext(t), clock: { now: () => new Date(), today: () => today } });
});
afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

const call = (who: string, method: "GET" | "POST", url: string, payload?: unknown) =>
  app.inject({ method, url, headers: users[who]?.headers ?? {}, ...(payload !== undefined ? { payload: payload as object } : {}) });

interface Created {
  id: number;
  seed: number;
  eligible: number;
  selected: { structureId: number; sampled: number[] }[];
}
let campaign: Created;
let mine = 0;

describe("drawing a campaign", () => {
  it("records the draw with its seed: the same seed samples the same hirings; proportions within the rules", async () => {
    const res = await call("ddets62", "POST", "/api/v1/departements/62/controle-campaigns", {
      from: "2019-01-01",
      to: "2019-12-31",
      seed: 4242,
    });
    expect(res.statusCode, res.body).toBe(201);
    campaign = res.json();
    expect(campaign.eligible).toBe(10);
    expect(campaign.selected).toHaveLength(numberToSelect(10, 30));
    const replay = await controleSample(t.handle.db, "62", "2019-01-01", "2019-12-31", 4242, 30);
    expect(campaign.selected).toEqual(replay.selected.map((s) => ({ structureId: s.structureId, sampled: s.sampled })));
    for (const s of campaign.selected) expect(s.sampled).toHaveLength(sampleSize(s.structureId + 1));
    const stored = await t.handle.db
      .selectFrom("controle_hiring")
      .select(["structure_id", "contract_id"])
      .where("campaign_id", "=", campaign.id)
      .orderBy("contract_id")
      .execute();
    expect(stored.map((h) => Number(h.contract_id))).toEqual(campaign.selected.flatMap((s) => s.sampled).sort((a, b) => a - b));
    mine = campaign.selected[0]?.structureId ?? 0;
    const audit = await t.handle.db.selectFrom("audit_event").select(["action", "after"]).where("action", "=", "controle.create").execute();
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0]?.after)).toContain('"seed":4242');
  });

  it("refuses an overlapping period, a period not yet over, a percent outside 20–40, and non-DDETS callers", async () => {
    const overlap = await call("ddets62", "POST", "/api/v1/departements/62/controle-campaigns", { from: "2019-06-01", to: "2019-07-31" });
    expect(overlap.statusCode).toBe(400);
    expect(overlap.body).toContain("une campagne couvre déjà cette période");
    expect(
      (await call("ddets62", "POST", "/api/v1/departements/62/controle-campaigns", { from: "2020-01-01", to: "2020-03-31" })).statusCode,
    ).toBe(400);
    expect(
      (await call("ddets62", "POST", "/api/v1/departements/62/controle-campaigns", { from: "2018-01-01", to: "2018-12-31", percent: 50 }))
        .statusCode,
    ).toBe(400);
    for (const who of ["ddets59", "dreets32", "cd62", "siae1"])
      expect(
        (await call(who, "POST", "/api/v1/departements/62/controle-campaigns", { from: "2018-01-01", to: "2018-12-31" })).statusCode,
        who,
      ).toBe(403);
    expect(
      (await call("ddets62", "POST", "/api/v1/departements/62/controle-campaigns", { from: "2018-01-01", to: "2018-12-31", extra: 1 }))
        .statusCode,
    ).toBe(400);
  });

  it("a random seed when none is given, recorded and shown", async () => {
    const res = await call("ddets59", "POST", "/api/v1/departements/59/controle-campaigns", { from: "2019-01-01", to: "2019-12-31" });
    expect(res.statusCode, res.body).toBe(201);
    const { seed, selected } = res.json() as Created;
    const replay = await controleSample(t.handle.db, "59", "2019-01-01", "2019-12-31", seed, 30);
    expect(selected).toEqual(replay.selected.map((s) => ({ structureId: s.structureId, sampled: s.sampled })));
    const list = await call("ddets59", "GET", "/api/v1/departements/59/controle-campaigns");
    expect(list.json().campaigns.map((c: { seed: number }) => c.seed)).toEqual([seed]);
  });
});

describe("the scope rules", () => {
  it("a département's campaigns: its DDETS and DREETS; not another DDETS, a CD or a SIAE; another département's id is 404", async () => {
    for (const who of ["ddets62", "dreets32"])
      expect((await call(who, "GET", `/api/v1/departements/62/controle-campaigns/${campaign.id}`)).statusCode, who).toBe(200);
    for (const who of ["ddets59", "cd62", "siae1"])
      expect((await call(who, "GET", `/api/v1/departements/62/controle-campaigns/${campaign.id}`)).statusCode, who).toBe(403);
    const other = await call("ddets59", "GET", "/api/v1/departements/59/controle-campaigns");
    const id59 = other.json().campaigns[0].id;
    expect((await call("ddets62", "GET", `/api/v1/departements/62/controle-campaigns/${id59}`)).statusCode).toBe(404);
    expect((await call("ddets62", "GET", `/api/v1/departements/62/controle-campaigns/${campaign.id}?structureId=${mine}`)).statusCode).toBe(
      400,
    );
    expect((await call("ddets62", "GET", `/api/v1/departements/62/controle-campaigns/${campaign.id}?departement=59`)).statusCode).toBe(400);
    expect((await call("ddets62", "GET", `/api/v1/departements/62/controle-campaigns?unknown=1`)).statusCode).toBe(400);
  });

  it("a structure's file: its own SIAE and the DDETS; not another SIAE nor another DDETS; not selected is 404", async () => {
    const notSelected = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].find((s) => !campaign.selected.some((x) => x.structureId === s)) ?? 0;
    expect((await call(`siae${mine}`, "GET", `/api/v1/structures/${mine}/controle-campaigns/${campaign.id}`)).statusCode).toBe(200);
    expect((await call("ddets62", "GET", `/api/v1/structures/${mine}/controle-campaigns/${campaign.id}`)).statusCode).toBe(200);
    expect((await call(`siae${notSelected}`, "GET", `/api/v1/structures/${mine}/controle-campaigns/${campaign.id}`)).statusCode).toBe(403);
    expect((await call("ddets59", "GET", `/api/v1/structures/${mine}/controle-campaigns/${campaign.id}`)).statusCode).toBe(403);
    expect(
      (await call(`siae${notSelected}`, "GET", `/api/v1/structures/${notSelected}/controle-campaigns/${campaign.id}`)).statusCode,
    ).toBe(404);
    expect((await call(`siae${notSelected}`, "GET", `/api/v1/structures/${notSelected}/controle-campaigns`)).json().campaigns).toEqual([]);
    // Another structure's id in the body or the query does not widen the target.
    expect(
      (await call(`siae${mine}`, "GET", `/api/v1/structures/${mine}/controle-campaigns/${campaign.id}?structureId=${notSelected}`))
        .statusCode,
    ).toBe(400);
    const file = (await call(`siae${mine}`, "GET", `/api/v1/structures/${mine}/controle-campaigns/${campaign.id}`)).json();
    const criterion = file.hirings[0].criteria.find((c: { certified: boolean }) => !c.certified).id;
    const foreign = await call(`siae${notSelected}`, "POST", `/api/v1/structures/${notSelected}/controle-campaigns/${campaign.id}/proofs`, {
      criterionId: criterion,
      fileName: "x.pdf",
      contentBase64: PDF.toString("base64"),
    });
    expect(foreign.statusCode).toBe(404);
    const smuggled = await call(`siae${mine}`, "POST", `/api/v1/structures/${mine}/controle-campaigns/${campaign.id}/proofs`, {
      criterionId: criterion,
      fileName: "x.pdf",
      contentBase64: PDF.toString("base64"),
      structureId: notSelected,
    });
    expect(smuggled.statusCode).toBe(400);
  });
});

describe("the workflow", () => {
  const base = () => `/api/v1/structures/${mine}/controle-campaigns/${campaign.id}`;
  const file = async (who = `siae${mine}`) => (await call(who, "GET", base())).json();
  const toJustify = async () =>
    (await file()).hirings.flatMap((h: { criteria: { id: number; certified: boolean }[] }) =>
      h.criteria.filter((c) => !c.certified).map((c) => c.id),
    ) as number[];
  const upload = (criterionId: number, content: Buffer, fileName = "justificatif.pdf", who = `siae${mine}`) =>
    call(who, "POST", `${base()}/proofs`, { criterionId, fileName, contentBase64: content.toString("base64") });

  it("the SIAE adds proofs (PDF or image, type checked on the content) and transmits once every criterion has one", async () => {
    const f = await file();
    expect(f.file.state).toBe("pieces");
    expect(f.file.due).toEqual({ party: "siae", what: "transmettre_pieces", dueOn: "2020-02-26", overdue: false });
    const certified = f.hirings.flatMap((h: { criteria: { certified: boolean; review: string }[] }) =>
      h.criteria.filter((c) => c.certified),
    );
    for (const c of certified) expect(c.review).toBe("acceptee");
    const ids = await toJustify();
    const bad = await upload(ids[0] ?? 0, Buffer.from("MZ not a pdf"), "virus.pdf");
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain("fichiers acceptés : PDF, PNG, JPEG");
    expect(
      (await call("ddets62", "POST", `${base()}/proofs`, { criterionId: ids[0], fileName: "a.pdf", contentBase64: PDF.toString("base64") }))
        .statusCode,
    ).toBe(403);
    const [first, ...rest] = ids;
    expect((await upload(first ?? 0, PNG, "photo.png")).statusCode).toBe(201);
    const early = await call(`siae${mine}`, "POST", `${base()}/submit`, {});
    expect(early.statusCode).toBe(400);
    for (const id of rest) expect((await upload(id, PDF)).statusCode).toBe(201);
    const proof = (await file()).hirings[0].criteria.find((c: { id: number }) => c.id === first).proofs[0];
    expect(proof).toMatchObject({ fileName: "photo.png", contentType: "image/png", phase: "initiale" });
    const download = await call("ddets62", "GET", `${base()}/proofs/${proof.id}`);
    expect(download.statusCode).toBe(200);
    expect(download.headers["content-type"]).toBe("image/png");
    expect(Buffer.from(download.rawPayload).equals(PNG)).toBe(true);
    const submitted = await call(`siae${mine}`, "POST", `${base()}/submit`, {});
    expect(submitted.json()).toEqual({ state: "soumis" });
    expect((await upload(first ?? 0, PDF)).statusCode).toBe(400);
  });

  it("the DDETS accepts or refuses each criterion (a refusal is motivated); the adversarial phase; the final decision", async () => {
    const ids = await toJustify();
    const [refused, ...accepted] = ids;
    expect((await call(`siae${mine}`, "POST", `${base()}/reviews`, { criterionId: refused, verdict: "acceptee" })).statusCode).toBe(403);
    expect((await call("ddets62", "POST", `${base()}/reviews`, { criterionId: refused, verdict: "refusee" })).statusCode).toBe(400);
    expect((await call("ddets62", "POST", `${base()}/close-review`, {})).statusCode).toBe(400);
    expect(
      (
        await call("ddets62", "POST", `${base()}/reviews`, { criterionId: refused, verdict: "refusee", comment: "Attestation illisible" })
      ).json(),
    ).toMatchObject({
      review: "refusee",
    });
    for (const id of accepted)
      expect((await call("ddets62", "POST", `${base()}/reviews`, { criterionId: id, verdict: "acceptee" })).statusCode).toBe(200);
    // Not decidable while a refusal awaits the adversarial phase.
    expect((await call("ddets62", "POST", `${base()}/decision`, { decision: "non_conforme", reason: "piece_incorrecte" })).statusCode).toBe(
      400,
    );
    expect((await call("ddets62", "POST", `${base()}/close-review`, {})).json()).toEqual({ state: "contradictoire" });
    const adversarial = await file();
    expect(adversarial.file.due).toMatchObject({ party: "siae", what: "transmettre_contradictoire", dueOn: "2020-05-20" });
    // Only the refused criterion takes a new proof.
    expect((await upload(accepted[0] ?? 0, PDF)).statusCode).toBe(400);
    expect((await upload(refused ?? 0, PDF, "attestation-lisible.pdf")).json()).toMatchObject({ phase: "contradictoire" });
    expect((await call(`siae${mine}`, "POST", `${base()}/submit`, {})).json()).toEqual({ state: "soumis_contradictoire" });
    expect(
      (
        await call("ddets62", "POST", `${base()}/reviews`, { criterionId: refused, verdict: "refusee", comment: "Toujours non probant" })
      ).json(),
    ).toMatchObject({
      review: "refusee_2",
    });
    expect((await call("ddets62", "POST", `${base()}/decision`, { decision: "conforme" })).statusCode).toBe(400);
    const decided = await call("ddets62", "POST", `${base()}/decision`, {
      decision: "non_conforme",
      reason: "piece_incorrecte",
      comment: "Un critère non justifié",
      trainingRequired: true,
      suspendedFrom: "2020-07-01",
      suspendedTo: "2020-12-31",
    });
    expect(decided.json()).toEqual({ state: "decide" });
    const final = await file();
    expect(final.file).toMatchObject({
      decision: "non_conforme",
      decisionReason: "piece_incorrecte",
      trainingRequired: true,
      suspendedFrom: "2020-07-01",
      due: null,
    });
    const actions = await t.handle.db
      .selectFrom("audit_event")
      .select("action")
      .where("entity", "=", "controle_campaign")
      .where("structure_id", "=", mine)
      .execute();
    const counts = new Map<string, number>();
    for (const a of actions) counts.set(a.action, (counts.get(a.action) ?? 0) + 1);
    expect(counts.get("controle.proof")).toBe(ids.length + 1);
    expect(counts.get("controle.submit")).toBe(2);
    expect(counts.get("controle.review")).toBe(ids.length + 1);
    expect(counts.get("controle.adversarial")).toBe(1);
    expect(counts.get("controle.decide")).toBe(1);
    expect(counts.get("controle.proof.read")).toBe(1);
  });

  it("a SIAE past its deadline: flagged overdue for the DDETS, no more proofs, decidable for delay", async () => {
    const other = campaign.selected[1]?.structureId ?? 0;
    const url = `/api/v1/structures/${other}/controle-campaigns/${campaign.id}`;
    today = "2020-03-01";
    try {
      const f = (await call(`siae${other}`, "GET", url)).json();
      expect(f.file.due).toMatchObject({ party: "ddets", what: "decider" });
      const c = f.hirings[0].criteria.find((k: { certified: boolean }) => !k.certified);
      expect(
        (
          await call(`siae${other}`, "POST", `${url}/proofs`, {
            criterionId: c.id,
            fileName: "late.pdf",
            contentBase64: PDF.toString("base64"),
          })
        ).statusCode,
      ).toBe(400);
      const detail = (await call("ddets62", "GET", `/api/v1/departements/62/controle-campaigns/${campaign.id}`)).json();
      expect(detail.campaign.overdue).toBe(0);
      expect(detail.reminders.find((r: { structureId: number }) => r.structureId === other)).toMatchObject({
        what: "decider",
        overdue: false,
      });
      today = "2020-07-01";
      const later = (await call("ddets62", "GET", `/api/v1/departements/62/controle-campaigns/${campaign.id}`)).json();
      expect(later.reminders.filter((r: { overdue: boolean }) => r.overdue).map((r: { structureId: number }) => r.structureId)).toContain(
        other,
      );
      expect(later.campaign.overdue).toBeGreaterThan(0);
      expect((await call("ddets62", "POST", `${url}/decision`, { decision: "conforme" })).statusCode).toBe(400);
      expect((await call("ddets62", "POST", `${url}/decision`, { decision: "non_conforme", reason: "delai" })).json()).toEqual({
        state: "decide",
      });
    } finally {
      today = "2020-01-15";
    }
  });

  it("deadlines are fixed at the draw; the DDETS extends one file's (the later ones move as much), audited; the SIAE's home shows it", async () => {
    const third = campaign.selected[2]?.structureId ?? 0;
    expect(third).toBeGreaterThan(0);
    const url = `/api/v1/structures/${third}/controle-campaigns/${campaign.id}`;
    const home = async () => (await call(`siae${third}`, "GET", `/api/v1/structures/${third}/month`)).json();
    expect((await home()).controle).toEqual([
      {
        campaignId: campaign.id,
        from: "2019-01-01",
        to: "2019-12-31",
        state: "pieces",
        due: { party: "siae", what: "transmettre_pieces", dueOn: "2020-02-26", overdue: false },
      },
    ]);
    today = "2020-03-01";
    try {
      const before = (await call(`siae${third}`, "GET", url)).json();
      expect(before.file).toMatchObject({ extended: false, deadlines: before.campaign.deadlines });
      const c = before.hirings[0].criteria.find((k: { certified: boolean }) => !k.certified);
      const proof = () =>
        call(`siae${third}`, "POST", `${url}/proofs`, { criterionId: c.id, fileName: "tard.pdf", contentBase64: PDF.toString("base64") });
      expect((await proof()).statusCode).toBe(400);
      const body = { dueOn: "2020-03-16", reason: "Structure en redressement, pièces demandées à France Travail" };
      // Only the DDETS of the département; a reason is required; never earlier than the current deadline nor in the past.
      expect((await call(`siae${third}`, "POST", `${url}/deadline`, body)).statusCode).toBe(403);
      expect((await call("ddets59", "POST", `${url}/deadline`, body)).statusCode).toBe(403);
      expect((await call("ddets62", "POST", `${url}/deadline`, { ...body, reason: "" })).statusCode).toBe(400);
      expect((await call("ddets62", "POST", `${url}/deadline`, { ...body, dueOn: "2020-02-20" })).statusCode).toBe(400);
      expect((await call("ddets62", "POST", `${url}/deadline`, { ...body, dueOn: "2020-02-28" })).statusCode).toBe(400);
      const extended = await call("ddets62", "POST", `${url}/deadline`, body);
      expect(extended.statusCode, extended.body).toBe(200);
      const d0 = before.campaign.deadlines;
      const shift = (iso: string) => new Date(Date.parse(`${iso}T00:00:00Z`) + 19 * 86_400_000).toISOString().slice(0, 10);
      expect(extended.json().deadlines).toEqual({
        proofsDueOn: "2020-03-16",
        reviewDueOn: shift(d0.reviewDueOn),
        adversarialDueOn: shift(d0.adversarialDueOn),
      });
      const after = (await call(`siae${third}`, "GET", url)).json();
      expect(after.file).toMatchObject({
        extended: true,
        due: { party: "siae", what: "transmettre_pieces", dueOn: "2020-03-16", overdue: false },
      });
      // The campaign's own deadlines and the other files are unchanged.
      expect(after.campaign.deadlines).toEqual(d0);
      expect((await proof()).statusCode).toBe(201);
      expect((await home()).controle[0].due).toEqual({ party: "siae", what: "transmettre_pieces", dueOn: "2020-03-16", overdue: false });
      const audit = await t.handle.db
        .selectFrom("audit_event")
        .select(["action", "after"])
        .where("action", "=", "controle.deadline.extend")
        .where("structure_id", "=", third)
        .execute();
      expect(audit).toHaveLength(1);
      expect(JSON.stringify(audit[0]?.after)).toContain("redressement");
      today = "2020-03-20";
      // Past the extended deadline: the DDETS may decide (for delay).
      expect((await home()).controle[0].due).toMatchObject({ party: "ddets", what: "decider" });
    } finally {
      today = "2020-01-15";
    }
  });
});
