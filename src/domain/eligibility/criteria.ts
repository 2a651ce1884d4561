import { addYears, compareDates, type IsoDate, parseIsoDate } from "../calendar/isoDate.js";
import { DomainRuleError } from "../errors.js";
import type { SiaeKind } from "../structures/kinds.js";

export type CriterionLevel = 1 | 2;

export interface AdministrativeCriterion {
  kind: string;
  level: CriterionLevel;
  name: string;
  writtenProof: string;
  writtenProofValidity: string;
  uiRank: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

// Rule: the 18 administrative criteria and their levels are data (les-emplois fixture) — iae-reference §4.1
export function parseAdministrativeCriteria(json: unknown): AdministrativeCriterion[] {
  if (!Array.isArray(json)) throw new DomainRuleError("eligibility.criteria.format", typeof json, "tableau de critères attendu");
  return json.map((item, i) => {
    const fields = isRecord(item) ? item["fields"] : undefined;
    if (!isRecord(fields)) throw new DomainRuleError("eligibility.criteria.format", i, "entrée sans « fields »");
    const level = fields["level"];
    if (level !== "1" && level !== "2")
      throw new DomainRuleError("eligibility.criteria.level", { index: i, level }, "niveau 1 ou 2 attendu");
    const kind = fields["kind"];
    if (typeof kind !== "string" || kind === "") throw new DomainRuleError("eligibility.criteria.kind", i, "code de critère manquant");
    return {
      kind,
      level: level === "1" ? 1 : 2,
      name: String(fields["name"] ?? ""),
      writtenProof: String(fields["written_proof"] ?? ""),
      writtenProofValidity: String(fields["written_proof_validity"] ?? ""),
      uiRank: Number(fields["ui_rank"] ?? 0),
    };
  });
}

// Rule: mutually exclusive criteria SENIOR vs JEUNE, DETLD vs DELD — iae-reference §4.1
export const MUTUALLY_EXCLUSIVE_CRITERIA: readonly (readonly [string, string])[] = [
  ["SENIOR", "JEUNE"],
  ["DETLD", "DELD"],
];

// Rule: a SIAE diagnosis needs ≥ 1 level-1 criterion or ≥ N level-2 (N = 3 ACI/EI/EITI, 2 AI/ETTI) — iae-reference §4.1
export const REQUIRED_LEVEL2_BY_KIND: Readonly<Record<SiaeKind, number>> = { ACI: 3, EI: 3, EITI: 3, AI: 2, ETTI: 2 };

export type DiagnosisAuthor = "PRESCRIBER" | "SIAE";

export interface CriteriaCheck {
  eligible: boolean;
  level1: number;
  level2: number;
  required: string;
}

/** Checks the selected criteria (codes) against the referential and the kind's rule. Throws on unknown codes or exclusive pairs. */
export function checkCriteria(
  referential: readonly AdministrativeCriterion[],
  selected: readonly string[],
  author: DiagnosisAuthor,
  kind: SiaeKind,
): CriteriaCheck {
  const byKind = new Map(referential.map((c) => [c.kind, c]));
  const unique = new Set(selected);
  if (unique.size !== selected.length)
    throw new DomainRuleError("eligibility.criteria.duplicate", selected, "critère sélectionné deux fois");
  for (const code of unique)
    if (!byKind.has(code)) throw new DomainRuleError("eligibility.criteria.unknown", code, "critère administratif inconnu");
  for (const [a, b] of MUTUALLY_EXCLUSIVE_CRITERIA)
    if (unique.has(a) && unique.has(b)) throw new DomainRuleError("eligibility.criteria.exclusive", [a, b], "critères incompatibles");
  const level1 = [...unique].filter((c) => byKind.get(c)?.level === 1).length;
  const level2 = [...unique].filter((c) => byKind.get(c)?.level === 2).length;
  const n = REQUIRED_LEVEL2_BY_KIND[kind];
  if (n === undefined) throw new DomainRuleError("eligibility.kind", kind, "type de SIAE inconnu");
  // Rule: an authorised prescriber diagnosis needs no criterion — iae-reference §4.1
  if (author === "PRESCRIBER") return { eligible: true, level1, level2, required: "aucun (prescripteur habilité)" };
  return { eligible: level1 >= 1 || level2 >= n, level1, level2, required: `1 critère de niveau 1 ou ${n} de niveau 2` };
}

// Rule: SENIOR ("50 ans et plus") requires birth date ≤ date − 50 years; JEUNE ("moins de 26 ans") requires
// birth date > date − 26 years — les-emplois itou/eligibility/models/iae.py (criteria derived from the
// birth date, tests/eligibility/test_iae.py test_get_criteria_from_job_seeker).
export const SENIOR_MIN_AGE = 50;
export const JEUNE_MAX_AGE_EXCLUSIVE = 26;

/** Throws when SENIOR or JEUNE is selected and the birth date says otherwise at `date` (the diagnosis day). */
export function checkAgeCriteria(selected: readonly string[], birthDate: IsoDate | null, date: IsoDate): void {
  if (birthDate === null) return;
  const b = parseIsoDate(birthDate, "person.birthDate");
  if (selected.includes("SENIOR") && compareDates(b, addYears(date, -SENIOR_MIN_AGE)) > 0)
    throw new DomainRuleError("eligibility.criteria.senior", null, "critère « 50 ans et plus » incompatible avec la date de naissance");
  if (selected.includes("JEUNE") && compareDates(b, addYears(date, -JEUNE_MAX_AGE_EXCLUSIVE)) <= 0)
    throw new DomainRuleError("eligibility.criteria.jeune", null, "critère « moins de 26 ans » incompatible avec la date de naissance");
}
