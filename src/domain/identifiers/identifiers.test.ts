import { describe, expect, it } from "vitest";
import { DomainRuleError } from "../errors.js";
import { afNumberFromParts, checkAfNumber, parseAfNumber, validateAfPrefix } from "./afNumber.js";
import { aspDepartementToInsee, departementOfCommune, normalizeCommuneCode, normalizeDepartement } from "./insee.js";
import { ageAt } from "./birthDate.js";
import { checkNir, NTT_PATTERN, validateNir, validateNtt } from "./nir.js";
import { checkPassNumber, formatPassNumber, parsePassNumber } from "./passNumber.js";
import { checkSiret, normalizeSiret, validateSiren, validateSiret } from "./siret.js";

function ruleOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainRuleError) return e.rule;
    throw e;
  }
  return "none";
}

describe("NIR (published-figures §6 vectors)", () => {
  it.each(["141068078200557", "141062a78200555", "141062B78200582", "141208078200587", "341068078200554"])("accepts %s", (nir) => {
    expect(validateNir(nir).needsNtt).toBe(false);
  });
  it("rejects invalid vectors with the rule name", () => {
    expect(ruleOf(() => validateNir("123456789"))).toBe("nir.length");
    expect(ruleOf(() => validateNir("141068078200557123"))).toBe("nir.length");
    expect(ruleOf(() => validateNir("941208078200575"))).toBe("nir.format");
    expect(ruleOf(() => validateNir("141208078200557"))).toBe("nir.key");
    expect(ruleOf(() => validateNir("141068078200520"))).toBe("nir.key");
    expect(ruleOf(() => validateNir("269054958815780"))).toBe("nir.illustrative");
    expect(ruleOf(() => validateNir("141138078200557"))).toBe("nir.month");
    expect(checkNir("141208078200557").ok).toBe(false);
  });
  it("flags temporary NIRs (7/8) as needing a NTT", () => {
    const body = "7410680782005";
    const key = String(97 - Number(BigInt(body) % 97n)).padStart(2, "0");
    const nir = validateNir(body + key);
    expect(nir.needsNtt).toBe(true);
    expect(nir.value).toBe(body + key);
    expect(validateNir("141062a78200555").value).toBe("141062A78200555");
    expect(validateNtt("12345678901")).toBe("12345678901");
    expect(ruleOf(() => validateNtt("123"))).toBe("ntt.length");
  });
});

describe("SIREN / SIRET", () => {
  it("checks Luhn and normalises spaces", () => {
    expect(validateSiret("732 829 320 00074")).toBe("73282932000074");
    expect(validateSiren("732829320")).toBe("732829320");
    expect(normalizeSiret(" 732 829 320 00074 ")).toBe("73282932000074");
    expect(ruleOf(() => validateSiret("73282932000075"))).toBe("siret.luhn");
    expect(ruleOf(() => validateSiret("7328293200007"))).toBe("siret.format");
    expect(ruleOf(() => validateSiren("732829321"))).toBe("siren.luhn");
    expect(checkSiret("abc").ok).toBe(false);
  });
  it("applies the La Poste exception (digit sum multiple of 5)", () => {
    // 3+5+6 = 14; suffix 00001 → 15 (multiple of 5) valid even though Luhn fails
    expect(validateSiret("35600000000001")).toBe("35600000000001");
    expect(ruleOf(() => validateSiret("35600000000002"))).toBe("siret.laPoste");
    expect(validateSiret("35600000049837")).toBe("35600000049837");
  });
});

