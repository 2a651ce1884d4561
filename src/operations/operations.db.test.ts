import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cipherCells } from "../security/personalData.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/testDb.js";
import { fixedClock } from "../domain/calendar/clock.js";
import { afTotal } from "../domain/conventions/amounts.js";
import { fictitiousNir } from "../demo/fictitiousNir.js";
import { testCipher } from "../security/personalData.js";
import { addSite } from "./addSite.js";
import { addSupportAction } from "./addSupportAction.js";
import { addTraining } from "./addTraining.js";
import { createConvention } from "./createConvention.js";
import { createEligibilityDiagnosis } from "./createEligibilityDiagnosis.js";
import { type CreateFinancialAnnexInput, createFinancialAnnex } from "./createFinancialAnnex.js";
import { createPerson } from "./createPerson.js";
import { createStructure } from "./createStructure.js";
import { createStructureGroup } from "./createStructureGroup.js";
import { declareMonthlyHours } from "./declareMonthlyHours.js";
import { type HireInput, hire } from "./hire.js";
import { issueApproval } from "./issueApproval.js";
import { prolongApproval } from "./prolongApproval.js";
import { recordExit } from "./recordExit.js";
import { suspendApproval } from "./suspendApproval.js";
import { OperationInputError, type OperationDeps } from "./types.js";
import type { Db } from "../db/schema.js";

let t: TestDatabase;
const pii = testCipher();
const deps: OperationDeps = { clock: fixedClock("2019-06-15"), pii, actor: { userId: null, label: "test" } };
const run = <T>(fn: (db: Db) => Promise<T>): Promise<T> => t.handle.withTransaction(({ db }) => fn(db));
const issuesOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    if (e instanceof OperationInputError) return e.issues.map((i) => i.field);
    throw e;
  }
  throw new Error("expected an OperationInputError");
};

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.destroy();
});

