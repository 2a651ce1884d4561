import { describe, expect, it } from "vitest";
import { tenthOf, viewTimings } from "./importScenario.js";

describe("import scenario helpers", () => {
  it("reads the per-view durations of an import report, ignoring what is not one", () => {
    const stdout = JSON.stringify({
      rowsRead: 3,
      views: [
        { view: "Salarie", file: "a.csv", rows: 2, ms: 10 },
        { view: "EtatMensuelIndiv", file: "b.csv", rows: 1, ms: 5, steps: { "lecture + COPY": 3 } },
        { view: 1 },
      ],
    });
    expect(viewTimings(stdout)).toEqual([
      { view: "Salarie", file: "a.csv", rows: 2, ms: 10 },
      { view: "EtatMensuelIndiv", file: "b.csv", rows: 1, ms: 5, steps: { "lecture + COPY": 3 } },
    ]);
    expect(viewTimings("not json")).toEqual([]);
    expect(viewTimings(JSON.stringify({ rowsRead: 1 }))).toEqual([]);
  });
  it("a tenth of the scale", () => {
    expect(tenthOf("national")).toBe("0.1");
    expect(tenthOf("0.02")).toBe("0.002");
  });
});
