import { describe, expect, it } from "vitest";
import { sameStructure, structureKey } from "./identity.js";
import { kindOfMesure, mesureCountsForPosts, mesureFromId, mesureOfKind, parseSiaeKind } from "./kinds.js";

describe("structures (iae-reference §1.1)", () => {
  it("maps mesures to kinds and excludes FDI / PA from posts", () => {
    expect(kindOfMesure("ACI_MP")).toBe("ACI");
    expect(kindOfMesure("FDI_DC")).toBeNull();
    expect(["ACI_DC", "AI_DC", "EI_DC", "ETTI_DC", "EITI_DC", "ACI_MP", "EI_MP"].every(mesureCountsForPosts)).toBe(true);
    expect(["FDI_DC", "ACIPA_DC", "EIPA_DC"].some(mesureCountsForPosts)).toBe(false);
    expect(mesureOfKind("EITI")).toBe("EITI_DC");
    expect(mesureOfKind("ACI", true)).toBe("ACI_MP");
    expect(() => mesureOfKind("AI", true)).toThrow(/structure.mesurePenitentiary/);
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(mesureFromId)).toEqual([
      "AI_DC",
      "ACI_DC",
      "EI_DC",
      "ETTI_DC",
      "FDI_DC",
      "EI_MP",
      "ACI_MP",
      "EITI_DC",
    ]);
    expect(() => mesureFromId(9)).toThrow(/structure.mesureId/);
    expect(() => kindOfMesure("XX_DC")).toThrow(/structure.mesure/);
    expect(() => parseSiaeKind("EA")).toThrow(/structure.kind/);
  });
  it("identifies a structure by (ASP id or SIRET, kind)", () => {
    expect(structureKey({ aspId: "1234", kind: "ACI" })).toBe("asp:1234:ACI");
    expect(structureKey({ aspId: "1234", kind: "AI" })).not.toBe(structureKey({ aspId: "1234", kind: "ACI" }));
    expect(structureKey({ siret: "732 829 320 00074", kind: "EI" })).toBe("siret:73282932000074:EI");
    expect(() => structureKey({ kind: "EI" })).toThrow(/structure.identity/);
    expect(sameStructure({ aspId: "1", siret: null, kind: "ACI" }, { aspId: "1", siret: null, kind: "ACI" })).toBe(true);
    expect(sameStructure({ aspId: "1", siret: null, kind: "ACI" }, { aspId: "1", siret: null, kind: "AI" })).toBe(false);
  });
});
