// Retention: people whose parcours ended more than 730 days ago are anonymised (dry run by default),
// statistics rows stay, the job is audited and idempotent; the CLI reports in JSON.
import { reserveId } from "../../src/db/reserveIds.js";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { buildProgram } from "../../src/cli/index.js";
import { findRetentionCandidates, retentionCutoff, runRetention } from "../../src/security/retention.js";
import { cipherCells, testCipher } from "../../src/security/personalData.js";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";

let t: TestDatabase;
const pii = testCipher();
const ids: Record<string, number> = {};

beforeAll(async () => {
  t = await createTestDatabase();
  const db = t.handle.db;
  const s = await db
    .insertInto("structure")
    .values({ kind: "ACI", asp_id: 920001, name: "Ressourcerie", departement_code: "62" })
    .returning("id")
    .executeTakeFirstOrThrow();
  const person = async (key: string, nir: string | null) => {
    const id = await reserveId(db, "person");
    const row = await db
      .insertInto("person")
      .values({
        id,
        first_name: `Prénom${key}`,
        last_name: `Nom${key}`,
        birth_date: "1980-04-03",
        email: `${key}@exemple.fr`,
        phone: "0611223344",
        address_line: "3 rue des Écoles",
        postal_code: "62000",
        departement_code: "62",
        nir_encrypted: nir ? pii.encrypt(nir, cipherCells.personNir(id)) : null,
        nir_hash: nir ? pii.hash("nir", nir) : null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    ids[key] = Number(row.id);
    return Number(row.id);
  };
  const contract = (personId: number, startsOn: string, exitOn: string | null, plannedEndOn: string | null = null) =>
    db
      .insertInto("contract")
      .values({
        person_id: personId,
        structure_id: s.id,
        mesure_code: "ACI_DC",
        contract_type: "CDDI",
        starts_on: startsOn,
        exit_on: exitOn,
        planned_end_on: plannedEndOn,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
  const a = await person("A", "180046212345602");
  const ca = await contract(a, "2021-03-01", "2023-01-10");
  await db
    .insertInto("exit")
    .values({ recruitment_id: ca.id, person_id: a, structure_id: s.id, exit_on: "2023-01-10", motif_code: 2 })
    .execute();
  const approvalId = await reserveId(db, "approval");
  await db
    .insertInto("approval")
    .values({
      id: approvalId,
      person_id: a,
      number_encrypted: pii.encrypt("999992112345", cipherCells.approvalNumber(approvalId)),
      number_hash: pii.hash("pass", "999992112345"),
      number_last4: "2345",
      starts_on: "2021-03-01",
      ends_on: "2023-02-28",
    })
    .execute();
  await contract(await person("B", null), "2022-05-02", "2024-01-10");
  await contract(await person("C", null), "2020-01-06", null);
  await contract(await person("D", null), "2021-01-04", null, "2022-12-31");
  await person("E", null); // never entered a parcours: created today
});
afterAll(() => t?.destroy());

describe("retention", () => {
  test("cutoff is 730 days before today", () => {
    expect(retentionCutoff("2025-06-01")).toBe("2023-06-02");
    expect(() => retentionCutoff("2025-13-45")).toThrow();
  });

  test("candidates: ended > 2 years ago (exit or past planned end); open contracts and recent ends kept", async () => {
    const found = await findRetentionCandidates(t.handle.db, "2025-06-01");
    expect(found.map((c) => c.personId).sort()).toEqual([ids.A, ids.D].sort());
    expect(found.find((c) => c.personId === ids.A)?.lastActivityOn).toBe("2023-01-10");
  });

  test("dry run by default writes nothing; wet run anonymises, keeps statistics rows, audits, is idempotent", async () => {
    const db = t.handle.db;
    const count = async (table: "contract" | "exit" | "approval") =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<string>().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = { contracts: await count("contract"), exits: await count("exit"), approvals: await count("approval") };
    const dry = await runRetention(t.handle, { today: "2025-06-01", now: new Date("2025-06-01T02:00:00Z"), wetRun: false });
    expect(dry).toMatchObject({ dryRun: true, candidates: 2, anonymised: 0, cutoff: "2023-06-02" });
    expect(
      (
        await db
          .selectFrom("person")
          .select("last_name")
          .where("id", "=", ids.A as number)
          .executeTakeFirstOrThrow()
      ).last_name,
    ).toBe("NomA");

    const wet = await runRetention(t.handle, { today: "2025-06-01", now: new Date("2025-06-01T02:00:00Z"), wetRun: true });
    expect(wet).toMatchObject({ dryRun: false, candidates: 2, anonymised: 2 });
    const a = await db
      .selectFrom("person")
      .selectAll()
      .where("id", "=", ids.A as number)
      .executeTakeFirstOrThrow();
    expect(a).toMatchObject({
      first_name: null,
      last_name: null,
      birth_date: null,
      birth_year: 1980,
      nir_encrypted: null,
      nir_hash: null,
      email: null,
      phone: null,
      address_line: null,
      postal_code: null,
      departement_code: "62",
    });
    expect(a.anonymised_at).toBeInstanceOf(Date);
    const approval = await db
      .selectFrom("approval")
      .selectAll()
      .where("person_id", "=", ids.A as number)
      .executeTakeFirstOrThrow();
    expect(approval).toMatchObject({ number_encrypted: null, number_hash: null, number_last4: null, starts_on: "2021-03-01" });
    expect({ contracts: await count("contract"), exits: await count("exit"), approvals: await count("approval") }).toEqual(before);
    const c = await db
      .selectFrom("person")
      .select("last_name")
      .where("id", "=", ids.C as number)
      .executeTakeFirstOrThrow();
    expect(c.last_name).toBe("NomC");
    const audit = await db
      .selectFrom("audit_event")
      .select(["person_id", "actor_label"])
      .where("action", "=", "person.anonymise")
      .execute();
    expect(audit.map((r) => Number(r.person_id)).sort()).toEqual([ids.A, ids.D].sort());
    expect(JSON.stringify(audit)).not.toContain("NomA");
    const again = await runRetention(t.handle, { today: "2025-06-01", now: new Date(), wetRun: true });
    expect(again.candidates).toBe(0);
  });

  test("people who never entered a parcours are anonymised 2 years after collection", async () => {
    const later = new Date(Date.now() + 800 * 86_400_000).toISOString().slice(0, 10);
    const found = (await findRetentionCandidates(t.handle.db, later)).map((c) => c.personId);
    expect(found).toContain(ids.E);
    expect(found).toContain(ids.B);
    expect(found).not.toContain(ids.C);
  });

  test.runIf(Boolean(t?.url ?? process.env.TEST_DATABASE_URL))(
    "CLI: retention --json --today (dry run), exit 1 on a bad date",
    async () => {
      const previous = process.env.DATABASE_URL;
      process.env.DATABASE_URL = t.url;
      const out: string[] = [];
      const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
        out.push(String(chunk));
        return true;
      });
      const errSpy = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
      try {
        const program = await buildProgram();
        await program.parseAsync(["node", "passerelle", "retention", "--json", "--today", "2040-01-01"]);
        const report = JSON.parse(out.join(""));
        expect(report).toMatchObject({ dryRun: true, today: "2040-01-01", anonymised: 0 });
        expect(report.candidates).toBeGreaterThanOrEqual(2);
        process.exitCode = 0;
        await (await buildProgram()).parseAsync(["node", "passerelle", "retention", "--today", "demain"]);
        expect(process.exitCode).toBe(1);
      } finally {
        process.exitCode = 0;
        spy.mockRestore();
        errSpy.mockRestore();
        process.env.DATABASE_URL = previous;
        if (previous === undefined) delete process.env.DATABASE_URL;
      }
    },
  );
});
