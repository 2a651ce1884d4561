import { describe, expect, it } from "vitest";
import { debLine, finLine, fluxCell, fluxDate, fluxDateTime, fluxDuration, fluxFileName, fluxLine, fluxWholeHours } from "./format.js";

describe("FluxIAE write conventions (iae-reference §7.1)", () => {
  it("dates dd/mm/yyyy, timestamps in Paris time, durations HH:MM", () => {
    expect(fluxDate("2022-02-01")).toBe("01/02/2022");
    expect(fluxDate(null)).toBe("");
    expect(() => fluxDate("01/02/2022")).toThrow(RangeError);
    expect(fluxDateTime(new Date("2022-07-01T22:30:05Z"))).toBe("02/07/2022 00:30:05");
    expect(fluxDate(new Date("2022-12-31T23:30:00Z"))).toBe("01/01/2023");
    expect(fluxDuration("35.00")).toBe("35:00");
    expect(fluxDuration(26.5)).toBe("26:30");
    expect(fluxDuration(null)).toBe("");
    expect(() => fluxDuration("-1")).toThrow(RangeError);
  });
  it("monthly hours as whole numbers (the ASP's integer emi_nb_heures_travail): nearest hour, halves to even", () => {
    expect(["24.00", "110.50", "111.5", "26.25", "26.75", 0, "0.50", "1.50"].map(fluxWholeHours)).toEqual([
      "24",
      "110",
      "112",
      "26",
      "27",
      "0",
      "0",
      "2",
    ]);
    expect(fluxWholeHours(null)).toBe("");
    expect(() => fluxWholeHours("-1")).toThrow(RangeError);
  });
  it("cells: booleans true/false, null empty, `|` and line breaks cannot break a row", () => {
    expect(fluxLine([1, true, false, null, undefined, "a|b", "x\r\ny"])).toBe("1|true|false|||a\u00a6b|x y\n");
    expect(fluxCell("12.50")).toBe("12.50");
  });
  it("DEB and FIN markers padded to the header width; ASP file name", () => {
    const at = new Date("2022-02-07T05:30:04Z");
    expect(debLine("AnnexeFinanciere", at, 4)).toBe("DEBAnnexeFinanciere07022022_063004|||\n");
    expect(finLine(85, 3)).toBe("FIN85||\n");
    expect(fluxFileName("Salarie", at)).toBe("fluxIAE_Salarie_07022022_063004.csv");
  });
});
