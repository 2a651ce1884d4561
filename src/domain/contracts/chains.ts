import { compareDates, type IsoDate, parseIsoDate } from "../calendar/isoDate.js";
import { DomainRuleError } from "../errors.js";

export interface ContractLike {
  id: string;
  personKey: string;
  structureId: string;
  mesure: string;
  /** 0 = initial contract, n = n-th renewal (FluxIAE contrat_type_contrat). */
  rank: number;
  hiringDate: IsoDate;
  endDate: IsoDate | null;
  /** Definitive exit date (contrat_date_sortie_definitive), null while under contract. */
  exitDate: IsoDate | null;
}

export interface Recruitment<C extends ContractLike = ContractLike> {
  personKey: string;
  structureId: string;
  mesure: string;
  contracts: C[];
  /** Hiring date of the initial contract. */
  start: IsoDate;
  /** Max definitive exit date of the chain, null if none has exited. */
  exitDate: IsoDate | null;
}

// Rule: a recruitment = initial contract (rank 0) + its renewals (rank > 0), per person, mesure and structure; exit date = max definitive exit of the chain — iae-reference §6.3
// Choice: each renewal attaches to the latest initial contract of the same (person, structure, mesure) hired on or before it; an orphan renewal is an error.
export function buildRecruitments<C extends ContractLike>(contracts: readonly C[]): Recruitment<C>[] {
  const sorted = [...contracts].sort((a, b) => compareDates(a.hiringDate, b.hiringDate) || a.rank - b.rank);
  const open = new Map<string, Recruitment<C>>();
  const result: Recruitment<C>[] = [];
  for (const c of sorted) {
    if (!Number.isInteger(c.rank) || c.rank < 0)
      throw new DomainRuleError("contracts.rank", { id: c.id, rank: c.rank }, "rang de contrat entier ≥ 0 attendu");
    parseIsoDate(c.hiringDate, "contracts.hiringDate");
    if (c.exitDate !== null && compareDates(c.exitDate, c.hiringDate) < 0)
      throw new DomainRuleError("contracts.exitDate", { id: c.id, exitDate: c.exitDate }, "sortie antérieure à l'embauche");
    const key = `${c.personKey}|${c.structureId}|${c.mesure}`;
    if (c.rank === 0) {
      const r: Recruitment<C> = {
        personKey: c.personKey,
        structureId: c.structureId,
        mesure: c.mesure,
        contracts: [c],
        start: c.hiringDate,
        exitDate: c.exitDate,
      };
      open.set(key, r);
      result.push(r);
      continue;
    }
    const r = open.get(key);
    if (!r) throw new DomainRuleError("contracts.orphanRenewal", c.id, "renouvellement sans contrat initial");
    r.contracts.push(c);
    if (c.exitDate !== null && (r.exitDate === null || compareDates(c.exitDate, r.exitDate) > 0)) r.exitDate = c.exitDate;
  }
  return result;
}
