import { addYears, compareDates, type IsoDate, parseIsoDate } from "../calendar/isoDate.js";
import { DomainRuleError } from "../errors.js";

// Rule: a person's birth date is plausible when today − 100 years ≤ birth date < today − 16 years
// (younger than 100, strictly older than 16) — les-emplois itou/utils/validators.py validate_birthdate.
// The date itself never appears in the error (personal data).
export const MIN_AGE_YEARS = 16;
export const MAX_AGE_YEARS = 100;

export function validateBirthDate(birthDate: IsoDate, today: IsoDate): IsoDate {
  const d = parseIsoDate(birthDate, "person.birthDate");
  if (compareDates(d, addYears(today, -MAX_AGE_YEARS)) < 0)
    throw new DomainRuleError("person.birthDate.tooOld", null, "la personne doit avoir moins de 100 ans");
  if (compareDates(d, addYears(today, -MIN_AGE_YEARS)) >= 0)
    throw new DomainRuleError("person.birthDate.tooYoung", null, "la personne doit avoir plus de 16 ans");
  return d;
}

/** Age in whole years at a date (birthday reached on the same month and day, as addYears computes it). */
export function ageAt(birthDate: IsoDate, date: IsoDate): number {
  const b = parseIsoDate(birthDate, "person.birthDate");
  const y = Number(date.slice(0, 4)) - Number(b.slice(0, 4));
  return compareDates(addYears(b, y), date) <= 0 ? y : y - 1;
}
