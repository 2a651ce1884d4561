// Authorization: one policy per route (see principal.ts for the meaning of each), evaluated against the
// one target of the request, parsed by the route's contract (src/contracts/target.ts, src/server/route.ts).
// Decisions: allow, 401 (no session), 403 (outside the caller's scope), 404 (no such resource).
import { type Kysely, sql } from "kysely";
import { prepared } from "../../db/preparedStatements.js";
import type { Database } from "../../db/schema.js";
import { type Scope, structureOf, type Target } from "../../contracts/target.js";
import type { PolicyName, Principal } from "./principal.js";
import { structureDepartement } from "../../db/structureDepartement.js";
import { personAccess } from "../../queries/personVisibility.js";

export const POLICY_NAMES: readonly PolicyName[] = [
  "public",
  "authenticated",
  "territory:read",
  "structure:read",
  "structure:write",
  "structure:instruct",
  "structure:declare",
  "structure:admin",
  "person:read",
  "person:write",
  "import:write",
  "admin",
];

export type Decision = { allow: true } | { allow: false; status: 401 | 403 | 404; detail: string };

const ALLOW: Decision = { allow: true };
const denied = (detail: string): Decision => ({ allow: false, status: 403, detail });
const notFound = (detail: string): Decision => ({ allow: false, status: 404, detail });

/** What a principal may see, for routes that list things without naming one resource. */
export type Visibility =
  | { kind: "all" }
  | { kind: "region"; regionCode: string }
  | { kind: "departement"; departementCode: string }
  | { kind: "structures"; structureIds: readonly number[] };

export function visibilityOf(principal: Principal): Visibility {
  switch (principal.role) {
    case "national":
    case "admin":
      return { kind: "all" };
    case "regional":
      return { kind: "region", regionCode: principal.regionCode ?? "" };
    case "departemental":
    case "conseil_departemental":
      return { kind: "departement", departementCode: principal.departementCode ?? "" };
    case "siae":
      return { kind: "structures", structureIds: principal.structureIds };
  }
}

async function departementRegion(db: Kysely<Database>, code: string): Promise<string | null> {
  const row = await db.selectFrom("ref_departement").select("region_code").where("code", "=", code).executeTakeFirst();
  return row?.region_code ?? null;
}

interface StructureTerritory {
  departementCode: string;
  regionCode: string;
}

async function structureTerritory(db: Kysely<Database>, id: number): Promise<StructureTerritory | null> {
  const row = await db
    .selectFrom("structure as s")
    .innerJoin("ref_departement as d", (join) => join.on(sql<boolean>`d.code = ${structureDepartement("s")}`))
    .select(["d.code as departement_code", "d.region_code"])
    .where("s.id", "=", id)
    .executeTakeFirst();
  return row ? { departementCode: row.departement_code, regionCode: row.region_code } : null;
}

/** Is the territory (département + région) inside a State agent's or conseil départemental's area? */
function territoryCovers(principal: Principal, t: StructureTerritory): boolean {
  switch (principal.role) {
    case "national":
    case "admin":
      return true;
    case "regional":
      return principal.regionCode === t.regionCode;
    case "departemental":
    case "conseil_departemental":
      return principal.departementCode === t.departementCode;
    case "siae":
      return false;
  }
}

/** Territories of the members of a group of structures; null when the group does not exist. */
async function groupMembers(db: Kysely<Database>, groupId: number): Promise<(StructureTerritory & { id: number })[] | null> {
  const group = await db.selectFrom("structure_group").select("id").where("id", "=", groupId).executeTakeFirst();
  if (!group) return null;
  const rows = await db
    .selectFrom("structure_group_member as m")
    .innerJoin("structure as s", "s.id", "m.structure_id")
    .innerJoin("ref_departement as d", (join) => join.on(sql<boolean>`d.code = ${structureDepartement("s")}`))
    .select(["s.id", "d.code as departement_code", "d.region_code"])
    .where("m.group_id", "=", groupId)
    .execute();
  return rows.map((r) => ({ id: Number(r.id), departementCode: r.departement_code, regionCode: r.region_code }));
}

