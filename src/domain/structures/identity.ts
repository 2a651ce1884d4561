import { DomainRuleError } from "../errors.js";
import { validateSiret } from "../identifiers/siret.js";
import { parseSiaeKind, type SiaeKind } from "./kinds.js";

/** Identity of a structure: (ASP id or SIRET, kind). */
export interface StructureIdentity {
  aspId: string | null;
  siret: string | null;
  kind: SiaeKind;
}

// Rule: a structure is identified by (ASP id or SIRET, kind); one legal entity may carry several kinds — iae-reference §1.1, design §4
export function structureKey(identity: { aspId?: string | null; siret?: string | null; kind: string }): string {
  const kind = parseSiaeKind(identity.kind);
  const aspId = identity.aspId?.trim();
  if (aspId) {
    if (!/^\d+$/.test(aspId)) throw new DomainRuleError("structure.aspId", identity.aspId, "identifiant ASP numérique attendu");
    return `asp:${aspId}:${kind}`;
  }
  if (identity.siret) return `siret:${validateSiret(identity.siret)}:${kind}`;
  throw new DomainRuleError("structure.identity", identity, "identifiant ASP ou SIRET requis");
}

export function sameStructure(a: StructureIdentity, b: StructureIdentity): boolean {
  if (a.kind !== b.kind) return false;
  if (a.aspId && b.aspId) return a.aspId === b.aspId;
  if (a.siret && b.siret) return validateSiret(a.siret) === validateSiret(b.siret);
  return false;
}
