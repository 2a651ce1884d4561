// What a principal may see, as SQL conditions shared by the read models: the structures of its territory
// or its memberships (State agents, conseils départementaux, SIAE members), everything for the national
// level and platform admins. A read model ANDs these with the request's target: even a target the
// policy let through never widens what the caller sees.
import { type RawBuilder, sql } from "kysely";
import type { Principal } from "../server/auth/principal.js";
import { structureDepartement } from "../db/structureDepartement.js";

/** The structures a principal may see, as a condition on the structure id expression `id`. */
export function visibleStructure(principal: Principal, id: RawBuilder<unknown>): RawBuilder<boolean> {
  switch (principal.role) {
    case "national":
    case "admin":
      return sql<boolean>`true`;
    case "regional":
      return sql<boolean>`${id} IN (SELECT s.id FROM structure s JOIN ref_departement d ON d.code = ${structureDepartement("s")}
        WHERE d.region_code = ${principal.regionCode ?? ""})`;
    case "departemental":
    case "conseil_departemental":
      return sql<boolean>`${id} IN (SELECT s.id FROM structure s WHERE ${structureDepartement("s")} = ${principal.departementCode ?? ""})`;
    case "siae":
      return memberStructure(principal, id);
  }
}

/**
 * The structures the principal is a member of (SIAE staff), as a condition on the structure id expression
 * `id`: one array parameter, so that the statement's text does not depend on how many (prepared statements).
 */
export function memberStructure(principal: Principal, id: RawBuilder<unknown>): RawBuilder<boolean> {
  return principal.structureIds.length > 0 ? sql<boolean>`${id} = ANY(${principal.structureIds}::bigint[])` : sql<boolean>`false`;
}
