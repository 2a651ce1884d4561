// The one visibility rule of a person's rows, shared by the salarié page and the RGPD export:
//  - a SIAE member sees the contracts of its structures, and the rows attached to them;
//  - a conseil départemental sees the RSA contracts in its département only (limited view: no diagnosis,
//    no support action, no training, no NIR);
//  - a platform admin sees everything; State agents see no personal page.
// Which persons a caller may open at all: personAccess (below).
// Exits and monthly hours belong to a contract: visible when their contract is.
import { type RawBuilder, sql } from "kysely";
import type { Principal } from "../server/auth/principal.js";
import { memberStructure } from "./visibility.js";
import { structureDepartement } from "../db/structureDepartement.js";

/** Does the principal get the conseil départemental's limited view? */
export function limitedView(principal: Principal): boolean {
  return principal.role === "conseil_departemental";
}

/** Condition on the contract alias `c` (structure_id, rsa). */
export function visibleContract(principal: Principal, c: string): RawBuilder<boolean> {
  const structureId = sql.ref(`${c}.structure_id`);
  switch (principal.role) {
    case "admin":
      return sql<boolean>`true`;
    case "siae":
      return memberStructure(principal, structureId);
    case "conseil_departemental":
      return sql<boolean>`${sql.ref(`${c}.rsa`)} <> 'NON'
        AND ${structureId} IN (SELECT s.id FROM structure s WHERE ${structureDepartement("s")} = ${principal.departementCode ?? ""})`;
    default:
      return sql<boolean>`false`;
  }
}

/** Condition on an exit alias `e`: one of the contracts of its recruitment is visible. */
export function visibleExit(principal: Principal, e: string): RawBuilder<boolean> {
  return sql<boolean>`EXISTS (SELECT 1 FROM contract vc WHERE vc.person_id = ${sql.ref(`${e}.person_id`)}
    AND coalesce(vc.recruitment_id, vc.id) = ${sql.ref(`${e}.recruitment_id`)} AND ${visibleContract(principal, "vc")})`;
}

/** Condition on a monthly declaration alias `d`: its contract is visible. */
export function visibleDeclaration(principal: Principal, d: string): RawBuilder<boolean> {
  return sql<boolean>`EXISTS (SELECT 1 FROM contract vc WHERE vc.id = ${sql.ref(`${d}.contract_id`)} AND ${visibleContract(principal, "vc")})`;
}

/** Support actions and trainings (alias with structure_id): the structure's members and admins; never the limited view. */
export function visibleSupportRow(principal: Principal, alias: string): RawBuilder<boolean> {
  if (limitedView(principal)) return sql<boolean>`false`;
  const structureId = sql.ref(`${alias}.structure_id`);
  switch (principal.role) {
    case "admin":
      return sql<boolean>`true`;
    case "siae":
      return memberStructure(principal, structureId);
    default:
      return sql<boolean>`false`;
  }
}

/** Person-level eligibility data (diagnoses, criteria): not in the limited view. */
export function seesEligibility(principal: Principal): boolean {
  return principal.role === "admin" || principal.role === "siae";
}

/**
 * The one access rule to a salarié's personal page, as a condition on the person id expression `personId`
 * (the caller passed personRolePrecheck, src/server/auth/policies.ts): a platform admin sees every person; a SIAE member the persons its
 * structures employ or employed, or hold an ASP id for, or made a diagnosis of; a conseil départemental
 * (read only) the RSA beneficiaries employed in its département. Used alone by `authorize` (policies.ts) and
 * inside the salarié page's own statement (persons.ts), which evaluates it, writes the audit row only when
 * it holds and reads the page, in one statement.
 */
export function personAccess(principal: Principal, personId: RawBuilder<unknown>): RawBuilder<boolean> {
  switch (principal.role) {
    case "admin":
      return sql<boolean>`true`;
    case "conseil_departemental":
      return sql<boolean>`EXISTS (SELECT 1 FROM contract ac JOIN structure s ON s.id = ac.structure_id
        WHERE ac.person_id = ${personId} AND ac.rsa <> 'NON' AND ${structureDepartement("s")} = ${principal.departementCode ?? ""})`;
    case "siae":
      return sql<boolean>`(EXISTS (SELECT 1 FROM contract ac WHERE ac.person_id = ${personId} AND ${memberStructure(principal, sql.ref("ac.structure_id"))})
        OR EXISTS (SELECT 1 FROM person_asp_id aa WHERE aa.person_id = ${personId} AND ${memberStructure(principal, sql.ref("aa.structure_id"))})
        OR EXISTS (SELECT 1 FROM eligibility_diagnosis ad WHERE ad.person_id = ${personId}
          AND ${memberStructure(principal, sql.ref("ad.author_structure_id"))}))`;
    default:
      return sql<boolean>`false`;
  }
}
