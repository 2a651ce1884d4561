import { describe, expect, it } from "vitest";
import { validateNir } from "../domain/identifiers/nir.js";
import { fictitiousNir, isFictitiousNir } from "./fictitiousNir.js";

describe("fictitiousNir", () => {
  it("builds valid-key NIRs in the never-assigned country range 990–998", () => {
    const nir = fictitiousNir(2, "1985-07-14", 4321);
    expect(nir).toMatch(/^2850799994321\d{2}$/);
    expect(validateNir(nir).value).toBe(nir);
    expect(isFictitiousNir(nir)).toBe(true);
  });
  it("distinct serials give distinct NIRs; out of range is refused", () => {
    const set = new Set(Array.from({ length: 9000 }, (_, i) => fictitiousNir(1, "1990-01-02", i)));
    expect(set.size).toBe(9000);
    expect(() => fictitiousNir(1, "1990-01-02", 9000)).toThrow(RangeError);
  });
  it("real-looking NIRs (born in France, or a real country code) are not fictitious", () => {
    expect(isFictitiousNir("141068078200557")).toBe(false);
    expect(isFictitiousNir("185079913412345")).toBe(false);
  });
});
