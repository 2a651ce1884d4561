// Text rules of the fiche salarié (iae-reference §7.2): names in upper-case ASCII, ≤ 30 characters.

/** Upper-case ASCII: accents removed, ligatures spelled out (Œ → OE, Æ → AE, ß → SS), spaces collapsed. */
export function foldAscii(value: string): string {
  return value
    .replace(/[œŒ]/g, "OE")
    .replace(/[æÆ]/g, "AE")
    .replace(/ß/g, "SS")
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[’‘`´]/g, "'")
    .toUpperCase()
    .replace(/\s+/g, " ")
    .trim();
}

export const ASP_NAME_MAX = 30;

// Rule: nomUsage / nomNaissance / prenom: ≤ 30 characters, upper-case ASCII letters, space, hyphen, apostrophe — iae-reference §7.2
export function aspName(value: string): { value: string; error: string | null } {
  const v = foldAscii(value);
  if (v === "") return { value: v, error: "valeur vide" };
  const bad = [...new Set(v.replace(/[A-Z' -]/g, ""))];
  if (bad.length > 0) return { value: v, error: `caractères non admis par l'ASP : ${bad.join(" ")}` };
  if (v.length > ASP_NAME_MAX) return { value: v, error: `${v.length} caractères (30 au plus)` };
  return { value: v, error: null };
}

// Rule: adrLibelleVoie without diacritics nor parentheses — ASP error 3330 (parentheses are not listed as invalid
// by the specification); les-emplois itou/employee_record/serializers.py get_adrLibelleVoie. Case kept.
export function aspLaneName(value: string): string {
  return value
    .replace(/[œŒ]/g, (c) => (c === "œ" ? "oe" : "OE"))
    .replace(/[æÆ]/g, (c) => (c === "æ" ? "ae" : "AE"))
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[()]/g, "");
}
