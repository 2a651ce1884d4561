// A small two-territory world for the security tests: départements 62 (Hauts-de-France, région 32) and
// 13 (Provence-Alpes-Côte d'Azur, région 93), one structure in each, people employed by each, and one
// account per role. "home" = 62 / structure S1 / person P1; "other" = 13 / S2 / P2.
import { cipherCells } from "../../../src/security/personalData.js";
import { reserveId } from "../../../src/db/reserveIds.js";
import type { Kysely } from "kysely";
import type { Database, Role } from "../../../src/db/schema.js";
import { hashPassword } from "../../../src/security/passwords.js";
import type { PersonalDataCipher } from "../../../src/security/personalData.js";
import { generate } from "otplib";
import { buildApp } from "../../../src/server/app.js";
import { securityDb } from "../../../src/server/auth/securityTables.js";
import type { MailMessage } from "../../../src/server/mail/mailer.js";
import { RATE_LIMITS } from "../../../src/server/rateLimit.js";
import type { App, AppContext, ServerClock } from "../../../src/server/context.js";
import type { TestDatabase } from "../../support/testDb.js";

export const PASSWORD = "Mot-de-passe-solide-2026";
/** Valid NIRs (key = 97 − first 13 digits mod 97). */
export const NIR_P1 = "169056212345644";
export const NIR_P2 = "284021301234595";

export type Persona = "national" | "regional" | "departemental" | "conseil_departemental" | "siaeAdmin" | "siaeMember" | "admin";

export const PERSONAS: readonly Persona[] = [
  "national",
  "regional",
  "departemental",
  "conseil_departemental",
  "siaeAdmin",
  "siaeMember",
  "admin",
];

export interface World {
  s1: number;
  s2: number;
  p1: number;
  p2: number;
  /** P3: employed by S1, not RSA. */
  p3: number;
  /** An AF of S1 and one of S2. */
  a1: number;
  a2: number;
  users: Record<Persona | "siaeAdminS2", { id: number; email: string }>;
}

