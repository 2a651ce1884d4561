import { describe, expect, it } from "vitest";
import { declarationDeadline, monthToDeclare } from "./month.js";

describe("month to declare", () => {
  it("is the month before today's, across a year", () => {
    expect(monthToDeclare("2020-01-15")).toBe("2019-12");
    expect(monthToDeclare("2019-12-31")).toBe("2019-11");
    expect(monthToDeclare("2024-03-01")).toBe("2024-02");
  });
  it("is due by the end of the following month (leap February included)", () => {
    expect(declarationDeadline("2019-12")).toBe("2020-01-31");
    expect(declarationDeadline("2024-01")).toBe("2024-02-29");
    expect(declarationDeadline("2023-01")).toBe("2023-02-28");
  });
});
