import { describe, expect, test } from "vitest";
import { visibilityOf } from "./policies.js";
import type { Principal } from "./principal.js";

describe("visibility of list routes", () => {
  test("by role", () => {
    const base: Principal = {
      userId: 1,
      email: "a@b.fr",
      displayName: "A",
      role: "siae",
      regionCode: null,
      departementCode: null,
      structureIds: [3, 4],
      adminStructureIds: [],
    };
    expect(visibilityOf(base)).toEqual({ kind: "structures", structureIds: [3, 4] });
    expect(visibilityOf({ ...base, role: "departemental", departementCode: "62" })).toEqual({ kind: "departement", departementCode: "62" });
    expect(visibilityOf({ ...base, role: "regional", regionCode: "32" })).toEqual({ kind: "region", regionCode: "32" });
    expect(visibilityOf({ ...base, role: "national" })).toEqual({ kind: "all" });
  });
});