export async function seedWorld(db: Kysely<Database>, pii: PersonalDataCipher): Promise<World> {
  const structure = async (name: string, dep: string, asp: number) =>
    Number(
      (
        await db
          .insertInto("structure")
          .values({ kind: "ACI", asp_id: asp, name, departement_code: dep })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id,
    );
  const s1 = await structure("Atelier du Littoral", "62", 910001);
  const s2 = await structure("Chantier des Calanques", "13", 910002);
  const person = async (first: string, last: string, nir: string | null, dep: string) => {
    const id = await reserveId(db, "person");
    return Number(
      (
        await db
          .insertInto("person")
          .values({
            id,
            first_name: first,
            last_name: last,
            birth_date: "1969-05-12",
            email: `${first.toLowerCase()}@exemple.fr`,
            phone: "0601020304",
            departement_code: dep,
            nir_encrypted: nir ? pii.encrypt(nir, cipherCells.personNir(id)) : null,
            nir_hash: nir ? pii.hash("nir", nir) : null,
          })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id,
    );
  };
  const p1 = await person("Josiane", "Vandamme", NIR_P1, "62");
  const p2 = await person("Marius", "Olivieri", NIR_P2, "13");
  const p3 = await person("Kevin", "Delattre", null, "62");
  const contract = (personId: number, structureId: number, rsa: "NON" | "OUI-M" | "OUI-NM", startsOn: string, exitOn: string | null) =>
    db
      .insertInto("contract")
      .values({
        person_id: personId,
        structure_id: structureId,
        mesure_code: "ACI_DC",
        contract_type: "CDDI",
        starts_on: startsOn,
        exit_on: exitOn,
        rsa,
      })
      .execute();
  await contract(p1, s1, "OUI-M", "2025-01-06", null);
  await contract(p2, s2, "OUI-NM", "2025-02-03", null);
  await contract(p3, s1, "NON", "2025-03-03", null);

  const annex = async (structureId: number, prefix: string) =>
    Number(
      (
        await db
          .insertInto("financial_annex")
          .values({
            structure_id: structureId,
            number_prefix: prefix,
            mesure_code: "ACI_DC",
            state: "VALIDE",
            starts_on: "2025-01-01",
            ends_on: "2025-12-31",
            etp: "2.00",
            annual_hours: "1820",
          })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id,
    );
  const a1 = await annex(s1, "ACI062250001");
  const a2 = await annex(s2, "ACI013250001");

  const passwordHash = await hashPassword(PASSWORD);
  const user = async (email: string, role: Role, extra: { region_code?: string; departement_code?: string } = {}) =>
    Number(
      (
        await db
          .insertInto("app_user")
          .values({ email, display_name: email.split("@")[0] ?? email, role, password_hash: passwordHash, ...extra })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id,
    );
  const ids = {
    national: await user("dgefp@test.passerelle", "national"),
    regional: await user("dreets32@test.passerelle", "regional", { region_code: "32" }),
    departemental: await user("ddets62@test.passerelle", "departemental", { departement_code: "62", region_code: "32" }),
    conseil_departemental: await user("cd62@test.passerelle", "conseil_departemental", { departement_code: "62" }),
    siaeAdmin: await user("admin.s1@test.passerelle", "siae"),
    siaeMember: await user("membre.s1@test.passerelle", "siae"),
    admin: await user("admin@test.passerelle", "admin"),
    siaeAdminS2: await user("admin.s2@test.passerelle", "siae"),
  };
  await db
    .insertInto("membership")
    .values([
      { user_id: ids.siaeAdmin, structure_id: s1, is_admin: true },
      { user_id: ids.siaeMember, structure_id: s1, is_admin: false },
      { user_id: ids.siaeAdminS2, structure_id: s2, is_admin: true },
    ])
    .execute();
  const users = Object.fromEntries(
    await Promise.all(
      Object.entries(ids).map(async ([k, id]) => {
        const row = await db.selectFrom("app_user").select("email").where("id", "=", id).executeTakeFirstOrThrow();
        return [k, { id, email: row.email }];
      }),
    ),
  ) as World["users"];
  return { s1, s2, p1, p2, p3, a1, a2, users };
}

/** A clock the tests can move. */
export function movableClock(start = new Date("2026-06-15T09:00:00Z")): ServerClock & { advance(ms: number): void; set(d: Date): void } {
  let current = start;
  return {
    now: () => current,
    today: () => current.toISOString().slice(0, 10),
    advance(ms: number) {
      current = new Date(current.getTime() + ms);
    },
    set(d: Date) {
      current = d;
    },
  };
}

export async function buildTestApp(
  t: TestDatabase,
  pii: PersonalDataCipher,
  overrides: Omit<Partial<AppContext>, "config"> & { config?: Partial<AppContext["config"]> } = {},
  logger?: Parameters<typeof buildApp>[1],
): Promise<App> {
  const { config, ...rest } = overrides;
  const outbox: MailMessage[] = [];
  const ctx: AppContext = {
    handle: t.handle,
    clock: movableClock(),
    pii,
    ...rest,
    config: {
      publicUrl: "http://localhost",
      dataDir: "/nonexistent",
      bodyLimit: 64 * 1024,
      uploadLimit: 1024 * 1024,
      oidc: null,
      // The request rate limits have their own tests (rateLimits.db.test.ts); here they stay out of the way.
      rateLimits: UNLIMITED,
      mailer: { delivery: "email", send: async (m) => void outbox.push(m) },
      ...config,
    },
  };
  const app = await buildApp(ctx, logger);
  contexts.set(app, { ctx, outbox });
  return app;
}

const UNLIMITED = Object.fromEntries(Object.keys(RATE_LIMITS).map((k) => [k, { max: 1_000_000, windowMs: 60_000 }]));
const contexts = new WeakMap<App, { ctx: AppContext; outbox: MailMessage[] }>();

/** The e-mails an app built by buildTestApp sent (unless a test gave it its own mailer). */
export function outboxOf(app: App): MailMessage[] {
  return contexts.get(app)?.outbox ?? [];
}

/** The token of the last invitation link e-mailed to an address. */
export function invitationTokenFor(app: App, email: string): string {
  const message = outboxOf(app)
    .filter((m) => m.to === email)
    .at(-1);
  const token = message?.text.match(/\/invitation\/([A-Za-z0-9_-]+)/)?.[1];
  if (!token) throw new Error(`no invitation e-mailed to ${email}`);
  return token;
}

/** TOTP secrets learnt from the enrolments the login helper went through. */
const totpSecrets = new Map<string, string>();

/** The current TOTP code of a secret at the app's clock. */
export async function totpCode(app: App, secret: string): Promise<string> {
  const now = contexts.get(app)?.ctx.clock.now() ?? new Date();
  return generate({ secret, epoch: Math.floor(now.getTime() / 1000) });
}

export interface LoggedIn {
  cookie: string;
  csrf: string;
  headers: Record<string, string>;
}

/** Log in through the API; returns the cookie header and the CSRF token. */
export async function login(app: App, email: string, password = PASSWORD): Promise<LoggedIn> {
  let res = await app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email, password } });
  // Admin and national accounts have a second factor: enrolled at their first login, then a code. The
  // helper stands for a person with the app: a code per login (the clock of the tests stands still, so
  // the last step used is forgotten as if 30 s had passed).
  const challenge = res.statusCode === 200 ? (res.json() as { secondFactor?: string; enrolment?: { secret: string } }) : null;
  if (challenge?.secondFactor) {
    const key = email.toLowerCase();
    if (challenge.enrolment) totpSecrets.set(key, challenge.enrolment.secret);
    const secret = totpSecrets.get(key);
    const known = contexts.get(app);
    if (!secret || !known) throw new Error(`login ${email}: second factor asked, secret unknown`);
    await securityDb(known.ctx.handle.db)
      .updateTable("user_totp")
      .set({ last_step: null })
      .where(
        "user_id",
        "=",
        Number((await known.ctx.handle.db.selectFrom("app_user").select("id").where("email", "=", key).executeTakeFirstOrThrow()).id),
      )
      .execute();
    res = await app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email, password, code: await totpCode(app, secret) } });
  }
  if (res.statusCode !== 200) throw new Error(`login ${email}: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === "passerelle_session");
  if (!cookie) throw new Error("no session cookie");
  const csrf = (res.json() as { csrfToken: string }).csrfToken;
  return {
    cookie: `passerelle_session=${cookie.value}`,
    csrf,
    headers: { cookie: `passerelle_session=${cookie.value}`, "x-csrf-token": csrf },
  };
}
