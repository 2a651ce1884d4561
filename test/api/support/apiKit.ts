// API tests of the /api/v1 routes: an app over a test database, users of each role with a session
// (cookie + CSRF token), and small structure / AF fixtures.
import type { JobView } from "../../../src/contracts/jobs.js";
import { testCipher } from "../../../src/security/personalData.js";
import { buildApp } from "../../../src/server/app.js";
import { createSession, SESSION_COOKIE } from "../../../src/server/auth/sessions.js";
import { type App, type AppContext, systemClock } from "../../../src/server/context.js";
import type { TestDatabase } from "../../support/testDb.js";

export function testContext(t: TestDatabase): AppContext {
  return {
    handle: t.handle,
    clock: systemClock,
    pii: testCipher(),
    config: { publicUrl: "http://localhost", dataDir: "/nonexistent", bodyLimit: 1_000_000, uploadLimit: 10_000_000 },
  };
}

export async function testApp(t: TestDatabase): Promise<App> {
  return buildApp(testContext(t));
}

export interface TestUser {
  id: number;
  headers: { cookie: string; "x-csrf-token": string };
}

export async function userWithSession(
  t: TestDatabase,
  input: {
    email: string;
    role: "national" | "regional" | "departemental" | "conseil_departemental" | "siae" | "admin";
    departementCode?: string;
    regionCode?: string;
    structureIds?: number[];
  },
): Promise<TestUser> {
  const db = t.handle.db;
  const user = await db
    .insertInto("app_user")
    .values({
      email: input.email,
      display_name: input.email,
      role: input.role,
      departement_code: input.departementCode ?? null,
      region_code: input.regionCode ?? null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const id = Number(user.id);
  for (const structureId of input.structureIds ?? []) {
    await db.insertInto("membership").values({ user_id: id, structure_id: structureId, is_admin: true }).execute();
  }
  const session = await createSession(db, id, { ip: "127.0.0.1", userAgent: "vitest" }, new Date());
  return { id, headers: { cookie: `${SESSION_COOKIE}=${session.token}`, "x-csrf-token": session.csrfToken } };
}

export async function insertStructure(
  t: TestDatabase,
  input: { name: string; kind: "ACI" | "AI" | "EI" | "ETTI" | "EITI"; siret: string; departementCode: string; commune?: string },
): Promise<number> {
  const row = await t.handle.db
    .insertInto("structure")
    .values({
      name: input.name,
      kind: input.kind,
      siret: input.siret,
      departement_code: input.departementCode,
      commune_name: input.commune ?? null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** Polls GET /api/v1/jobs/{id} as `who` until the job has ended (succeeded or failed); each poll must answer 200. */
export async function waitForJob(app: App, id: string, who: TestUser): Promise<JobView> {
  let state: JobView | null = null;
  for (let i = 0; i < 400; i++) {
    const poll = await app.inject({ url: `/api/v1/jobs/${id}`, headers: who.headers });
    if (poll.statusCode !== 200) throw new Error(`GET /api/v1/jobs/${id}: ${poll.statusCode}`);
    state = poll.json() as JobView;
    if (state.status === "succeeded" || state.status === "failed") return state;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`job ${id} still ${state?.status}`);
}
