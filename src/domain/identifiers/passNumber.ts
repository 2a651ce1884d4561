import { DomainRuleError, type Result, toResult } from "../errors.js";

/** ASP prefix of PASS IAE numbers issued by the platform — iae-reference §5. */
export const PASS_PLATFORM_PREFIX = "99999";

export interface PassNumber {
  value: string;
  /** true when issued by the platform (99999 + 7 digits), false for a former Pôle emploi agrément. */
  platformIssued: boolean;
}

// Rule: PASS IAE number = 12 digits; platform = 99999 + 7 digits, else former agrément (12 digits) — iae-reference §5
export function parsePassNumber(input: string): PassNumber {
  const v = input.replace(/[\s\u00a0.]/g, "");
  if (!/^\d{12}$/.test(v)) throw new DomainRuleError("passNumber.format", input, "le numéro de PASS IAE doit compter 12 chiffres");
  return { value: v, platformIssued: v.startsWith(PASS_PLATFORM_PREFIX) };
}

// Rule: PASS display XXXXX XX XXXXXXX — iae-reference §5
export function formatPassNumber(input: string): string {
  const { value } = parsePassNumber(input);
  return `${value.slice(0, 5)} ${value.slice(5, 7)} ${value.slice(7)}`;
}

export function checkPassNumber(input: string): Result<PassNumber> {
  return toResult(() => parsePassNumber(input));
}
