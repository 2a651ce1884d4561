// Rule: the département a structure answers to is the one of its convention — the département in its AF
// numbers, i.e. the DDETS that signed it — and its address's only while it has no AF. The ASP and the
// Pilotage attach a structure's figures this way; the same département decides who steers it: the
// indicators' scopes, the read models' visibility, the route policies and the registry's filter all use
// this one expression (structure.convention_departement_code is kept by triggers, migration 0411).
import { type RawBuilder, sql } from "kysely";

/** The steering département of the structure row aliased `alias`. */
export function structureDepartement(alias: string): RawBuilder<string> {
  return sql<string>`coalesce(${sql.ref(`${alias}.convention_departement_code`)}, ${sql.ref(`${alias}.departement_code`)})`;
}
