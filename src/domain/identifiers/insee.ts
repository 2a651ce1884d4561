import { DomainRuleError } from "../errors.js";

// Rule: ASP département code (3 chars) → INSEE département (062→62, 02A→2A, 059L/59L/59V→59, 971→971) — iae-reference §2.1/§7.1, published-figures §6
export function aspDepartementToInsee(code: string): string {
  const c = code.trim().toUpperCase();
  let m = /^0?(59)[LV]$/.exec(c);
  if (m) return "59";
  m = /^0?(2[AB])$/.exec(c);
  if (m?.[1]) return m[1];
  m = /^(97[1-8]|98[4-9])$/.exec(c);
  if (m?.[1]) return m[1];
  m = /^0?(\d{2})$/.exec(c);
  if (m?.[1] && m[1] !== "00" && m[1] !== "20") return m[1];
  throw new DomainRuleError("insee.departement", code, "code département ASP/INSEE inconnu");
}

// Rule: INSEE département code, leading zero restored (1 → 01) — iae-reference §7.1
export function normalizeDepartement(code: string): string {
  const c = code.trim().toUpperCase();
  if (/^\d$/.test(c)) return aspDepartementToInsee(`0${c}`);
  return aspDepartementToInsee(c);
}

// Rule: INSEE commune code = 5 chars, leading zeros restored (1001 → 01001), Corsica 2A/2B — iae-reference §7.1
export function normalizeCommuneCode(code: string): string {
  const c = code.trim().toUpperCase();
  if (/^\d{4,5}$/.test(c)) {
    const padded = c.padStart(5, "0");
    if (padded.startsWith("00")) throw new DomainRuleError("insee.commune", code, "code commune INSEE invalide");
    return padded;
  }
  if (/^2[AB]\d{3}$/.test(c)) return c;
  throw new DomainRuleError("insee.commune", code, "code commune INSEE invalide (5 caractères attendus)");
}

/** INSEE département of a commune code (97x for overseas). */
export function departementOfCommune(code: string): string {
  const c = normalizeCommuneCode(code);
  return c.startsWith("97") || c.startsWith("98") ? c.slice(0, 3) : c.slice(0, 2);
}
