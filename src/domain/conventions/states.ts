import { compareDates, type IsoDate, parseIsoDate } from "../calendar/isoDate.js";
import { DomainRuleError } from "../errors.js";

// Rule: AF states — iae-reference §2.1
export const AF_STATES = [
  "BROUILLON",
  "SAISI",
  "VALIDE",
  "PROVISOIRE",
  "REJETE",
  "HISTORISE",
  "ANNULE",
  "DEMANDE_ANNULATION",
  "CLOTURE",
] as const;
export type AfState = (typeof AF_STATES)[number];

export function parseAfState(value: string): AfState {
  const v = value.trim().toUpperCase();
  if ((AF_STATES as readonly string[]).includes(v)) return v as AfState;
  throw new DomainRuleError("af.state", value, "état d'annexe financière inconnu");
}

// Rule: active AF = state VALIDE/PROVISOIRE and end date ≥ date (LE) — iae-reference §2.1
export function isActive(af: { state: AfState; endDate: IsoDate }, date: IsoDate): boolean {
  parseIsoDate(date, "af.isActive");
  return (af.state === "VALIDE" || af.state === "PROVISOIRE") && compareDates(af.endDate, date) >= 0;
}

// Rule: statistics count AFs in VALIDE/PROVISOIRE/CLOTURE, never HISTORISE (PA) — iae-reference §2.1/§3.2
export function countsForStatistics(af: { state: AfState }): boolean {
  return af.state === "VALIDE" || af.state === "PROVISOIRE" || af.state === "CLOTURE";
}

/** States that can never be the current version of an AF. */
export const NON_CURRENT_STATES: readonly AfState[] = ["HISTORISE", "ANNULE", "REJETE"];

export interface AfVersion {
  /** AF number prefix without suffix (e.g. ACI054180019). */
  prefix: string;
  renewal: number;
  modification: number;
  state: AfState;
  /** ASP id of the version (FluxIAE `af_id_avenant_modification`), used to recognise a row delivered twice. */
  versionId?: string | number | null;
}

// Rule: only the current version counts; current = per (prefix, renewal A), the highest modification M whose state is not HISTORISE/ANNULE/REJETE — iae-reference §2.1, design §4
// Choice: each renewal (A) is its own period (a new year), so versions compete only within one (prefix, A);
// a group whose every version is HISTORISE/ANNULE/REJETE has no current version.
export function selectCurrentVersions<T extends AfVersion>(rows: readonly T[]): T[] {
  const best = new Map<string, T>();
  for (const row of rows) {
    if (!Number.isInteger(row.renewal) || row.renewal < 0)
      throw new DomainRuleError("af.renewal", row.renewal, "rang de renouvellement entier ≥ 0 attendu");
    if (!Number.isInteger(row.modification) || row.modification < 0)
      throw new DomainRuleError("af.modification", row.modification, "rang de modification entier ≥ 0 attendu");
    if (NON_CURRENT_STATES.includes(row.state)) continue;
    const key = `${row.prefix}|${row.renewal}`;
    const current = best.get(key);
    if (current === undefined || row.modification > current.modification) best.set(key, row);
    else if (row.modification === current.modification) {
      // The same version delivered twice (same ASP version id, or no id) is kept once; two different versions with the same M are an error.
      const a = current.versionId ?? null;
      const b = row.versionId ?? null;
      if (a !== null && b !== null && String(a) !== String(b))
        throw new DomainRuleError(
          "af.duplicateVersion",
          `${key}|M${row.modification}`,
          "deux versions courantes différentes ont le même rang de modification",
        );
    }
  }
  return [...best.values()];
}
