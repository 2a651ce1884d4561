// The roles matrix of docs/SECURITY.md, written independently of src/server/auth/policies.ts: what each
// role may do with a resource of its own territory / structure ("home") or of another ("other").
import type { PolicyName } from "../../../src/server/auth/principal.js";
import type { Persona } from "./fixture.js";

export type Target = "home" | "other";
export interface Shape {
  structure: boolean;
  person: boolean;
}

const STATE = new Set<Persona>(["national", "regional", "departemental"]);
const SIAE = new Set<Persona>(["siaeAdmin", "siaeMember"]);

/** The roles matrix of docs/SECURITY.md. */
export function expectedAllowed(policy: PolicyName, who: Persona, target: Target, shape: Shape): boolean {
  const home = target === "home";
  if (policy === "public" || policy === "authenticated") return true;
  if (who === "admin") return true;
  const named = shape.structure || shape.person;
  switch (policy) {
    case "admin":
      return false;
    case "territory:read":
      if (who === "national") return true;
      if (SIAE.has(who)) return shape.structure && home;
      return home;
    case "structure:read":
      if (!shape.structure || who === "national") return true;
      return home;
    case "structure:write":
      if (!STATE.has(who)) return false;
      return who === "national" || home;
    case "structure:instruct":
      return who === "departemental" && home;
    case "structure:declare":
      return SIAE.has(who) && (!shape.structure || home);
    case "structure:admin":
      if (who === "siaeAdmin") return !shape.structure || home;
      return who === "siaeMember" && !shape.structure;
    case "person:read":
      if (STATE.has(who)) return false;
      return !named || home; // siae members, conseil départemental (P1 is an RSA beneficiary in 62)
    case "person:write":
      return SIAE.has(who) && (!named || home);
    case "import:write":
      if (who === "national") return true;
      return who === "departemental" && home;
  }
}

/**
 * Routes narrower than their policy (docs/SECURITY.md, "Restrictions propres à une route"): `false` where the
 * route refuses a caller its policy lets through. The fixture's S1 is not co-financed by the département.
 */
const COFINANCED_ONLY = (who: Persona) => who !== "conseil_departemental";
export const ROUTE_RESTRICTIONS: Record<string, (who: Persona) => boolean> = {
  "GET /api/v1/structures/:structureId/financing-request": COFINANCED_ONLY,
  "GET /api/v1/structures/:structureId/financing-requests": COFINANCED_ONLY,
  "GET /api/v1/structures/:structureId/dialogue": COFINANCED_ONLY,
  "GET /api/v1/structures/:structureId/dialogue/document": COFINANCED_ONLY,
  // The SIAE's files are for the DDETS: neither the conseil départemental nor the DREETS nor the DGEFP.
  "GET /api/v1/structures/:structureId/financing-request/attachments/:attachmentId": (who) =>
    SIAE.has(who) || who === "departemental" || who === "admin",
};
