// The financing request cycle on the database: draft (pre-filled by last year's dialogue), file, instruct,
// propose (amount by the domain), CDIAE opinion, decision creating the renewed AF; attachments; audit.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/testDb.js";
import { fixedClock } from "../domain/calendar/clock.js";
import { afTotal } from "../domain/conventions/amounts.js";
import { testCipher } from "../security/personalData.js";
import { createFinancialAnnex } from "./createFinancialAnnex.js";
import { createStructure } from "./createStructure.js";
import { saveDialogueSheet, setNotifiedEnvelope } from "./dialogueSheet.js";
import {
  addRequestAttachment,
  decideFinancing,
  MAX_ATTACHMENT_BYTES,
  moveFinancingRequest,
  proposeFinancing,
  saveRequestDraft,
} from "./financingRequests.js";
import { OperationInputError, type OperationDeps } from "./types.js";
import type { Db } from "../db/schema.js";

let t: TestDatabase;
const siae: OperationDeps = { clock: fixedClock("2020-10-01"), pii: testCipher(), actor: { userId: null, label: "siae-test" } };
const ddets: OperationDeps = { ...siae, actor: { userId: null, label: "ddets-test" } };
const run = <T>(fn: (db: Db) => Promise<T>): Promise<T> => t.handle.withTransaction(({ db }) => fn(db));
const issuesOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    if (e instanceof OperationInputError) return e.issues.map((i) => `${i.field}: ${i.reason}`).join(" | ");
    throw e;
  }
  throw new Error("expected an OperationInputError");
};

let structureId = 0;
let lastAnnexNumber = "";

beforeAll(async () => {
  t = await createTestDatabase();
  structureId = (
    await run((db) => createStructure(db, ddets, { kind: "ACI", name: "ACI cycle", siret: "41071771400035", departementCode: "62" }))
  ).id;
  lastAnnexNumber = (
    await run((db) =>
      createFinancialAnnex(db, ddets, { structureId, state: "VALIDE", startsOn: "2020-01-01", endsOn: "2020-12-31", etp: "10" }),
    )
  ).number;
});
afterAll(async () => {
  await t?.destroy();
});

