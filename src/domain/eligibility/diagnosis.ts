import { addDays, addMonths, compareDates, type IsoDate, isWithin, parseIsoDate } from "../calendar/isoDate.js";
import type { DiagnosisAuthor } from "./criteria.js";

// Rule: prescriber diagnosis valid 6 months, SIAE diagnosis 92 days — iae-reference §4.2
export const PRESCRIBER_DIAGNOSIS_MONTHS = 6;
export const SIAE_DIAGNOSIS_DAYS = 92;

export interface Diagnosis {
  author: DiagnosisAuthor;
  createdAt: IsoDate;
  /** SIAE that made it (author SIAE): only that SIAE can use it. */
  siaeId?: string | null;
  /** PASS issued on this diagnosis, if any: the diagnosis stays valid while the PASS is valid. */
  approval?: { startAt: IsoDate; endAt: IsoDate } | null;
}

/** Last day of validity of a diagnosis (before the PASS extension). */
export function diagnosisExpiresAt(d: Diagnosis): IsoDate {
  parseIsoDate(d.createdAt, "eligibility.diagnosis.createdAt");
  return d.author === "PRESCRIBER" ? addDays(addMonths(d.createdAt, PRESCRIBER_DIAGNOSIS_MONTHS), -1) : addDays(d.createdAt, SIAE_DIAGNOSIS_DAYS - 1);
}

// Rule: a diagnosis is valid for its duration, and for as long as a PASS issued on it is valid — iae-reference §4.2
export function isDiagnosisValid(d: Diagnosis, date: IsoDate): boolean {
  parseIsoDate(date, "eligibility.diagnosis.date");
  if (compareDates(date, d.createdAt) < 0) return false;
  if (compareDates(date, diagnosisExpiresAt(d)) <= 0) return true;
  return d.approval != null && isWithin(date, d.approval.startAt, d.approval.endAt);
}

// Rule: SIAE diagnosis usable only by that SIAE; prescriber diagnosis by any SIAE; prescriber's takes precedence — iae-reference §4.2
export function usableDiagnosis(diagnoses: readonly Diagnosis[], siaeId: string, date: IsoDate): Diagnosis | null {
  const valid = diagnoses.filter((d) => isDiagnosisValid(d, date) && (d.author === "PRESCRIBER" || d.siaeId === siaeId));
  const sorted = valid.sort((a, b) => (a.author === b.author ? compareDates(b.createdAt, a.createdAt) : a.author === "PRESCRIBER" ? -1 : 1));
  return sorted[0] ?? null;
}
