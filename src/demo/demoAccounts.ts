// Demo accounts (design §5): created only by the demo loader, never otherwise. Password
// "passerelle-demo" unless PASSERELLE_DEMO_PASSWORD is set; hashed with argon2id (hashPassword).
import type { Role } from "../db/schema.js";
import { hashPassword } from "../security/passwords.js";
import type { Db } from "../db/schema.js";
import { TRAJECTOIRE } from "./structures.js";

export const DEFAULT_DEMO_PASSWORD = "passerelle-demo";
export const DEMO_EMAIL_DOMAIN = "demo.passerelle.test";

export interface DemoAccount {
  email: string;
  displayName: string;
  role: Role;
  departementCode: string | null;
  /** Admin member of this structure (SIRET, kind). */
  memberOf?: { siret: string; kind: string };
  description: string;
}

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  {
    email: `ddets62@${DEMO_EMAIL_DOMAIN}`,
    displayName: "Agent DDETS du Pas-de-Calais (démo)",
    role: "departemental",
    departementCode: "62",
    description: "DDETS Pas-de-Calais",
  },
  {
    email: `aviee@${DEMO_EMAIL_DOMAIN}`,
    displayName: "Responsable AVIEE (démo)",
    role: "siae",
    departementCode: null,
    memberOf: { siret: TRAJECTOIRE.members[0].siret, kind: TRAJECTOIRE.members[0].kind },
    description: "administrateur de la SIAE AVIEE (ACI, Bruay-la-Buissière)",
  },
  {
    email: `cd62@${DEMO_EMAIL_DOMAIN}`,
    displayName: "Agent du conseil départemental du Pas-de-Calais (démo)",
    role: "conseil_departemental",
    departementCode: "62",
    description: "conseil départemental du Pas-de-Calais",
  },
  {
    email: `dgefp@${DEMO_EMAIL_DOMAIN}`,
    displayName: "Agent DGEFP (démo)",
    role: "national",
    departementCode: null,
    description: "niveau national (DGEFP)",
  },
  {
    email: `admin@${DEMO_EMAIL_DOMAIN}`,
    displayName: "Administrateur de la plateforme (démo)",
    role: "admin",
    departementCode: null,
    description: "administration de la plateforme",
  },
];

export function demoPassword(env: NodeJS.ProcessEnv = process.env): string {
  const p = env.PASSERELLE_DEMO_PASSWORD;
  return p !== undefined && p !== "" ? p : DEFAULT_DEMO_PASSWORD;
}

/** Creates (or resets the password of) the demo accounts and the AVIEE membership. */
export async function createDemoAccounts(db: Db, password: string): Promise<DemoAccount[]> {
  const hash = await hashPassword(password);
  for (const a of DEMO_ACCOUNTS) {
    const user = await db
      .insertInto("app_user")
      .values({ email: a.email, display_name: a.displayName, password_hash: hash, role: a.role, departement_code: a.departementCode })
      .onConflict((oc) =>
        oc.column("email").doUpdateSet({
          display_name: a.displayName,
          password_hash: hash,
          role: a.role,
          departement_code: a.departementCode,
          disabled: false,
          failed_logins: 0,
          locked_until: null,
        }),
      )
      .returning("id")
      .executeTakeFirstOrThrow();
    if (a.memberOf) {
      const structure = await db
        .selectFrom("structure")
        .select("id")
        .where("siret", "=", a.memberOf.siret)
        .where("kind", "=", a.memberOf.kind as "ACI")
        .executeTakeFirst();
      if (!structure) throw new Error(`structure ${a.memberOf.siret} (${a.memberOf.kind}) absente : compte ${a.email} sans rattachement`);
      await db
        .insertInto("membership")
        .values({ user_id: user.id, structure_id: structure.id, is_admin: true })
        .onConflict((oc) => oc.columns(["user_id", "structure_id"]).doUpdateSet({ is_admin: true }))
        .execute();
    }
  }
  return [...DEMO_ACCOUNTS];
}
