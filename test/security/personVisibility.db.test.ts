// The salarié page and the RGPD export read a person's rows through one visibility rule
// (src/queries/personVisibility.ts): the conseil départemental sees the RSA contracts of its département
// and nothing of another département; a SIAE member sees its structures' rows. And the page tells a
// diagnosis valid by the domain rule: valid while the PASS issued on it is.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createSession } from "../../src/server/auth/sessions.js";
import type { App } from "../../src/server/context.js";
import { testCipher } from "../../src/security/personalData.js";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";
import { buildTestApp, type Persona, seedWorld, type World } from "./support/fixture.js";

let t: TestDatabase;
let app: App;
let world: World;
/** P1's contracts: RSA in S1 (62, from the fixture), not RSA in S1, RSA in S2 (13). */
let contracts: { rsa62: number; notRsa62: number; rsa13: number };

beforeAll(async () => {
  t = await createTestDatabase();
  world = await seedWorld(t.handle.db, testCipher());
  const db = t.handle.db;
  const contract = async (structureId: number, rsa: "NON" | "OUI-M", startsOn: string, exitOn: string | null) =>
    Number(
      (
        await db
          .insertInto("contract")
          .values({
            person_id: world.p1,
            structure_id: structureId,
            mesure_code: "ACI_DC",
            contract_type: "CDDI",
            starts_on: startsOn,
            exit_on: exitOn,
            rsa,
          })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id,
    );
  const rsa62 = Number(
    (
      await db
        .selectFrom("contract")
        .select("id")
        .where("person_id", "=", world.p1)
        .where("structure_id", "=", world.s1)
        .executeTakeFirstOrThrow()
    ).id,
  );
  contracts = {
    rsa62,
    notRsa62: await contract(world.s1, "NON", "2024-01-08", "2024-06-30"),
    rsa13: await contract(world.s2, "OUI-M", "2023-02-06", "2023-12-29"),
  };
  await db
    .insertInto("exit")
    .values({ recruitment_id: contracts.rsa13, person_id: world.p1, structure_id: world.s2, exit_on: "2023-12-29", motif_code: 11 })
    .execute();
  // Two prescriber diagnoses whose own 6 months are over; a PASS was issued on the first one only.
  const diagnosis = async () =>
    Number(
      (
        await db
          .insertInto("eligibility_diagnosis")
          .values({ person_id: world.p1, author_kind: "prescriber", made_on: "2025-01-02", expires_on: "2025-07-01" })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id,
    );
  const withPass = await diagnosis();
  await diagnosis();
  await db
    .insertInto("approval")
    .values({ person_id: world.p1, starts_on: "2025-01-06", ends_on: "2027-01-05", diagnosis_id: withPass })
    .execute();
  app = await buildTestApp(t, testCipher());
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

async function get(who: Persona, url: string) {
  const s = await createSession(t.handle.db, world.users[who].id, { ip: null, userAgent: "visibility" }, new Date("2026-06-15T09:00:00Z"));
  const res = await app.inject({ method: "GET", url, headers: { cookie: `passerelle_session=${s.token}` } });
  expect(res.statusCode, `${who} ${url}: ${res.body}`).toBe(200);
  return JSON.parse(res.body) as Record<string, unknown>;
}

type PageContracts = { recruitments: { structureId: number; contracts: { id: number }[]; exit: unknown }[] };
const pageContracts = (page: PageContracts) => page.recruitments.flatMap((r) => r.contracts.map((c) => c.id)).sort();
const exportContracts = (data: Record<string, unknown>) => (data.contracts as { id: number }[]).map((c) => c.id).sort();

describe("one visibility rule for the salarié page and the RGPD export", () => {
  test("the conseil départemental sees the RSA contracts of its département only, on both", async () => {
    const page = (await get("conseil_departemental", `/api/v1/persons/${world.p1}`)) as unknown as PageContracts;
    const data = await get("conseil_departemental", `/api/v1/persons/${world.p1}/export`);
    expect(pageContracts(page)).toEqual([contracts.rsa62]);
    expect(exportContracts(data)).toEqual([contracts.rsa62]);
    // Nothing of département 13: neither its structure nor its exit.
    expect(JSON.stringify(page)).not.toContain("Chantier des Calanques");
    expect(page.recruitments.every((r) => r.exit === null)).toBe(true);
    expect(data.exits).toEqual([]);
    expect((page as unknown as { limited: boolean; diagnoses: unknown[] }).limited).toBe(true);
    expect((page as unknown as { diagnoses: unknown[] }).diagnoses).toEqual([]);
  });

  test("a SIAE member sees its structure's contracts, RSA or not, and nothing of the other structure", async () => {
    const page = (await get("siaeAdmin", `/api/v1/persons/${world.p1}`)) as unknown as PageContracts;
    const data = await get("siaeAdmin", `/api/v1/persons/${world.p1}/export`);
    const expected = [contracts.rsa62, contracts.notRsa62].sort();
    expect(pageContracts(page)).toEqual(expected);
    expect(exportContracts(data)).toEqual(expected);
    expect(data.exits).toEqual([]);
  });

  test("a platform admin sees every contract and the exit", async () => {
    const page = (await get("admin", `/api/v1/persons/${world.p1}`)) as unknown as PageContracts;
    expect(pageContracts(page)).toEqual([contracts.rsa62, contracts.notRsa62, contracts.rsa13].sort());
    expect((await get("admin", `/api/v1/persons/${world.p1}/export`)).exits).toHaveLength(1);
  });

  test("a diagnosis past its own 6 months stays valid while the PASS issued on it is (domain rule)", async () => {
    const page = (await get("siaeAdmin", `/api/v1/persons/${world.p1}`)) as unknown as { diagnoses: { valid: boolean }[] };
    expect(page.diagnoses.map((d) => d.valid).sort()).toEqual([false, true]);
  });
});