async function scopeAllowed(db: Kysely<Database>, principal: Principal, scope: Scope): Promise<Decision> {
  if (principal.role === "national" || principal.role === "admin") {
    if (scope.type === "structure" && !(await structureTerritory(db, scope.id))) return notFound("Structure introuvable.");
    if (scope.type === "group" && !(await groupMembers(db, scope.id))) return notFound("Groupe de structures introuvable.");
    return ALLOW;
  }
  switch (scope.type) {
    case "nation":
      return denied("Les données nationales sont réservées à la DGEFP.");
    case "region":
      return principal.role === "regional" && principal.regionCode === scope.code
        ? ALLOW
        : denied("Cette région est hors de votre périmètre.");
    case "departement": {
      if (principal.role === "siae") return denied("Ce département est hors de votre périmètre.");
      if (principal.role === "regional") {
        return (await departementRegion(db, scope.code)) === principal.regionCode
          ? ALLOW
          : denied("Ce département est hors de votre région.");
      }
      return principal.departementCode === scope.code ? ALLOW : denied("Ce département est hors de votre périmètre.");
    }
    case "group": {
      const members = await groupMembers(db, scope.id);
      if (!members) return notFound("Groupe de structures introuvable.");
      const covered = members.every((m) =>
        principal.role === "siae" ? principal.structureIds.includes(m.id) : territoryCovers(principal, m),
      );
      return covered ? ALLOW : denied("Ce groupe compte des structures hors de votre périmètre.");
    }
    case "structure": {
      const t = await structureTerritory(db, scope.id);
      if (!t) return notFound("Structure introuvable.");
      if (principal.role === "siae") {
        return principal.structureIds.includes(scope.id) ? ALLOW : denied("Cette structure n'est pas la vôtre.");
      }
      return territoryCovers(principal, t) ? ALLOW : denied("Cette structure est hors de votre périmètre.");
    }
  }
}

/** The part of the person rule that needs no database: which roles may read (or write) personal pages at all. */
export function personRolePrecheck(principal: Principal, write: boolean): Decision {
  const isAdmin = principal.role === "admin";
  const cd = principal.role === "conseil_departemental" && !write;
  return isAdmin || principal.role === "siae" || cd
    ? ALLOW
    : denied("Les services de l'État n'ont pas accès aux pages personnelles des salariés.");
}

/** The decision once personAccess was evaluated: `allowed` null when no such person. */
export function personDecision(principal: Principal, allowed: boolean | null): Decision {
  if (allowed === null) return notFound("Personne introuvable.");
  if (allowed) return ALLOW;
  return principal.role === "conseil_departemental"
    ? denied("Cette personne n'est pas bénéficiaire du RSA dans votre département.")
    : denied("Cette personne n'est pas salariée de vos structures.");
}

async function personAllowed(db: Kysely<Database>, principal: Principal, personId: number): Promise<boolean | null> {
  const result = await prepared(sql<{ allowed: boolean }>`
    SELECT ${personAccess(principal, sql.ref("p.id"))} AS allowed FROM person p WHERE p.id = ${personId}`).execute(db);
  return result.rows[0]?.allowed ?? null;
}

const unsupported = (policy: PolicyName, target: Target): Decision =>
  denied(`La politique ${policy} ne s'applique pas à une cible de type ${target.type}.`);

/**
 * Evaluate a route policy for a principal (null = anonymous) and the target of the request (parsed once
 * by the route's contract: src/contracts/target.ts). `none` targets are lists restricted in SQL to what
 * the caller may see (src/queries).
 */
