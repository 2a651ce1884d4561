// Follow-up after exit: the situation of each person 6 and 12 months after the exit, the outcome rates at each
// horizon, and the small-count rule. Pure: the horizon dates come from the exit date, never from a clock.
// Categories follow the exit definitions of iae-reference §6.1 (emploi durable: CDI, CDD ≥ 6 months).
import { addMonths, type IsoDate, parseIsoDate } from "../calendar/isoDate.js";
import { DomainRuleError } from "../errors.js";

export const FOLLOW_UP_HORIZONS = [6, 12] as const;
export type FollowUpHorizon = (typeof FOLLOW_UP_HORIZONS)[number];

export const FOLLOW_UP_SITUATIONS = {
  CDI: "En emploi : CDI",
  CDD_6M: "En emploi : CDD de 6 mois ou plus",
  CDD_COURT: "En emploi : CDD de moins de 6 mois",
  INTERIM: "En emploi : intérim",
  FORMATION: "En formation",
  DEMANDEUR_EMPLOI: "Demandeur d'emploi",
  INACTIF: "Inactif",
  INCONNU: "Situation inconnue",
} as const;
export type FollowUpSituation = keyof typeof FOLLOW_UP_SITUATIONS;

// Rule: employed = CDI, CDD (any length), interim; durable employment = CDI or CDD ≥ 6 months — iae-reference §6.1
// [M: interim of unknown length is counted employed, not durable]
const EMPLOYED: readonly FollowUpSituation[] = ["CDI", "CDD_6M", "CDD_COURT", "INTERIM"];
const DURABLE: readonly FollowUpSituation[] = ["CDI", "CDD_6M"];

export function parseSituation(value: string): FollowUpSituation {
  const v = value.trim().toUpperCase();
  if (v in FOLLOW_UP_SITUATIONS) return v as FollowUpSituation;
  throw new DomainRuleError("followUp.situation", value, `situation inconnue (attendu : ${Object.keys(FOLLOW_UP_SITUATIONS).join(", ")})`);
}

export function parseHorizon(value: string | number): FollowUpHorizon {
  const n = Number(value);
  if (n === 6 || n === 12) return n;
  throw new DomainRuleError("followUp.horizon", value, "horizon de 6 ou 12 mois attendu");
}

/** The day the situation at `horizon` months is observed: the exit date plus 6 or 12 months. */
export function followUpDueOn(exitOn: IsoDate, horizon: FollowUpHorizon): IsoDate {
  return addMonths(parseIsoDate(exitOn, "followUp.exitOn"), horizon);
}

/** Exits whose follow-up at `horizon` falls in the month of `month` (YYYY-MM): the monthly work list. */
export function dueInMonth(exitOn: IsoDate, horizon: FollowUpHorizon, month: string): boolean {
  return followUpDueOn(exitOn, horizon).slice(0, 7) === month;
}

export interface FollowUpRecord {
  exitId: number;
  horizon: FollowUpHorizon;
  situation: FollowUpSituation;
}

export interface FollowUpRates {
  /** Exits due at this horizon (followed or not). */
  due: number;
  /** Situations known (entered and not INCONNU). */
  known: number;
  /** Share of the due exits whose situation is unknown or not entered — always shown. */
  unknownShare: number | null;
  employedRate: number | null;
  durableEmployedRate: number | null;
}

// Rule: the rates are over the KNOWN situations; the unknown share is over every exit due, never hidden [M]
export function followUpRates(dueExitIds: readonly number[], records: readonly FollowUpRecord[], horizon: FollowUpHorizon): FollowUpRates {
  const byExit = new Map(records.filter((r) => r.horizon === horizon).map((r) => [r.exitId, r.situation]));
  const due = new Set(dueExitIds).size;
  let known = 0;
  let employed = 0;
  let durable = 0;
  for (const id of new Set(dueExitIds)) {
    const s = byExit.get(id);
    if (s === undefined || s === "INCONNU") continue;
    known++;
    if (EMPLOYED.includes(s)) employed++;
    if (DURABLE.includes(s)) durable++;
  }
  return {
    due,
    known,
    unknownShare: due === 0 ? null : (due - known) / due,
    employedRate: known === 0 ? null : employed / known,
    durableEmployedRate: known === 0 ? null : durable / known,
  };
}

// Rule: no figure about fewer than 5 people is published outside the structure (statistical secrecy) [M]
export const SMALL_COUNT = 5;

export interface PublishedFollowUp {
  due: number | null;
  known: number | null;
  unknownShare: number | null;
  employedRate: number | null;
  durableEmployedRate: number | null;
  /** True when a figure was withheld by the small-count rule. */
  withheld: boolean;
}

/** The rates as published outside the structure: every figure about fewer than 5 people is withheld (null). */
export function publishedOutsideStructure(rates: FollowUpRates): PublishedFollowUp {
  const dueOk = rates.due >= SMALL_COUNT;
  const knownOk = rates.known >= SMALL_COUNT;
  return {
    due: dueOk ? rates.due : null,
    known: knownOk ? rates.known : null,
    unknownShare: dueOk ? rates.unknownShare : null,
    employedRate: knownOk ? rates.employedRate : null,
    durableEmployedRate: knownOk ? rates.durableEmployedRate : null,
    withheld: !dueOk || !knownOk,
  };
}

// Rule: exits "retrait" (death, long illness, transfer, court decision… — iae-reference §6.1/§6.3) are removed
// from the exit rates; nobody is asked about them afterwards either [M]
export const FOLLOWED_EXIT_GROUPS = ["durable", "transition", "positive", "other"] as const;
export type FollowedExitGroup = (typeof FOLLOWED_EXIT_GROUPS)[number];
export function isFollowedExitGroup(group: string): group is FollowedExitGroup {
  return (FOLLOWED_EXIT_GROUPS as readonly string[]).includes(group);
}
