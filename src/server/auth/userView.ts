// The user as the web app sees it (contract: src/contracts/account.ts UserView).
import type { UserView } from "../../contracts/account.js";
import type { Principal } from "./principal.js";

export function userView(p: Principal): UserView {
  return {
    id: p.userId,
    email: p.email,
    displayName: p.displayName,
    role: p.role,
    departementCode: p.departementCode,
    regionCode: p.regionCode,
    structureIds: [...p.structureIds],
  };
}
