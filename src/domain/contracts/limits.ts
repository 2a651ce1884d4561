import { addDays, addMonths, compareDates, type IsoDate, parseIsoDate, startOfMonth } from "../calendar/isoDate.js";
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

// Rule: an AI may put a salarié at the disposal of companies (employers of L.2211-1) for a total of at most
// 480 hours over 24 months from the first mise à disposition; the cap does not apply to private persons
// (outside their professional activity) nor to non-profit legal persons (associations) — code du travail
// L.5132-9 2° (the duration) and R.5132-18 2° (480 h). The préfet (DDETS) may authorise an AI to derogate from
// the cap for at most 3 years, renewable (L.5132-9 2° as amended by loi 2020-1577; conditions D.5132-18-1,
// décret 2021-1129). iae-reference §1.1 gives this from memory [M]; the article's text and the 480 h were
// checked against the URSSAF page on AI contracts and a summary of décret 2021-1129 (EFL, 23/09/2021).
export const AI_COMPANY_PLACEMENT_MAX_HOURS = 480;
export const AI_COMPANY_PLACEMENT_WINDOW_MONTHS = 24;

/** Company hours of one salarié of an AI in one month (month = its first day). */
export interface AiCompanyMonth {
  month: IsoDate;
  hours: number;
}

/**
 * The 24-month period of L.5132-9 that holds `month` if the salarié has company hours in it, and the company
 * hours already counted in that period (`history`, other months and other lines of the month). The period
 * starts with the first mise à disposition and is not rolling: once its 24 months have elapsed, the next
 * company hours open a new one. Monthly declarations carry months, not days: a period starts on the first
 * day of the month of its first company hours and covers that month and the 23 following ones.
 */
export function aiCompanyPlacementPeriod(
  history: readonly AiCompanyMonth[],
  month: IsoDate,
): { startsOn: IsoDate; endsOn: IsoDate; hours: number } {
  const target = startOfMonth(parseIsoDate(month, "ai.placement.month"));
  const months = [...new Set([...history.filter((h) => h.hours > 0).map((h) => startOfMonth(h.month)), target])].sort(compareDates);
  let startsOn = months[0] ?? target;
  for (const m of months) {
    if (compareDates(m, addMonths(startsOn, AI_COMPANY_PLACEMENT_WINDOW_MONTHS)) >= 0) startsOn = m;
    if (m === target) break;
  }
  const endsOn = addDays(addMonths(startsOn, AI_COMPANY_PLACEMENT_WINDOW_MONTHS), -1);
  const hours = history
    .filter((h) => h.hours > 0 && compareDates(h.month, startsOn) >= 0 && compareDates(h.month, endsOn) <= 0)
    .reduce((sum, h) => sum + h.hours, 0);
  return { startsOn, endsOn, hours: Math.round(hours * 100) / 100 };
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
