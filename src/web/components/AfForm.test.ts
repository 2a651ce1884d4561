// Checks of the AF form that run as you type (French messages) and its exact money arithmetic.
import { describe, expect, it } from "vitest";
import { endError, etpError, fromHundredths, modulationError, toHundredths } from "./AfForm.js";

describe("AF form checks", () => {
  it("parses French decimals to hundredths exactly and back", () => {
    expect(toHundredths("12,5")).toBe(1250);
    expect(toHundredths("0.07")).toBe(7);
    expect(toHundredths("1234567,89")).toBe(123456789);
    expect(toHundredths("1,234")).toBeNull();
    expect(toHundredths("-1")).toBeNull();
    expect(fromHundredths(123456789)).toBe("1234567.89");
    expect(fromHundredths(-5)).toBe("-0.05");
  });

  it("asks for ETP > 0, one calendar year, modulated part within its bound", () => {
    expect(etpError("")).toBe("Indiquez le nombre d'ETP conventionnés.");
    expect(etpError("0")).toBe("Le nombre d'ETP conventionnés doit être supérieur à 0.");
    expect(etpError("1,555")).toBe("Nombre attendu, 2 décimales au plus (ex. 12,5).");
    expect(etpError("0,5")).toBeNull();
    expect(endError("2020-01-01", "2021-03-31")).toBe(
      "Une annexe financière couvre une seule année civile : date de fin attendue en 2020.",
    );
    expect(endError("2020-06-01", "2020-05-31")).toBe("La date de fin doit suivre la date de début.");
    expect(endError("2020-01-01", "2020-12-31")).toBeNull();
    expect(modulationError("", false)).toBeNull();
    expect(modulationError("10", false)).toBeNull();
    expect(modulationError("10,5", false)).toBe("Part modulée entre 0 et 10 % attendue.");
    expect(modulationError("6", true)).toBe("Part modulée entre 0 et 5 % attendue en milieu pénitentiaire.");
  });
});
