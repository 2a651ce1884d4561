// The one grammar of request targets (scope text, département / région codes, ids).
import { describe, expect, test } from "vitest";
import { formatScope, parseDepartementCode, parseId, parseScope, ScopeError, scopeParam } from "./target.js";

describe("scope grammar", () => {
  test("every kind of scope, normalised", () => {
    expect(parseScope("nation")).toEqual({ type: "nation" });
    expect(parseScope("region:32")).toEqual({ type: "region", code: "32" });
    expect(parseScope("departement:2a")).toEqual({ type: "departement", code: "2A" });
    expect(parseScope("departement:6")).toEqual({ type: "departement", code: "06" });
    expect(parseScope("departement:971")).toEqual({ type: "departement", code: "971" });
    expect(parseScope("group:4")).toEqual({ type: "group", id: 4 });
    expect(parseScope("structure:12")).toEqual({ type: "structure", id: 12 });
    for (const s of ["nation", "region:32", "departement:2A", "group:4", "structure:12"]) expect(formatScope(parseScope(s))).toBe(s);
  });

  test("anything else is refused with a French message", () => {
    for (const bad of [
      "",
      "national",
      "structure:0",
      "structure:1 OR 1=1",
      "departement:",
      "departement:620",
      "monde:1",
      "region:32;DROP",
      "region:3",
      "structure:99999999999999999",
    ]) {
      expect(() => parseScope(bad), bad).toThrow(ScopeError);
    }
    expect(() => parseDepartementCode("6X")).toThrow(/département invalide/);
    expect(() => parseId("-1", "personne")).toThrow(/identifiant invalide/);
  });

  test("the zod parameter carries the grammar's message", () => {
    expect(scopeParam.parse("departement:62")).toEqual({ type: "departement", code: "62" });
    const r = scopeParam.safeParse("partout");
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/périmètre invalide/);
  });
});
