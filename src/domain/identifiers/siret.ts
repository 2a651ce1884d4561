import { DomainRuleError, type Result, toResult } from "../errors.js";

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Removes spaces (and non-breaking spaces) from a SIREN/SIRET typed by a human. */
export function normalizeSiret(value: string): string {
  return value.replace(/[\s\u00a0\u202f]/g, "");
}

// Rule: SIREN = 9 digits, Luhn mod 10 — published-figures §6 (SIREN/SIRET)
export function validateSiren(value: string): string {
  const s = normalizeSiret(value);
  if (!/^\d{9}$/.test(s)) throw new DomainRuleError("siren.format", value, "le SIREN doit compter 9 chiffres");
  if (!luhnValid(s)) throw new DomainRuleError("siren.luhn", value, "clé de Luhn du SIREN invalide");
  return s;
}

const LA_POSTE_SIREN = "356000000";
/** La Poste's head office (siège), registered before the digit-sum rule: valid although its digits sum to 26 (INSEE). */
export const LA_POSTE_HEAD_OFFICE_SIRET = "35600000000048";

// Rule: SIRET = 14 digits, Luhn mod 10; La Poste (356000000…) valid iff digit sum % 5 == 0, except its head
// office 356 000 000 00048, valid as registered by INSEE — published-figures §6.
// Passerelle checks the key where les-emplois checks only "14 digits" (itou/utils/validators.py
// validate_siret): a SIRET is an INSEE number whose key is part of its definition, and a typo caught here
// is a structure not attached to the wrong establishment.
export function validateSiret(value: string): string {
  const s = normalizeSiret(value);
  if (!/^\d{14}$/.test(s)) throw new DomainRuleError("siret.format", value, "le SIRET doit compter 14 chiffres");
  if (s === LA_POSTE_HEAD_OFFICE_SIRET) return s;
  if (s.startsWith(LA_POSTE_SIREN)) {
    const sum = [...s].reduce((acc, c) => acc + Number(c), 0);
    if (sum % 5 !== 0)
      throw new DomainRuleError("siret.laPoste", value, "SIRET La Poste : la somme des chiffres doit être un multiple de 5");
    return s;
  }
  if (!luhnValid(s)) throw new DomainRuleError("siret.luhn", value, "clé de Luhn du SIRET invalide");
  return s;
}

export function checkSiret(value: string): Result<string> {
  return toResult(() => validateSiret(value));
}

export function checkSiren(value: string): Result<string> {
  return toResult(() => validateSiren(value));
}

export function sirenOfSiret(siret: string): string {
  return validateSiret(siret).slice(0, 9);
}
