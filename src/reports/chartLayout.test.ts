import { describe, expect, it } from "vitest";
import { categoryLines } from "./chartLayout.js";

describe("category labels of a chart", () => {
  it("keep a short label on one line", () => {
    expect(categoryLines("ERBM", 80)).toEqual(["ERBM"]);
  });
  it("wrap a long label on two lines that fit the slot, the second shortened", () => {
    const lines = categoryLines("Engagement pour le renouveau du bassin minier", 40);
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(Math.floor(40 / 3.6));
    expect(lines[0]).toBe("Engagement");
    expect(lines[1]?.endsWith("…")).toBe(true);
  });
});
