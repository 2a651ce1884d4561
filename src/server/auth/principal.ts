// Who is calling, as every route and operation sees it. Filled by the session plugin
// (src/server/auth/) from the session cookie; `null` for anonymous requests.
import type { Role } from "../../db/schema.js";

export interface Principal {
  userId: number;
  email: string;
  displayName: string;
  role: Role;
  /** DREETS agents. */
  regionCode: string | null;
  /** DDETS agents and conseils départementaux. */
  departementCode: string | null;
  /** SIAE members: structures they belong to, and those where they are admin. */
  structureIds: readonly number[];
  adminStructureIds: readonly number[];
}

/**
 * Route policies. Every route declares one in `config: { policy }` (a test enumerates all routes and
 * fails when one has none). The resource in scope is read from the route params / query:
 *  - public                 no login (health, login page, OIDC callback)
 *  - authenticated          any logged-in user (own profile, referentials)
 *  - territory:read         aggregated statistics for a scope (query `scope` / `departement` / `region`);
 *                           national: all; regional: its région; departemental and conseil_departemental:
 *                           its département; siae: its structures only
 *  - structure:read         a structure's page (param `structureId`): territory agents in scope, members
 *  - structure:write        AF, conventions, sites (State agents of the territory; admin)
 *  - structure:instruct     the DDETS's own decisions on its département's structures: instruction of the
 *                           financing requests, envelope, part modulée grid, contrôle a posteriori (the
 *                           DDETS of the territory; admin) — neither the DREETS nor the DGEFP
 *  - structure:declare      monthly declarations, exits, salariés of a structure (its members; admin)
 *  - structure:admin        manage members / invitations (structure admins; platform admin)
 *  - person:read            a salarié's personal page (param `personId`): members of a structure that
 *                           employs/employed them; conseil_departemental only for RSA beneficiaries of its
 *                           département (limited fields); State agents: no personal page
 *  - person:write           change a salarié's personal data (members of an employing structure)
 *  - import:write           imports (departemental for its territory, national, admin)
 *  - admin                  platform administration (admin only)
 */
export type PolicyName =
  | "public"
  | "authenticated"
  | "territory:read"
  | "structure:read"
  | "structure:write"
  | "structure:instruct"
  | "structure:declare"
  | "structure:admin"
  | "person:read"
  | "person:write"
  | "import:write"
  | "admin";
