import type { z } from "zod";
import type { Clock } from "../domain/calendar/clock.js";
import { DomainRuleError } from "../domain/errors.js";
import type { PersonalDataCipher } from "../security/personalData.js";
import type { Actor } from "../db/audit.js";

export interface OperationDeps {
  clock: Clock;
  pii: PersonalDataCipher;
  actor: Actor;
}

export interface InputIssue {
  field: string;
  reason: string;
}

/** Invalid input of an operation: every problem, with the field it concerns (French reasons). */
export class OperationInputError extends Error {
  readonly issues: readonly InputIssue[];
  constructor(issues: readonly InputIssue[]) {
    super(`Saisie invalide : ${issues.map((i) => `${i.field} — ${i.reason}`).join(" ; ")}`);
    this.name = "OperationInputError";
    this.issues = issues;
  }
}

/** A referenced row (structure, person, annex…) does not exist. */
export class NotFoundError extends Error {
  constructor(
    readonly entity: string,
    readonly id: string | number,
  ) {
    super(`${entity} introuvable : ${id}`);
    this.name = "NotFoundError";
  }
}

/** Validate an operation input with its zod schema; throws OperationInputError listing every issue. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new OperationInputError(result.error.issues.map((i) => ({ field: i.path.join(".") || "(entrée)", reason: i.message })));
}

/** Run a domain rule and report its failure as an input issue on `field`. */
export function ruleOnField<T>(field: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof DomainRuleError) throw new OperationInputError([{ field, reason: error.message }]);
    throw error;
  }
}
