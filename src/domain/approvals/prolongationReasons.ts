// The prolongation motives a SIAE can ask for, for one PASS IAE and one salarié, on a given day: the
// rules of addProlongation (approval.ts: motive closed, kinds, request window, suspension, cumulative
// caps of R.5132-1-8) plus the person conditions the decree puts on each motive.
import { type IsoDate, parseIsoDate } from "../calendar/isoDate.js";
import type { SiaeKind } from "../structures/kinds.js";
import { type Approval, addProlongation, type ProlongationReason, PROLONGATION_RULES } from "./approval.js";

// Labels of les emplois de l'inclusion (itou/approvals/enums.py ProlongationReason), the texts SIAE know.
export const PROLONGATION_REASON_LABELS: Readonly<Record<ProlongationReason, string>> = {
  SENIOR_CDI: "CDI conclu avec une personne âgée d'au moins 57 ans",
  COMPLETE_TRAINING: "Fin d'une formation",
  RQTH: "RQTH — reconnaissance de la qualité de travailleur handicapé",
  SENIOR: "50 ans et plus",
  PARTICULAR_DIFFICULTIES: "Difficultés particulières qui font obstacle à l'insertion durable dans l'emploi",
  HEALTH_CONTEXT: "Contexte sanitaire",
};

export interface ProlongationPerson {
  /** Birth date, or only the year (then the age is counted from 31 December of that year: never overstated). */
  birthDate: IsoDate | null;
  birthYear: number | null;
  /** RQTH recorded on the contract (contrat_salarie_rqth). */
  rqth: boolean;
}

/** Age in whole years on `date`; null when the birth is unknown. */
export function ageOn(person: Pick<ProlongationPerson, "birthDate" | "birthYear">, date: IsoDate): number | null {
  const birth = person.birthDate ?? (person.birthYear ? `${person.birthYear}-12-31` : null);
  if (birth === null) return null;
  const [by, bm, bd] = birth.split("-").map(Number) as [number, number, number];
  const [y, m, d] = parseIsoDate(date, "approval.prolongation.date").split("-").map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/**
 * Person conditions of each motive — code du travail R.5132-1-8: 1° a) CDI inclusion (L.5132-15-1, from
 * 57 years), 2° a) 50 years and more, 2° b) RQTH; 1° b) (training in progress) and 2° c) (particular
 * difficulties) depend on facts Passerelle does not hold: they stay open, to be justified.
 */
function personAllows(reason: ProlongationReason, person: ProlongationPerson, date: IsoDate): boolean {
  const age = ageOn(person, date);
  switch (reason) {
    case "SENIOR_CDI":
      return age !== null && age >= 57;
    case "SENIOR":
      return age !== null && age >= 50;
    case "RQTH":
      return person.rqth;
    default:
      return true;
  }
}

/**
 * The motives open on `date` for this PASS, in the order of the decree: a request of one day under each
 * must pass every rule of addProlongation (the prescriber's opinion, asked for afterwards, counted as given).
 */
export function openProlongationReasons(
  a: Approval,
  input: { kind: SiaeKind; date: IsoDate; person: ProlongationPerson },
): ProlongationReason[] {
  const order: ProlongationReason[] = ["SENIOR_CDI", "COMPLETE_TRAINING", "SENIOR", "RQTH", "PARTICULAR_DIFFICULTIES", "HEALTH_CONTEXT"];
  return order.filter((reason) => {
    if (!personAllows(reason, input.person, input.date)) return false;
    try {
      addProlongation(a, {
        reason,
        days: 1,
        requestedAt: input.date,
        kind: input.kind,
        prescriberApproved: PROLONGATION_RULES[reason].needsPrescriber,
      });
      return true;
    } catch {
      return false;
    }
  });
}
