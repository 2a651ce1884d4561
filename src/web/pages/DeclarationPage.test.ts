import { describe, expect, it } from "vitest";
import { companyHoursError, hoursError, parseHours, transmittedHint } from "./DeclarationPage.js";

describe("declaration entry", () => {
  it("reads French decimals and refuses what is not a month's hours", () => {
    expect(parseHours("151,67")).toBe(151.67);
    expect(parseHours("1,234")).toBeNull();
    expect(hoursError("")).toMatch(/Saisissez/);
    expect(hoursError("745")).toMatch(/744/);
  });
  it("says at entry what the ASP will receive of a fraction (whole hours), and nothing for whole hours", () => {
    expect(transmittedHint("110,5")).toBe("L'ASP reçoit des heures entières : 110 h seront transmises.");
    expect(transmittedHint("111.5")).toMatch(/112 h/);
    expect(transmittedHint("26,75")).toMatch(/27 h/);
    expect(transmittedHint("120")).toBeNull();
    expect(transmittedHint("abc")).toBeNull();
  });
  it("checks an AI line's company hours: optional, within the month's hours and the 480 h balance", () => {
    expect(companyHoursError("", 100, 80)).toBeNull();
    expect(companyHoursError("80", 100, 80)).toBeNull();
    expect(companyHoursError("80,5", 100, 80)).toMatch(/480 h.*80,00 h possibles/);
    expect(companyHoursError("101", 100, null)).toMatch(/heures du mois/);
    expect(companyHoursError("500", 600, null)).toBeNull();
    expect(companyHoursError("abc", 100, 80)).toMatch(/Nombre/);
  });
});
