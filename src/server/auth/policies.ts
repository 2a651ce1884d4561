// Authorization (issue 8): one policy per route (see principal.ts for the meaning of each), evaluated
// against the resource named by the request — param `structureId` / `personId`, query or param
// `scope` (nation | region:<code> | departement:<code> | structure:<id>), `departement`, `region`.
// Decisions: allow, 401 (no session), 403 (outside the caller's scope), 404 (no such resource).
import { type Kysely, sql } from "kysely";
import type { Database } from "../../db/schema.js";
import type { PolicyName, Principal } from "./principal.js";

export const POLICY_NAMES: readonly PolicyName[] = [
  "public",
  "authenticated",
  "territory:read",
  "structure:read",
  "structure:write",
  "structure:declare",
  "structure:admin",
  "person:read",
  "person:write",
  "import:write",
  "admin",
];

export type Scope =
  | { kind: "nation" }
  | { kind: "region"; code: string }
  | { kind: "departement"; code: string }
  | { kind: "structure"; id: number };

export interface ResourceRef {
  structureId?: number;
  personId?: number;
  scope?: Scope;
}

export type Decision = { allow: true } | { allow: false; status: 401 | 403 | 404; detail: string };

const ALLOW: Decision = { allow: true };
const denied = (detail: string): Decision => ({ allow: false, status: 403, detail });
const notFound = (detail: string): Decision => ({ allow: false, status: 404, detail });

/** Parse `nation`, `region:32`, `departement:62`, `structure:12`; null when malformed. */
export function parseScope(value: string): Scope | null {
  if (value === "nation" || value === "national") return { kind: "nation" };
  const match = /^(region|departement|structure):([0-9A-Za-z]{1,12})$/.exec(value);
  if (!match) return null;
  const [, kind, code] = match as unknown as [string, string, string];
  if (kind === "structure") return /^[1-9][0-9]{0,15}$/.test(code) ? { kind, id: Number(code) } : null;
  return { kind: kind as "region" | "departement", code: code.toUpperCase() };
}

const ID = /^[1-9][0-9]{0,15}$/;

/** The resource a request is about; `invalid` names a malformed identifier. */
export function resourceFromRequest(
  params: Record<string, unknown>,
  query: Record<string, unknown>,
): { resource: ResourceRef; invalid?: string } {
  const resource: ResourceRef = {};
  const pick = (name: string): string | undefined => {
    const v = params[name] ?? query[name];
    return typeof v === "string" || typeof v === "number" ? String(v) : undefined;
  };
  const structureId = pick("structureId");
  if (structureId !== undefined) {
    if (!ID.test(structureId)) return { resource, invalid: "structureId" };
    resource.structureId = Number(structureId);
  }
  const personId = pick("personId");
  if (personId !== undefined) {
    if (!ID.test(personId)) return { resource, invalid: "personId" };
    resource.personId = Number(personId);
  }
  const scope = pick("scope");
  const departement = pick("departement");
  const region = pick("region");
  if (scope !== undefined) {
    const parsed = parseScope(scope);
    if (!parsed) return { resource, invalid: "scope" };
    resource.scope = parsed;
  } else if (departement !== undefined) {
    if (!/^([0-9]{2}|2[AaBb]|97[1-6])$/.test(departement)) return { resource, invalid: "departement" };
    resource.scope = { kind: "departement", code: departement.toUpperCase() };
  } else if (region !== undefined) {
    if (!/^[0-9]{2}$/.test(region)) return { resource, invalid: "region" };
    resource.scope = { kind: "region", code: region };
  }
  return { resource };
}

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
    .innerJoin("ref_departement as d", "d.code", "s.departement_code")
    .select(["s.departement_code", "d.region_code"])
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

