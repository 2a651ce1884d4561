import { addDays, addMonths, compareDates, type IsoDate, parseIsoDate } from "../calendar/isoDate.js";
import { DomainRuleError } from "../errors.js";
import { ageAt } from "../identifiers/birthDate.js";

// Rule: missions of an ETTI salarié in insertion last at most 24 months in total, renewals included
// (code du travail L.5132-6) — iae-reference §1.1 [M]
export const ETTI_MISSIONS_MAX_MONTHS = 24;

export function checkEttiMissions(recruitmentStart: IsoDate, end: IsoDate): void {
  const maxEnd = addDays(addMonths(parseIsoDate(recruitmentStart, "etti.recruitmentStart"), ETTI_MISSIONS_MAX_MONTHS), -1);
  if (compareDates(parseIsoDate(end, "etti.end"), maxEnd) > 0)
    throw new DomainRuleError(
      "etti.maxDuration",
      { end, maxEnd },
      "missions en ETTI : 24 mois au plus, renouvellements compris (L.5132-6)",
    );
}

// Rule: CDI inclusion for a person aged at least 57, after at least 12 months of parcours (loi 2020-1577,
// décret 2021-1129 du 30 août 2021) — iae-reference §1.4
export const CDI_INCLUSION_MIN_AGE = 57;
export const CDI_INCLUSION_MIN_PARCOURS_MONTHS = 12;

export function checkCdiInclusion(input: { birthDate: IsoDate | null; startsOn: IsoDate; parcoursStart: IsoDate | null }): void {
  if (input.birthDate === null)
    throw new DomainRuleError("cdiInclusion.birthDate", null, "date de naissance requise pour un CDI inclusion (57 ans et plus)");
  if (ageAt(input.birthDate, input.startsOn) < CDI_INCLUSION_MIN_AGE)
    throw new DomainRuleError("cdiInclusion.age", null, "CDI inclusion réservé aux personnes de 57 ans et plus");
  if (input.parcoursStart !== null && compareDates(input.startsOn, addMonths(input.parcoursStart, CDI_INCLUSION_MIN_PARCOURS_MONTHS)) < 0)
    throw new DomainRuleError(
      "cdiInclusion.parcours",
      { parcoursStart: input.parcoursStart, startsOn: input.startsOn },
      "CDI inclusion possible après 12 mois de parcours au moins",
    );
}

// Rule: an AI puts a salarié at the disposal of companies (not individuals, associations or collectivités)
// for at most 480 hours over 24 months (code du travail L.5132-9), unless the préfet granted the derogation
// opened by loi 2020-1577 (décret 2021-1129) — iae-reference §1.1 [M]
export const AI_COMPANY_PLACEMENT_MAX_HOURS = 480;
export const AI_COMPANY_PLACEMENT_WINDOW_MONTHS = 24;

/** Start of the 24-month window ending on `date` (inclusive). */
export function aiPlacementWindowStart(date: IsoDate): IsoDate {
  return addDays(addMonths(parseIsoDate(date, "ai.placement.date"), -AI_COMPANY_PLACEMENT_WINDOW_MONTHS), 1);
}

export function checkAiCompanyPlacement(input: { hoursInWindow: number; newHours: number; derogation: boolean }): void {
  if (!Number.isFinite(input.newHours) || input.newHours < 0 || !Number.isFinite(input.hoursInWindow) || input.hoursInWindow < 0)
    throw new DomainRuleError("ai.placement.hours", input, "nombres d'heures ≥ 0 attendus");
  if (!input.derogation && input.hoursInWindow + input.newHours > AI_COMPANY_PLACEMENT_MAX_HOURS)
    throw new DomainRuleError(
      "ai.placement.max",
      { hours: input.hoursInWindow + input.newHours, max: AI_COMPANY_PLACEMENT_MAX_HOURS },
      "mises à disposition en entreprise : 480 heures au plus sur 24 mois (L.5132-9), sauf dérogation",
    );
}

// Rule: from 1 December 2021 every hiring by an AI — mises à disposition included — needs a PASS IAE: the
// décrets 2021-1128/1129 (in force 31 August 2021) apply the eligibility and PASS rules to every SIAE kind,
// and the DGEFP instruction n° 2021/212 of 19 October 2021 gave AI salariés without an agrément until
// 1 December 2021 (les emplois de l'inclusion created their PASS, origin ai_stock, on 30 November 2021).
// Before that date, an AI mise à disposition needed no agrément (except in companies beyond 16 h) [M].
export const AI_PASS_REQUIRED_FROM = "2021-12-01";

export function passRequired(contractType: string, startsOn: IsoDate): boolean {
  return contractType !== "MISE_A_DISPOSITION" || compareDates(parseIsoDate(startsOn, "contract.startsOn"), AI_PASS_REQUIRED_FROM) >= 0;
}

// Rule: a contract should not run past the PASS end: a warning at hiring (the PASS may still be prolonged
// or suspended), not a refusal — the aide au poste is only due for a salarié with a valid PASS (L.5132-3)
export function contractBeyondPassWarning(contractEnd: IsoDate | null, passEnd: IsoDate | null): string | null {
  if (contractEnd === null || passEnd === null) return null;
  if (compareDates(contractEnd, passEnd) <= 0) return null;
  return `le contrat se termine après la fin du PASS IAE (${passEnd}) : prolonger le PASS ou raccourcir le contrat`;
}
