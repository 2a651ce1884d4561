// Scope of the indicators in SQL: nation, région, département, group of structures, one structure
// (design §5), optionally restricted to one SIAE kind.
import { type Kysely, type RawBuilder, sql } from "kysely";
import type { Database } from "../db/schema.js";
import { type Scope, ScopeError } from "../contracts/target.js";
import { SIAE_KINDS, type SiaeKind } from "../domain/structures/kinds.js";
import { structureDepartement } from "../db/structureDepartement.js";

// The grammar (Scope, parseScope, formatScope, ScopeError) is the one of every request target.
export { formatScope, parseScope, type Scope, ScopeError } from "../contracts/target.js";

export function parseKindFilter(value: string | undefined): SiaeKind | undefined {
  if (value === undefined || value === "") return undefined;
  const v = value.trim().toUpperCase();
  if ((SIAE_KINDS as readonly string[]).includes(v)) return v as SiaeKind;
  throw new ScopeError(`type de SIAE inconnu « ${value} » (ACI, AI, EI, ETTI, EITI)`);
}

/** WHERE condition on `structure s` for the scope. */
// A structure's figures belong to its steering département (src/db/structureDepartement.ts).
export function scopeCondition(scope: Scope, kind?: SiaeKind): RawBuilder<unknown> {
  const k = kind === undefined ? sql`true` : sql`s.kind = ${kind}`;
  switch (scope.type) {
    case "nation":
      return k;
    case "region":
      return sql`${structureDepartement("s")} IN (SELECT code FROM ref_departement WHERE region_code = ${scope.code}) AND ${k}`;
    case "departement":
      return sql`${structureDepartement("s")} = ${scope.code} AND ${k}`;
    case "group":
      return sql`s.id IN (SELECT structure_id FROM structure_group_member WHERE group_id = ${scope.id}::bigint) AND ${k}`;
    case "structure":
      return sql`s.id = ${scope.id}::bigint AND ${k}`;
  }
}

/**
 * Condition on a structure column (`column`) of rows read for the scope: none for the whole nation without a
 * kind (every such row's foreign key references a structure), else a semi-join on `scopedIds` (the ids of the
 * scope's structures). Joining the nation to structure cost one index probe per row (a nested loop over tens
 * of thousands of rollup rows).
 */
export function structureInScope(
  column: RawBuilder<unknown>,
  scope: Scope,
  kind: SiaeKind | undefined,
  scopedIds: RawBuilder<unknown>,
): RawBuilder<unknown> {
  return scope.type === "nation" && kind === undefined ? sql`true` : sql`${column} IN (${scopedIds})`;
}

/**
 * Condition on the rows `r` of a rollup per (month, departement_code, kind) — migration 0840, keyed by the steering
 * département like scopeCondition — for a territory (nation, région, département); null for a group or a
 * structure, which those rollups cannot tell apart.
 */
export function territoryCondition(scope: Scope, kind?: SiaeKind): RawBuilder<unknown> | null {
  const k = kind === undefined ? sql`true` : sql`r.kind = ${kind}`;
  switch (scope.type) {
    case "nation":
      return k;
    case "region":
      return sql`r.departement_code IN (SELECT code FROM ref_departement WHERE region_code = ${scope.code}) AND ${k}`;
    case "departement":
      return sql`r.departement_code = ${scope.code} AND ${k}`;
    case "group":
    case "structure":
      return null;
  }
}

/** French name of the scope ("Pas-de-Calais (62)"); throws ScopeError when it does not exist. */
export async function describeScope(db: Kysely<Database>, scope: Scope): Promise<string> {
  const one = async (q: RawBuilder<{ name: string }>) => (await q.execute(db)).rows[0]?.name;
  let name: string | undefined;
  switch (scope.type) {
    case "nation":
      return "France entière";
    case "region":
      name = await one(sql<{ name: string }>`SELECT name FROM ref_region WHERE code = ${scope.code}`);
      if (name === undefined) throw new ScopeError(`région inconnue : ${scope.code}`);
      return `${name} (région ${scope.code})`;
    case "departement":
      name = await one(sql<{ name: string }>`SELECT name FROM ref_departement WHERE code = ${scope.code}`);
      if (name === undefined) throw new ScopeError(`département inconnu : ${scope.code}`);
      return `${name} (${scope.code})`;
    case "group":
      name = await one(sql<{ name: string }>`SELECT name FROM structure_group WHERE id = ${scope.id}::bigint`);
      if (name === undefined) throw new ScopeError(`groupe de structures inconnu : ${scope.id}`);
      return name;
    case "structure":
      name = await one(sql<{ name: string }>`SELECT name || ' (' || kind || ')' AS name FROM structure WHERE id = ${scope.id}::bigint`);
      if (name === undefined) throw new ScopeError(`structure inconnue : ${scope.id}`);
      return name;
  }
}
