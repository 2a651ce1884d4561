import { describe, expect, test } from "vitest";
import { parseScope, resourceFromRequest, visibilityOf } from "./policies.js";
import type { Principal } from "./principal.js";

describe("resource of a request", () => {
  test("scopes", () => {
    expect(parseScope("nation")).toEqual({ kind: "nation" });
    expect(parseScope("region:32")).toEqual({ kind: "region", code: "32" });
    expect(parseScope("departement:2a")).toEqual({ kind: "departement", code: "2A" });
    expect(parseScope("structure:12")).toEqual({ kind: "structure", id: 12 });
    for (const bad of ["", "structure:0", "structure:1 OR 1=1", "departement:", "monde:1", "region:32;DROP"]) expect(parseScope(bad)).toBeNull();
  });

  test("params and query; malformed identifiers are named", () => {
    expect(resourceFromRequest({ structureId: "7", personId: "9" }, {})).toEqual({ resource: { structureId: 7, personId: 9 } });
    expect(resourceFromRequest({}, { departement: "62" })).toEqual({ resource: { scope: { kind: "departement", code: "62" } } });
    expect(resourceFromRequest({}, { scope: "region:32", departement: "62" }).resource.scope).toEqual({ kind: "region", code: "32" });
    expect(resourceFromRequest({ structureId: "7abc" }, {}).invalid).toBe("structureId");
    expect(resourceFromRequest({ personId: "-1" }, {}).invalid).toBe("personId");
    expect(resourceFromRequest({}, { departement: "620" }).invalid).toBe("departement");
    expect(resourceFromRequest({}, { scope: "partout" }).invalid).toBe("scope");
  });

  test("visibility of list routes", () => {
    const base: Principal = { userId: 1, email: "a@b.fr", displayName: "A", role: "siae", regionCode: null, departementCode: null, structureIds: [3, 4], adminStructureIds: [] };
    expect(visibilityOf(base)).toEqual({ kind: "structures", structureIds: [3, 4] });
    expect(visibilityOf({ ...base, role: "departemental", departementCode: "62" })).toEqual({ kind: "departement", departementCode: "62" });
    expect(visibilityOf({ ...base, role: "regional", regionCode: "32" })).toEqual({ kind: "region", regionCode: "32" });
    expect(visibilityOf({ ...base, role: "national" })).toEqual({ kind: "all" });
  });
});
