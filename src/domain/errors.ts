/**
 * Errors of the pure domain rules.
 *
 * Style (one, everywhere in src/domain): every rule THROWS a `DomainRuleError` on invalid input.
 * It carries the rule id (`rule`, e.g. "nir.key"), the offending value (`value`) and a French
 * message. No rule ever returns NaN, an empty string or a silent default for invalid input.
 * Validators that callers want to use without try/catch have a `check*` twin built with
 * `toResult`, returning `{ ok: true, value } | { ok: false, error }`.
 */
export class DomainRuleError extends Error {
  readonly rule: string;
  readonly value: unknown;

  constructor(rule: string, value: unknown, message: string) {
    super(`[${rule}] ${message} (valeur : ${describe(value)})`);
    this.name = "DomainRuleError";
    this.rule = rule;
    this.value = value;
  }
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