describe("financing request cycle", () => {
  let requestId = 0;

  it("pre-fills a new request with the objectives agreed in last year's dialogue, edits it while a draft", async () => {
    await run((db) =>
      saveDialogueSheet(db, ddets, {
        structureId,
        year: 2020,
        conclusions: "Bons résultats, accompagnement à renforcer.",
        nextObjectives: { etp: "11", dynamicRate: "55", durableRate: "22" },
      }),
    );
    const r = await run((db) => saveRequestDraft(db, siae, { structureId, year: 2021 }));
    requestId = r.id;
    expect([r.state, r.requested_etp, r.forecast_dynamic_rate, r.forecast_durable_rate]).toEqual(["brouillon", "11.00", "55.00", "22.00"]);
    const e = await run((db) =>
      saveRequestDraft(db, siae, {
        structureId,
        year: 2021,
        requestedEtp: "12",
        cofinancingDeclared: "30000",
        project: { public: "Publics très éloignés de l'emploi", activity: "Maraîchage" },
      }),
    );
    expect([e.id, e.requested_etp, e.project_activity, e.cofinancing_declared]).toEqual([requestId, "12.00", "Maraîchage", "30000.00"]);
  });

  it("accepts PDF attachments only, size-limited", async () => {
    const pdf = new TextEncoder().encode("%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n");
    const a = await run((db) => addRequestAttachment(db, siae, { requestId, fileName: "bilan-2020.pdf", content: pdf }));
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(await issuesOf(run((db) => addRequestAttachment(db, siae, { requestId, fileName: "bilan.pdf", content: png })))).toMatch(/PDF/);
    const big = new Uint8Array(MAX_ATTACHMENT_BYTES + 1);
    big.set(pdf);
    expect(await issuesOf(run((db) => addRequestAttachment(db, siae, { requestId, fileName: "gros.pdf", content: big })))).toMatch(
      /trop lourd/,
    );
    expect(await issuesOf(run((db) => addRequestAttachment(db, siae, { requestId, fileName: "../x.pdf", content: pdf })))).toMatch(
      /fileName/,
    );
  });

  it("lets each actor do only its own steps", async () => {
    expect(await issuesOf(run((db) => moveFinancingRequest(db, ddets, { requestId, action: "file", by: "ddets" })))).toMatch(
      /revient à la structure/,
    );
    const filed = await run((db) => moveFinancingRequest(db, siae, { requestId, action: "file", by: "siae", comment: "Dépôt" }));
    expect(filed.state).toBe("deposee");
    expect(await issuesOf(run((db) => saveRequestDraft(db, siae, { structureId, year: 2021, requestedEtp: "20" })))).toMatch(
      /plus modifiable/,
    );
    expect(await issuesOf(run((db) => moveFinancingRequest(db, ddets, { requestId, action: "return", by: "ddets" })))).toMatch(
      /commentaire/,
    );
    expect(await issuesOf(run((db) => proposeFinancing(db, ddets, { requestId, by: "ddets", proposedEtp: "11" })))).toMatch(/impossible/);
    await run((db) => moveFinancingRequest(db, ddets, { requestId, action: "instruct", by: "ddets" }));
    expect(await issuesOf(run((db) => proposeFinancing(db, siae, { requestId, by: "siae", proposedEtp: "11" })))).toMatch(/DDETS/);
  });

  it("proposes ETP with an amount computed from the barème (ACI 2021: 20 642 €/ETP), never typed", async () => {
    const p = await run((db) =>
      proposeFinancing(db, ddets, { requestId, by: "ddets", proposedEtp: "11.5", modulationPercent: "4", comment: "Au vu du dialogue" }),
    );
    expect(p.state).toBe("proposee");
    expect(p.proposed_amount).toBe(afTotal("11.5", "20642", 12).toFixed(2));
    expect(p.proposed_amount).toBe("237383.00");
    expect(
      await issuesOf(run((db) => proposeFinancing(db, ddets, { requestId, by: "ddets", proposedEtp: "11.5", modulationPercent: "12" }))),
    ).toMatch(/modulationPercent/);
    expect(await issuesOf(run((db) => moveFinancingRequest(db, ddets, { requestId, action: "cdiae", by: "ddets" })))).toMatch(/avis/);
    const c = await run((db) =>
      moveFinancingRequest(db, ddets, { requestId, action: "cdiae", by: "ddets", opinion: "favorable", sessionOn: "2020-12-03" }),
    );
    expect([c.state, c.cdiae_opinion, c.cdiae_session_on]).toEqual(["avis_cdiae", "favorable", "2020-12-03"]);
  });

  it("decides: renews the AF (A+1) with the domain's amount, co-financing split, forecast objectives", async () => {
    const d = await run((db) =>
      decideFinancing(db, ddets, { requestId, by: "ddets", decision: "partiellement_accordee", comment: "Arrêté" }),
    );
    expect(d.state).toBe("decidee");
    expect(d.decided_etp).toBe("11.50");
    expect(d.annexNumber).toBe(lastAnnexNumber.replace("A0M0", "A1M0"));
    const af = await t.handle.db
      .selectFrom("financial_annex")
      .selectAll()
      .where("id", "=", d.annex_id as number)
      .executeTakeFirstOrThrow();
    expect([af.state, af.etp, af.total_amount, af.unit_amount, af.modulation_percent, af.modulated_amount]).toEqual([
      "VALIDE",
      "11.50",
      "237383.00",
      "20642.00",
      "4.00",
      "9495.32",
    ]);
    expect([af.forecast_dynamic_rate, af.forecast_durable_rate, af.cofinanced_amount]).toEqual(["55.00", "22.00", "30000.00"]);
    const funding = await t.handle.db.selectFrom("financial_annex_funding").selectAll().where("annex_id", "=", af.id).execute();
    expect(Object.fromEntries(funding.map((f) => [f.funding_line_code, f.amount]))).toEqual({
      ETAT_DROIT_COMMUN: "207383.00",
      CONSEIL_DEPARTEMENTAL: "30000.00",
    });
  });

  it("records every step with its comment, and audits it", async () => {
    const events = await t.handle.db
      .selectFrom("financing_request_event")
      .select(["from_state", "to_state", "comment", "actor_label"])
      .where("request_id", "=", requestId)
      .orderBy("id")
      .execute();
    expect(events.map((e) => `${e.from_state}>${e.to_state}`)).toEqual([
      "null>brouillon",
      "brouillon>deposee",
      "deposee>en_instruction",
      "en_instruction>proposee",
      "proposee>avis_cdiae",
      "avis_cdiae>decidee",
    ]);
    expect(events[1]?.comment).toBe("Dépôt");
    expect(events[5]?.actor_label).toBe("ddets-test");
    const audit = await t.handle.db
      .selectFrom("audit_event")
      .select("action")
      .where("entity", "=", "financing_request")
      .where("entity_id", "=", String(requestId))
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual(
      [
        "financing_request.attach",
        "financing_request.cdiae",
        "financing_request.create",
        "financing_request.decide",
        "financing_request.file",
        "financing_request.instruct",
        "financing_request.propose",
        "financing_request.update",
      ].sort(),
    );
  });

  it("keeps an AF decided before the year's arrêté PROVISOIRE, and a refusal creates none", async () => {
    const r = await run((db) => saveRequestDraft(db, siae, { structureId, year: 2027, requestedEtp: "9" }));
    await run((db) => moveFinancingRequest(db, siae, { requestId: r.id, action: "file", by: "siae" }));
    await run((db) => moveFinancingRequest(db, ddets, { requestId: r.id, action: "instruct", by: "ddets" }));
    await run((db) => proposeFinancing(db, ddets, { requestId: r.id, by: "ddets", proposedEtp: "9" }));
    await run((db) => moveFinancingRequest(db, ddets, { requestId: r.id, action: "cdiae", by: "ddets", opinion: "reserve" }));
    const d = await run((db) => decideFinancing(db, ddets, { requestId: r.id, by: "ddets", decision: "accordee" }));
    const af = await t.handle.db
      .selectFrom("financial_annex")
      .select(["state", "number"])
      .where("id", "=", d.annex_id as number)
      .executeTakeFirstOrThrow();
    expect(af.state).toBe("PROVISOIRE");
    expect(af.number).toMatch(/A2M0$/);
    const other = (
      await run((db) => createStructure(db, ddets, { kind: "EI", name: "EI refusée", siret: "41071771400043", departementCode: "62" }))
    ).id;
    const x = await run((db) => saveRequestDraft(db, siae, { structureId: other, year: 2021, requestedEtp: "3" }));
    await run((db) => moveFinancingRequest(db, siae, { requestId: x.id, action: "file", by: "siae" }));
    await run((db) => moveFinancingRequest(db, ddets, { requestId: x.id, action: "instruct", by: "ddets" }));
    await run((db) => proposeFinancing(db, ddets, { requestId: x.id, by: "ddets", proposedEtp: "2" }));
    await run((db) => moveFinancingRequest(db, ddets, { requestId: x.id, action: "cdiae", by: "ddets", opinion: "defavorable" }));
    const refused = await run((db) =>
      decideFinancing(db, ddets, { requestId: x.id, by: "ddets", decision: "refusee", comment: "Avis défavorable" }),
    );
    expect([refused.decision, refused.annex_id, refused.decided_amount]).toEqual(["refusee", null, "0.00"]);
  });

  it("records the envelope notified per funding line", async () => {
    await run((db) =>
      setNotifiedEnvelope(db, ddets, {
        departementCode: "62",
        year: 2021,
        lines: [
          { code: "ETAT_DROIT_COMMUN", amount: "38000000" },
          { code: "ERBM", amount: "2100000" },
        ],
      }),
    );
    expect(
      await issuesOf(
        run((db) => setNotifiedEnvelope(db, ddets, { departementCode: "62", year: 2021, lines: [{ code: "XYZ", amount: "1" }] })),
      ),
    ).toMatch(/inconnue/);
    const rows = await t.handle.db.selectFrom("notified_envelope").selectAll().where("year", "=", 2021).execute();
    expect(rows).toHaveLength(2);
  });
});