describe("write operations (one transaction each, audited)", () => {
  let aci = 0;
  let ai = 0;
  let annex = 0;
  let person = 0;
  let approval = 0;
  let contract = 0;
  const nir = fictitiousNir(1, "1980-03-04", 17);

  it("creates structures (département from the commune), refuses a duplicate (SIRET, kind)", async () => {
    aci = (await run((db) => createStructure(db, deps, { kind: "ACI", name: "AVIEE test", siret: "41071771400035", communeCode: "62178" })))
      .id;
    ai = (await run((db) => createStructure(db, deps, { kind: "AI", name: "AI test", siret: "41071771400035", departementCode: "62" }))).id;
    const s = await t.handle.db.selectFrom("structure").selectAll().where("id", "=", aci).executeTakeFirstOrThrow();
    expect(s.departement_code).toBe("62");
    expect(
      await issuesOf(
        run((db) => createStructure(db, deps, { kind: "ACI", name: "doublon", siret: "41071771400035", departementCode: "62" })),
      ),
    ).toEqual(["siret"]);
    expect(
      await issuesOf(run((db) => createStructure(db, deps, { kind: "ACI", name: "x", siret: "41071771400036", departementCode: "62" }))),
    ).toEqual(["siret"]);
  });

  it("groups structures and adds a shared site", async () => {
    const g = await run((db) => createStructureGroup(db, deps, { name: "Groupe test", structureIds: [aci, ai] }));
    await run((db) =>
      addSite(db, deps, {
        groupId: g.id,
        name: "Site partagé",
        surfaceM2: 907,
        permanentStaff: 30,
        openedOn: "2019-12-02",
        communeCode: "62178",
      }),
    );
    const members = await t.handle.db.selectFrom("structure_group_member").selectAll().where("group_id", "=", g.id).execute();
    expect(members).toHaveLength(2);
    expect(await issuesOf(run((db) => addSite(db, deps, { name: "ni l'un ni l'autre" })))).toEqual(["structureId"]);
  });

  it("takes the barème of the structure's territory: a Mayotte ACI gets the Mayotte amount", async () => {
    const mayotte = (
      await run((db) => createStructure(db, deps, { kind: "ACI", name: "ACI Mayotte", siret: "35600000000048", departementCode: "976" }))
    ).id;
    const af = await run((db) =>
      createFinancialAnnex(db, deps, { structureId: mayotte, startsOn: "2023-06-01", endsOn: "2023-12-31", etp: "2" }),
    );
    expect(af.unitAmount).toBe("17510.00");
  });

  it("creates a convention and an AF whose total comes from the barème; a new version historises the previous one", async () => {
    // An AF of the ACI for 2019, varied field by field.
    const aciAf2019 = (o: Omit<CreateFinancialAnnexInput, "structureId" | "startsOn" | "endsOn">) =>
      run((db) => createFinancialAnnex(db, deps, { structureId: aci, startsOn: "2019-01-01", endsOn: "2019-12-31", ...o }));
    const conv = await run((db) =>
      createConvention(db, deps, { structureId: aci, number: "062 010119 ACI 00001", startsOn: "2019-01-01", endsOn: "2021-12-31" }),
    );
    const af = await aciAf2019({
      conventionId: conv.id,
      etp: "10.5",
    });
    expect(af.unitAmount).toBe("20199.00");
    expect(af.total).toBe(afTotal("10.5", "20199", 12).toFixed(2));
    expect(af.number).toMatch(/^ACI062190001A0M0$/);
    const v2 = await aciAf2019({
      numberPrefix: "ACI062190001",
      etp: "12",
      funding: [
        { code: "ETAT_DROIT_COMMUN", amount: "200000" },
        { code: "ERBM", amount: "32388" },
        { code: "CONSEIL_DEPARTEMENTAL", amount: "10000" },
      ],
    });
    expect(v2.number).toBe("ACI062190001A0M1");
    expect(v2.historisedId).toBe(af.id);
    const rows = await t.handle.db
      .selectFrom("financial_annex")
      .select(["id", "state", "cofinanced_amount"])
      .where("structure_id", "=", aci)
      .orderBy("id")
      .execute();
    expect(rows.map((r) => r.state)).toEqual(["HISTORISE", "VALIDE"]);
    expect(rows[1]?.cofinanced_amount).toBe("10000.00");
    annex = v2.id;
    // A draft amendment (SAISI) historises nothing: the validated M1 stays the version in force.
    const draft = await aciAf2019({
      numberPrefix: "ACI062190001",
      etp: "20",
      state: "SAISI",
    });
    expect([draft.number, draft.historisedId]).toEqual(["ACI062190001A0M2", null]);
    const inForce = await t.handle.db
      .selectFrom("counting_annex" as "financial_annex")
      .select("id")
      .where("number_prefix", "=", "ACI062190001")
      .execute();
    expect(inForce.map((r) => r.id)).toEqual([v2.id]);
    expect(
      await issuesOf(
        aciAf2019({
          etp: "1",
          funding: [{ code: "ERBM", amount: "1" }],
        }),
      ),
    ).toEqual(["funding"]);
    expect(
      await issuesOf(
        aciAf2019({
          etp: "1",
          modulationPercent: "11",
        }),
      ),
    ).toEqual(["modulationPercent"]);
    await run((db) => createFinancialAnnex(db, deps, { structureId: ai, startsOn: "2019-01-01", endsOn: "2019-12-31", etp: "3" }));
  });

  it("creates a person with the NIR encrypted and hashed only; refuses a bad key and a duplicate", async () => {
    person = (
      await run((db) =>
        createPerson(db, deps, {
          nir,
          civility: "M",
          lastName: "TESTEUR",
          firstName: "Jean",
          birthDate: "1980-03-04",
          communeCode: "62178",
          isSynthetic: true,
        }),
      )
    ).id;
    const p = await t.handle.db.selectFrom("person").selectAll().where("id", "=", person).executeTakeFirstOrThrow();
    expect(p.nir_hash).toBe(pii.hash("nir", nir));
    expect(pii.decrypt(p.nir_encrypted ?? "", cipherCells.personNir(person))).toBe(nir);
    expect(p.departement_code).toBe("62");
    const bad = `${nir.slice(0, 13)}${nir.slice(13) === "01" ? "02" : "01"}`;
    expect(
      await issuesOf(
        run((db) => createPerson(db, deps, { nir: bad, civility: "M", lastName: "X", firstName: "Y", birthDate: "1980-03-04" })),
      ),
    ).toEqual(["nir"]);
    expect(
      await issuesOf(run((db) => createPerson(db, deps, { nir, civility: "M", lastName: "X", firstName: "Y", birthDate: "1980-03-04" }))),
    ).toEqual(["nir"]);
    const audit = await t.handle.db.selectFrom("audit_event").select(["after"]).where("entity", "=", "person").execute();
    expect(JSON.stringify(audit)).not.toContain(nir);
  });

  it("diagnosis → PASS IAE (number encrypted, 2 years) → CDDI hire; CDDI rules enforced", async () => {
    expect(
      await issuesOf(
        run((db) =>
          createEligibilityDiagnosis(db, deps, {
            personId: person,
            author: "siae",
            authorStructureId: aci,
            kind: "ACI",
            madeOn: "2019-01-10",
            criteria: [],
          }),
        ),
      ),
    ).toEqual(["criteria"]);
    const d = await run((db) =>
      createEligibilityDiagnosis(db, deps, {
        personId: person,
        author: "prescriber",
        prescriberOrganization: "Pôle emploi Bruay",
        kind: "ACI",
        madeOn: "2019-01-10",
      }),
    );
    expect(d.expiresOn).toBe("2019-07-09");
    const a = await run((db) => issueApproval(db, deps, { personId: person, diagnosisId: d.id, startsOn: "2019-02-01" }));
    expect(a.endsOn).toBe("2021-01-30"); // 730 days, end inclusive (2020 is a leap year)
    approval = a.id;
    const stored = await t.handle.db.selectFrom("approval").selectAll().where("id", "=", a.id).executeTakeFirstOrThrow();
    expect(pii.decrypt(stored.number_encrypted ?? "", cipherCells.approvalNumber(a.id))).toMatch(/^99999\d{7}$/);
    expect(stored.number_last4).toBe(a.numberLast4);
    expect(await issuesOf(run((db) => issueApproval(db, deps, { personId: person, diagnosisId: d.id, startsOn: "2019-03-01" })))).toEqual([
      "personId",
    ]);
    // The person's CDDI in the ACI (26 h a week), from its start to its planned end.
    const hireCddi = (o: Omit<HireInput, "personId" | "structureId" | "contractType" | "weeklyHours">) =>
      run((db) => hire(db, deps, { personId: person, structureId: aci, contractType: "CDDI", weeklyHours: 26, ...o }));
    expect(await issuesOf(hireCddi({ approvalId: approval, startsOn: "2019-02-01", plannedEndOn: "2019-04-30" }))).toEqual([
      "plannedEndOn",
    ]);
    expect(await issuesOf(hireCddi({ startsOn: "2019-02-01", plannedEndOn: "2019-07-31" }))).toEqual(["approvalId"]);
    const c = await hireCddi({ approvalId: approval, startsOn: "2019-02-01", plannedEndOn: "2019-07-31", rsa: "OUI-NM" });
    expect(c.rank).toBe(0);
    const r = await hireCddi({ approvalId: approval, renewalOf: c.id, startsOn: "2019-08-01", plannedEndOn: "2020-01-31" });
    expect(r).toMatchObject({ rank: 1, recruitmentId: c.id });
    contract = r.id;
  });

  it("declares monthly hours: errors per salarié line, nothing written; upsert on (AF, contract, month)", async () => {
    const issues = await issuesOf(
      run((db) => declareMonthlyHours(db, deps, { annexId: annex, month: "2019-03", lines: [{ contractId: contract, hours: 100 }] })),
    );
    expect(issues).toEqual(["lines.0"]);
    const first = (
      await t.handle.db.selectFrom("contract").select("id").where("rank", "=", 0).where("person_id", "=", person).executeTakeFirstOrThrow()
    ).id;
    await run((db) => declareMonthlyHours(db, deps, { annexId: annex, month: "2019-03", lines: [{ contractId: first, hours: 110 }] }));
    await run((db) => declareMonthlyHours(db, deps, { annexId: annex, month: "2019-03", lines: [{ contractId: first, hours: "112.5" }] }));
    const rows = await t.handle.db.selectFrom("monthly_declaration").select(["hours"]).where("contract_id", "=", first).execute();
    expect(rows).toEqual([{ hours: "112.50" }]);
    expect(
      await issuesOf(
        run((db) => declareMonthlyHours(db, deps, { annexId: annex, month: "2020-03", lines: [{ contractId: first, hours: 1 }] })),
      ),
    ).toEqual(["month"]);
  });

  it("suspends and prolongs the PASS with the domain rules", async () => {
    const s = await run((db) =>
      suspendApproval(db, deps, { approvalId: approval, startsOn: "2019-06-01", endsOn: "2019-06-30", reason: "CONTRACT_SUSPENDED" }),
    );
    expect(s.endsOn).toBe("2021-02-28");
    expect(
      await issuesOf(
        run((db) =>
          suspendApproval(db, deps, { approvalId: approval, startsOn: "2019-06-10", endsOn: "2019-06-20", reason: "CONTRACT_SUSPENDED" }),
        ),
      ),
    ).toEqual(["startsOn"]);
    const p = await run((db) =>
      prolongApproval(db, deps, { approvalId: approval, reason: "COMPLETE_TRAINING", days: 90, requestedOn: "2020-12-01", kind: "ACI" }),
    );
    expect(p.endsOn).toBe("2021-05-29");
  });

  it("records one exit per recruitment (motif via the referential) and sets exit_on", async () => {
    expect(await issuesOf(run((db) => recordExit(db, deps, { contractId: contract, exitOn: "2019-10-31", motifCode: 4242 })))).toEqual([
      "motifCode",
    ]);
    const e = await run((db) => recordExit(db, deps, { contractId: contract, exitOn: "2019-10-31", motifCode: 3 }));
    expect(e.group).toBe("durable");
    const c = await t.handle.db.selectFrom("contract").select("exit_on").where("id", "=", contract).executeTakeFirstOrThrow();
    expect(c.exit_on).toBe("2019-10-31");
    expect(await issuesOf(run((db) => recordExit(db, deps, { contractId: contract, exitOn: "2019-11-30", motifCode: 3 })))).toEqual([
      "contractId",
    ]);
  });

  it("adds support actions (barriers from the referential) and trainings", async () => {
    const barrier = (await t.handle.db.selectFrom("ref_barrier").select("code").executeTakeFirstOrThrow()).code;
    await run((db) =>
      addSupportAction(db, deps, {
        personId: person,
        structureId: aci,
        kind: "social",
        startsOn: "2019-03-01",
        hours: 4,
        barriers: [barrier],
      }),
    );
    expect(
      await issuesOf(
        run((db) =>
          addSupportAction(db, deps, { personId: person, structureId: aci, kind: "social", startsOn: "2019-03-01", barriers: ["nope"] }),
        ),
      ),
    ).toEqual(["barriers"]);
    expect(
      await issuesOf(run((db) => addTraining(db, deps, { personId: person, structureId: ai, title: "CACES", startsOn: "2019-04-01" }))),
    ).toEqual(["structureId"]);
    await run((db) =>
      addTraining(db, deps, {
        personId: person,
        structureId: aci,
        title: "CACES R489",
        qualifying: true,
        startsOn: "2019-04-01",
        hours: 35,
      }),
    );
    const audit = await t.handle.db
      .selectFrom("audit_event")
      .select(({ fn }) => ["action", fn.countAll<number>().as("n")])
      .groupBy("action")
      .execute();
    const actions = new Map(audit.map((a) => [a.action, Number(a.n)]));
    expect(actions.get("contract.hire")).toBe(1);
    expect(actions.get("contract.renew")).toBe(1);
    expect(actions.get("exit.record")).toBe(1);
    expect(actions.get("training.create")).toBe(1);
  });
});
