/**
 * Errors of the pure domain rules.
 *
 * Style (one, everywhere in src/domain): every rule THROWS a `DomainRuleError` on invalid input.
 * It carries the rule id (`rule`, e.g. "nir.key"), the offending value (`value`) and a French
 * message. No rule ever returns NaN, an empty string or a silent default for invalid input.
 * A personal identifier (NIR, NTT, PASS number) is never kept: an error travels into logs, API answers
 * and stored import rejections, and a NIR refused for its key is usually the real one with a typo. The
 * rules of those identifiers (PERSONAL_IDENTIFIER_RULES) keep only the value's length, and their message
 * says what is wrong without the value.
 * Validators that callers want to use without try/catch have a `check*` twin built with
 * `toResult`, returning `{ ok: true, value } | { ok: false, error }`.
 */
export class DomainRuleError extends Error {
  readonly rule: string;
  readonly value: unknown;

  constructor(rule: string, value: unknown, message: string) {
    const personal = PERSONAL_IDENTIFIER_RULES.test(rule);
    const kept = personal ? withoutIdentifier(value) : value;
    super(personal ? `[${rule}] ${message}` : `[${rule}] ${message} (valeur : ${describe(kept)})`);
    this.name = "DomainRuleError";
    this.rule = rule;
    this.value = kept;
  }
}

/** Rules whose value is a personal identifier: NIR, NTT, PASS IAE number. */
export const PERSONAL_IDENTIFIER_RULES = /^(nir|ntt|passNumber)\./;

function withoutIdentifier(value: unknown): { length: number } | null {
  if (typeof value === "string") return { length: value.length };
  const length = value !== null && typeof value === "object" ? (value as { length?: unknown }).length : undefined;
  return typeof length === "number" ? { length } : null;
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: DomainRuleError };

/** Runs a throwing rule and returns its outcome as a result object. Non-domain errors are rethrown. */
export function toResult<T>(fn: () => T): Result<T> {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    if (error instanceof DomainRuleError) return { ok: false, error };
    throw error;
  }
}

/** Throws a DomainRuleError unless `condition` holds. */
export function ensure(condition: boolean, rule: string, value: unknown, message: string): asserts condition {
  if (!condition) throw new DomainRuleError(rule, value, message);
}
