import { DomainRuleError, type Result, toResult } from "../errors.js";

export interface Nir {
  /** Normalised NIR: 15 chars, upper case (2A/2B kept). */
  value: string;
  sex: "1" | "2" | "3" | "4" | "7" | "8";
  birthYear2: string;
  birthMonth: string;
  /** First digit 7 or 8: temporary number, the ASP then requires a NTT. */
  needsNtt: boolean;
}

/** Official illustrative NIR (valid key, but fictitious) — iae-reference §9. */
export const ILLUSTRATIVE_NIR = "269054958815780";

// Rule: NIR 15 chars, first digit 1/2/3/4/7/8, month 01–12/20–42/50–99, Corsica 2A→19 2B→18, key = 97 − (13 digits mod 97) — iae-reference §9, published-figures §6
export function validateNir(input: string): Nir {
  const v = input.replace(/[\s\u00a0]/g, "").toUpperCase();
  if (v.length !== 15) throw new DomainRuleError("nir.length", input, "le NIR doit compter 15 caractères");
  if (!/^[123478]\d{4}(\d{2}|2A|2B)\d{8}$/.test(v))
    throw new DomainRuleError("nir.format", input, "format de NIR invalide (1er chiffre 1,2,3,4,7 ou 8 ; chiffres ; département 2A/2B)");
  const month = Number(v.slice(3, 5));
  const monthOk = (month >= 1 && month <= 12) || (month >= 20 && month <= 42) || (month >= 50 && month <= 99);
  if (!monthOk) throw new DomainRuleError("nir.month", input, "mois de naissance invalide (01–12, 20–42 ou 50–99)");
  const body = v.slice(0, 13).replace("2A", "19").replace("2B", "18");
  const key = 97 - Number(BigInt(body) % 97n);
  if (key !== Number(v.slice(13))) throw new DomainRuleError("nir.key", input, "clé de contrôle du NIR invalide");
  if (v === ILLUSTRATIVE_NIR) throw new DomainRuleError("nir.illustrative", input, "NIR fictif d'illustration refusé");
  const sex = v[0] as Nir["sex"];
  return { value: v, sex, birthYear2: v.slice(1, 3), birthMonth: v.slice(3, 5), needsNtt: sex === "7" || sex === "8" };
}

export function checkNir(input: string): Result<Nir> {
  return toResult(() => validateNir(input));
}

// Rule: NTT (numéro technique temporaire), as the ASP accepts it: spaces removed, 11–40 chars,
// 1 or 2 then 9 digits then 1–30 letters or digits — les-emplois itou/utils/validators.py (NTT_REGEX,
// validate_ntt, shared with the EmployeeRecord constraint); required when the NIR is missing or
// temporary (7/8) — iae-reference §7.2/§9. The value never appears in the error (personal identifier).
export const NTT_PATTERN = /^[12][0-9]{9}[0-9a-zA-Z]{1,30}$/;

export function validateNtt(input: string): string {
  const v = input.replace(/\s/g, "");
  if (v.length < 11 || v.length > 40)
    throw new DomainRuleError("ntt.length", { length: v.length }, "le NTT doit compter 11 à 40 caractères");
  if (!NTT_PATTERN.test(v))
    throw new DomainRuleError(
      "ntt.format",
      { length: v.length },
      "NTT invalide : 1 ou 2, puis 9 chiffres, puis 1 à 30 lettres ou chiffres",
    );
  return v;
}
