import { addDays, addMonths, compareDates, type IsoDate, parseIsoDate } from "../calendar/isoDate.js";
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
  return d.author === "PRESCRIBER"
    ? addDays(addMonths(d.createdAt, PRESCRIBER_DIAGNOSIS_MONTHS), -1)
    : addDays(d.createdAt, SIAE_DIAGNOSIS_DAYS - 1);
}

/**
 * Rule: a diagnosis is valid for its duration, and for as long as a PASS issued on it has not ended —
 * iae-reference §4.2, les-emplois itou/eligibility/models/iae.py EligibilityDiagnosis.is_considered_valid.
 * A PASS that starts in the future (hiring planned after the diagnosis expires) keeps its diagnosis valid
 * from the diagnosis until the PASS end, as in les-emplois (which tests only the PASS end): the PASS was
 * issued on this diagnosis and carries the prescription of the parcours (R.5132-1-1), so the person
 * must not lose it between the issue and the first day of work.
 * Passerelle counts the PASS end day itself (the PASS is valid on its end date, end inclusive — les-emplois
 * Approval.is_valid: today ≤ end_at), where is_considered_valid tests end_at > today: one day apart.
 */
export function isDiagnosisValid(d: Diagnosis, date: IsoDate): boolean {
  parseIsoDate(date, "eligibility.diagnosis.date");
  if (compareDates(date, d.createdAt) < 0) return false;
  if (compareDates(date, diagnosisExpiresAt(d)) <= 0) return true;
  return d.approval != null && compareDates(date, d.approval.endAt) <= 0;
}

// Rule: SIAE diagnosis usable only by that SIAE; prescriber diagnosis by any SIAE; prescriber's takes precedence — iae-reference §4.2
export function usableDiagnosis(diagnoses: readonly Diagnosis[], siaeId: string, date: IsoDate): Diagnosis | null {
  const valid = diagnoses.filter((d) => isDiagnosisValid(d, date) && (d.author === "PRESCRIBER" || d.siaeId === siaeId));
  const sorted = valid.sort((a, b) =>
    a.author === b.author ? compareDates(b.createdAt, a.createdAt) : a.author === "PRESCRIBER" ? -1 : 1,
  );
  return sorted[0] ?? null;
}