describe("AF number (published-figures §6 vectors)", () => {
  it.each(["ACI063170007A0M0", "EI080180002A1M1", "EI59V182019A1M1", "AI088160001A1M1"])("accepts %s", (n) => {
    expect(checkAfNumber(n).ok).toBe(true);
  });
  it("accepts FDI only when allowed", () => {
    expect(() => parseAfNumber("FDI054200058A0M0")).toThrow(DomainRuleError);
    expect(parseAfNumber("FDI054200058A0M0", { allowFdi: true }).kind).toBe("FDI");
  });
  it.each(["ACI063170007", "ACI063170007Z1Z1", "EI08018002A1M1", "AI08816001A1M1"])("rejects %s", (n) => {
    expect(() => parseAfNumber(n)).toThrow(DomainRuleError);
  });
  it("parses the parts", () => {
    expect(parseAfNumber("EI59V182019A1M1")).toEqual({
      value: "EI59V182019A1M1",
      prefix: "EI59V182019",
      kind: "EI",
      departementAsp: "59V",
      departement: "59",
      millesime: "18",
      order: "2019",
      renewal: 1,
      modification: 1,
    });
    const aci = parseAfNumber("ACI063170007A0M0");
    expect([aci.departementAsp, aci.departement, aci.millesime, aci.order]).toEqual(["063", "63", "17", "0007"]);
    expect(parseAfNumber("ACI02A170007A2M3").departement).toBe("2A");
    expect(parseAfNumber("ETTI971210001A0M0").departement).toBe("971");
    expect(afNumberFromParts("ACI054180019", "1", 0).value).toBe("ACI054180019A1M0");
    expect(ruleOf(() => parseAfNumber("ACI063170007"))).toBe("afNumber.suffix");
    expect(validateAfPrefix("ACI054180019")).toBe("ACI054180019");
    expect(ruleOf(() => validateAfPrefix("XYZ054180019"))).toBe("afNumber.prefix");
  });
});

describe("INSEE codes", () => {
  it("maps ASP départements", () => {
    expect(aspDepartementToInsee("062")).toBe("62");
    expect(aspDepartementToInsee("001")).toBe("01");
    expect(aspDepartementToInsee("02A")).toBe("2A");
    expect(aspDepartementToInsee("59L")).toBe("59");
    expect(aspDepartementToInsee("059V")).toBe("59");
    expect(aspDepartementToInsee("971")).toBe("971");
    expect(normalizeDepartement("1")).toBe("01");
    expect(ruleOf(() => aspDepartementToInsee("000"))).toBe("insee.departement");
  });
  it("restores leading zeros of commune codes", () => {
    expect(normalizeCommuneCode("1001")).toBe("01001");
    expect(normalizeCommuneCode("62041")).toBe("62041");
    expect(normalizeCommuneCode("2a004")).toBe("2A004");
    expect(departementOfCommune("97411")).toBe("974");
    expect(departementOfCommune("1001")).toBe("01");
    expect(ruleOf(() => normalizeCommuneCode("12"))).toBe("insee.commune");
  });
});

describe("PASS IAE number", () => {
  it("parses, classifies and formats", () => {
    expect(parsePassNumber("999990000001")).toEqual({ value: "999990000001", platformIssued: true });
    expect(parsePassNumber("621234567890").platformIssued).toBe(false);
    expect(formatPassNumber("999992135866")).toBe("99999 21 35866");
    expect(parsePassNumber("99999 21 35866").value).toBe("999992135866");
    expect(checkPassNumber("99999123").ok).toBe(false);
    expect(ruleOf(() => parsePassNumber("99999ABCDEFG"))).toBe("passNumber.format");
  });
});

describe("La Poste head office, NTT and birth date", () => {
  it("accepts La Poste's head-office SIRET 356 000 000 00048", () => {
    expect(validateSiret("356 000 000 00048")).toBe("35600000000048");
    expect(() => validateSiret("35600000000049")).toThrow(/siret/);
  });
  it("checks the NTT pattern without echoing it", () => {
    expect(validateNtt("1 123456789 AB")).toBe("1123456789AB");
    expect(NTT_PATTERN.test("312345678901")).toBe(false);
    try {
      validateNtt("312345678901");
    } catch (e) {
      expect(String(e)).not.toContain("312345678901");
    }
  });
  it("ages in whole years", () => {
    expect(ageAt("1967-03-01", "2024-03-01")).toBe(57);
    expect(ageAt("1967-03-02", "2024-03-01")).toBe(56);
  });
});