export async function authorize(db: Kysely<Database>, principal: Principal | null, policy: PolicyName, target: Target): Promise<Decision> {
  if (policy === "public") return ALLOW;
  if (!principal) return { allow: false, status: 401, detail: "Connectez-vous pour accéder à cette ressource." };
  const isAdmin = principal.role === "admin";
  const structureId = structureOf(target);

  // The structure named by the target exists and is reachable by this principal?
  const structureDecision = async (allowed: (t: StructureTerritory, id: number) => boolean, message: string): Promise<Decision> => {
    if (structureId === undefined) return target.type === "none" ? ALLOW : unsupported(policy, target);
    const t = await structureTerritory(db, structureId);
    if (!t) return notFound("Structure introuvable.");
    return allowed(t, structureId) ? ALLOW : denied(message);
  };
  const member = (id: number) => principal.role === "siae" && principal.structureIds.includes(id);
  const structureAdmin = (id: number) => principal.role === "siae" && principal.adminStructureIds.includes(id);

  switch (policy) {
    case "authenticated":
      // A job is found only if the reader may read what it was made for (src/jobs/jobView.ts).
      return target.type === "none" || target.type === "job" ? ALLOW : unsupported(policy, target);
    case "admin":
      return isAdmin ? ALLOW : denied("Réservé aux administrateurs de la plateforme.");
    case "territory:read":
      if (target.type === "none") return ALLOW;
      if (isScope(target)) return scopeAllowed(db, principal, target);
      return unsupported(policy, target);
    case "structure:read":
      return structureDecision(
        (t, id) => isAdmin || member(id) || territoryCovers(principal, t),
        "Cette structure est hors de votre périmètre.",
      );
    case "structure:write": {
      const stateAgent = ["national", "regional", "departemental", "admin"].includes(principal.role);
      if (!stateAgent) return denied("Réservé aux services de l'État du territoire.");
      if (target.type !== "structure" && isScope(target)) return scopeAllowed(db, principal, target);
      return structureDecision((t) => territoryCovers(principal, t), "Cette structure est hors de votre périmètre.");
    }
    case "structure:instruct":
      if (!isAdmin && principal.role !== "departemental") return denied("Cette étape revient à la DDETS du département.");
      if (target.type !== "structure" && isScope(target)) return scopeAllowed(db, principal, target);
      return structureDecision((t) => territoryCovers(principal, t), "Cette structure est hors de votre périmètre.");
    case "structure:declare":
      if (!isAdmin && principal.role !== "siae") return denied("Réservé aux membres de la structure.");
      return structureDecision((_t, id) => isAdmin || member(id), "Vous n'êtes pas membre de cette structure.");
    case "structure:admin":
      if (!isAdmin && principal.role !== "siae") return denied("Réservé aux administrateurs de la structure.");
      return structureDecision((_t, id) => isAdmin || structureAdmin(id), "Vous n'êtes pas administrateur de cette structure.");
    case "person:read":
    case "person:write": {
      const precheck = personRolePrecheck(principal, policy === "person:write");
      if (!precheck.allow || target.type === "none") return precheck;
      if (target.type !== "person") return unsupported(policy, target);
      return personDecision(principal, await personAllowed(db, principal, target.id));
    }
    case "import:write":
      if (!isAdmin && principal.role !== "national" && principal.role !== "departemental") {
        return denied("Réservé à la DDETS, à la DGEFP et aux administrateurs.");
      }
      // Runs and jobs are found only within the caller's territory by their read model (src/queries/imports.ts).
      if (target.type === "none" || target.type === "importRun" || target.type === "importJob") return ALLOW;
      if (target.type === "structure") {
        return structureDecision((t) => territoryCovers(principal, t), "Cette structure est hors de votre département.");
      }
      if (isScope(target)) return scopeAllowed(db, principal, target);
      return unsupported(policy, target);
  }
}

function isScope(target: Target): target is Scope {
  return ["nation", "region", "departement", "group", "structure"].includes(target.type);
}