async function scopeAllowed(db: Kysely<Database>, principal: Principal, scope: Scope): Promise<Decision> {
  if (principal.role === "national" || principal.role === "admin") {
    if (scope.kind === "structure" && !(await structureTerritory(db, scope.id))) return notFound("Structure introuvable.");
    return ALLOW;
  }
  switch (scope.kind) {
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

/** Structures that employ or employed the person, or where one of their diagnoses was made (one statement). */
async function personStructures(db: Kysely<Database>, personId: number): Promise<number[] | null> {
  const result = await sql<{ structures: (number | string)[] | string | null }>`
    SELECT (SELECT coalesce(json_agg(u.structure_id), '[]') FROM (
        SELECT structure_id FROM contract WHERE person_id = p.id
        UNION SELECT structure_id FROM person_asp_id WHERE person_id = p.id
        UNION SELECT author_structure_id FROM eligibility_diagnosis
          WHERE person_id = p.id AND author_structure_id IS NOT NULL) u) AS structures
    FROM person p WHERE p.id = ${personId}`.execute(db);
  const row = result.rows[0];
  if (!row) return null;
  const structures = typeof row.structures === "string" ? (JSON.parse(row.structures) as (number | string)[]) : (row.structures ?? []);
  return structures.map(Number);
}

/** A conseil départemental sees a person only as an RSA beneficiary employed in its département. */
async function isRsaBeneficiaryOf(db: Kysely<Database>, personId: number, departementCode: string): Promise<boolean> {
  const row = await db
    .selectFrom("contract as c")
    .innerJoin("structure as s", "s.id", "c.structure_id")
    .select("c.id")
    .where("c.person_id", "=", personId)
    .where("c.rsa", "<>", "NON")
    .where("s.departement_code", "=", departementCode)
    .executeTakeFirst();
  return row !== undefined;
}

/** Evaluate a route policy for a principal (null = anonymous) and the resource of the request. */
export async function authorize(
  db: Kysely<Database>,
  principal: Principal | null,
  policy: PolicyName,
  resource: ResourceRef,
): Promise<Decision> {
  if (policy === "public") return ALLOW;
  if (!principal) return { allow: false, status: 401, detail: "Connectez-vous pour accéder à cette ressource." };
  const isAdmin = principal.role === "admin";

  // The structure named by the route exists and is reachable by this principal?
  const structureDecision = async (
    allowed: (t: StructureTerritory, id: number) => boolean,
    message: string,
  ): Promise<Decision | null> => {
    if (resource.structureId === undefined) return null;
    const t = await structureTerritory(db, resource.structureId);
    if (!t) return notFound("Structure introuvable.");
    return allowed(t, resource.structureId) ? ALLOW : denied(message);
  };
  const member = (id: number) => principal.role === "siae" && principal.structureIds.includes(id);
  const structureAdmin = (id: number) => principal.role === "siae" && principal.adminStructureIds.includes(id);

  switch (policy) {
    case "authenticated":
      return ALLOW;
    case "admin":
      return isAdmin ? ALLOW : denied("Réservé aux administrateurs de la plateforme.");
    case "territory:read": {
      const scope: Scope | undefined =
        resource.structureId !== undefined ? { kind: "structure", id: resource.structureId } : resource.scope;
      return scope ? scopeAllowed(db, principal, scope) : ALLOW;
    }
    case "structure:read":
      return (
        (await structureDecision(
          (t, id) => isAdmin || member(id) || territoryCovers(principal, t),
          "Cette structure est hors de votre périmètre.",
        )) ?? ALLOW
      );
    case "structure:write": {
      const stateAgent = ["national", "regional", "departemental", "admin"].includes(principal.role);
      if (!stateAgent) return denied("Réservé aux services de l'État du territoire.");
      return (
        (await structureDecision((t) => territoryCovers(principal, t), "Cette structure est hors de votre périmètre.")) ??
        (resource.scope ? scopeAllowed(db, principal, resource.scope) : ALLOW)
      );
    }
    case "structure:declare":
      if (!isAdmin && principal.role !== "siae") return denied("Réservé aux membres de la structure.");
      return (await structureDecision((_t, id) => isAdmin || member(id), "Vous n'êtes pas membre de cette structure.")) ?? ALLOW;
    case "structure:admin":
      if (!isAdmin && principal.role !== "siae") return denied("Réservé aux administrateurs de la structure.");
      return (
        (await structureDecision(
          (_t, id) => isAdmin || structureAdmin(id),
          "Vous n'êtes pas administrateur de cette structure.",
        )) ?? ALLOW
      );
    case "person:read":
    case "person:write": {
      const write = policy === "person:write";
      const cd = principal.role === "conseil_departemental" && !write;
      if (!isAdmin && principal.role !== "siae" && !cd) {
        return denied("Les services de l'État n'ont pas accès aux pages personnelles des salariés.");
      }
      if (resource.structureId !== undefined) {
        const d = await structureDecision(
          (t, id) => isAdmin || member(id) || (cd && principal.departementCode === t.departementCode),
          "Cette structure est hors de votre périmètre.",
        );
        if (d && !d.allow) return d;
      }
      if (resource.personId === undefined) return ALLOW;
      const structures = await personStructures(db, resource.personId);
      if (!structures) return notFound("Personne introuvable.");
      if (isAdmin) return ALLOW;
      if (cd) {
        return (await isRsaBeneficiaryOf(db, resource.personId, principal.departementCode ?? ""))
          ? ALLOW
          : denied("Cette personne n'est pas bénéficiaire du RSA dans votre département.");
      }
      if (resource.structureId !== undefined && !structures.includes(resource.structureId)) {
        return notFound("Personne introuvable dans cette structure.");
      }
      return structures.some(member) ? ALLOW : denied("Cette personne n'est pas salariée de vos structures.");
    }
    case "import:write":
      if (isAdmin || principal.role === "national") return ALLOW;
      if (principal.role !== "departemental") return denied("Réservé à la DDETS, à la DGEFP et aux administrateurs.");
      if (resource.structureId !== undefined) {
        return (await structureDecision((t) => territoryCovers(principal, t), "Cette structure est hors de votre département.")) ?? ALLOW;
      }
      return resource.scope ? scopeAllowed(db, principal, resource.scope) : ALLOW;
  }
}
