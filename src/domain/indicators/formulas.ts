import { ensureOrderedPeriod, type IsoDate, isWithin, monthKey, monthsCovered, monthsOverlap, parseMonthKey } from "../calendar/isoDate.js";
import { countsForStatistics, selectCurrentVersions } from "../conventions/states.js";
import { etpRealises } from "../declarations/etp.js";
import { DomainRuleError } from "../errors.js";
import { countExaminedExits, type ExitCounts, type ExitRates, exitRates } from "../exits/examined.js";
import type { ExitReferential } from "../exits/referential.js";
import { Decimal, parseDecimal } from "../money/money.js";
import { mesureCountsForPosts, SIAE_KINDS, type SiaeKind } from "../structures/kinds.js";
import { type ProratedAmount, addProrated, proratedCents } from "./proration.js";
import type { AfRecord, ContractRecord, DeclarationRecord, ExitRecord, Period } from "./records.js";

function checkPeriod(p: Period): void {
  ensureOrderedPeriod(p.from, p.to, "indicators.period");
}

// Rule: AFs counted by every indicator = per (prefix, renewal) the highest VALIDATED version (VALIDE/PROVISOIRE/CLOTURE):
// a draft amendment (BROUILLON/SAISI) above it changes nothing until validated; mesure with posts (no FDI/ACIPA/EIPA)
// — iae-reference §2.1/§3.2, pilotage-airflow dbt/models/staging/stg_etp_conventionnes.sql. SQL: view counting_annex (migration 0410).
export function countingAfs(afs: readonly AfRecord[]): AfRecord[] {
  return selectCurrentVersions(afs.filter((af) => countsForStatistics(af))).filter((af) => mesureCountsForPosts(af.mesure));
}

export interface StructureCounts {
  total: number;
  byKind: Record<SiaeKind, number>;
}

// Rule: structures by kind at a date = distinct (structure, kind) with a counting AF covering the date — iae-reference §10
export function structuresByKindAt(afs: readonly AfRecord[], date: IsoDate): StructureCounts {
  const seen = new Set<string>();
  const byKind = Object.fromEntries(SIAE_KINDS.map((k) => [k, 0])) as Record<SiaeKind, number>;
  for (const af of countingAfs(afs)) {
    if (!isWithin(date, af.startDate, af.endDate)) continue;
    const key = `${af.structureId}|${af.kind}`;
    if (seen.has(key)) continue;
    seen.add(key);
    byKind[af.kind]++;
  }
  return { total: seen.size, byKind };
}

// Rule: ETP conventionnés of a period = Σ counting AF etp × (AF months inside the period) / 12 — iae-reference §3.2/§10
export function etpConventionnes(afs: readonly AfRecord[], period: Period): Decimal {
  checkPeriod(period);
  return countingAfs(afs).reduce(
    (acc, af) =>
      acc.plus(
        parseDecimal(af.etp, "indicators.af.etp")
          .times(monthsOverlap(af.startDate, af.endDate, period.from, period.to))
          .dividedBy(12),
      ),
    new Decimal(0),
  );
}

function declarationsInPeriod(
  afs: readonly AfRecord[],
  declarations: readonly DeclarationRecord[],
  period: Period,
): { d: DeclarationRecord; af: AfRecord }[] {
  checkPeriod(period);
  const byId = new Map(countingAfs(afs).map((af) => [af.id, af]));
  const first = monthKey(period.from);
  const last = monthKey(period.to);
  const out: { d: DeclarationRecord; af: AfRecord }[] = [];
  for (const d of declarations) {
    parseMonthKey(d.month, "indicators.declaration.month");
    if (d.month < first || d.month > last) continue;
    const af = byId.get(d.afId);
    if (af) out.push({ d, af });
  }
  return out;
}

// Rule: ETP réalisés of a period = Σ hours of the monthly declarations of the period / hours per ETP of their AF (counting AFs only) — iae-reference §3.2/§10
export function etpRealisesForPeriod(afs: readonly AfRecord[], declarations: readonly DeclarationRecord[], period: Period): Decimal {
  return declarationsInPeriod(afs, declarations, period).reduce(
    (acc, { d, af }) =>
      acc.plus(
        etpRealises(parseDecimal(d.hours, "indicators.declaration.hours"), parseDecimal(af.hoursPerEtp, "indicators.af.hoursPerEtp")),
      ),
    new Decimal(0),
  );
}

// Rule: taux de réalisation = ETP réalisés / ETP conventionnés (null when no ETP conventionné) — iae-reference §3.2
export function tauxRealisationForPeriod(
  afs: readonly AfRecord[],
  declarations: readonly DeclarationRecord[],
  period: Period,
): { raw: Decimal; capped: Decimal } | null {
  const conv = etpConventionnes(afs, period);
  if (conv.isZero()) return null;
  const raw = etpRealisesForPeriod(afs, declarations, period).dividedBy(conv);
  return { raw, capped: Decimal.min(raw, 1) };
}

// Rule: people present = distinct persons (hashed NIR) with ≥ 1 hour over the period on counting AFs — iae-reference §3.2/§10
export function peoplePresent(afs: readonly AfRecord[], declarations: readonly DeclarationRecord[], period: Period): number {
  const hours = new Map<string, Decimal>();
  for (const { d } of declarationsInPeriod(afs, declarations, period)) {
    const h = parseDecimal(d.hours, "indicators.declaration.hours");
    if (h.isNegative()) throw new DomainRuleError("indicators.declaration.hours", d.hours, "nombre d'heures négatif");
    hours.set(d.personKey, (hours.get(d.personKey) ?? new Decimal(0)).plus(h));
  }
  return [...hours.values()].filter((h) => h.greaterThanOrEqualTo(1)).length;
}

function entrantContracts(contracts: readonly ContractRecord[], period: Period): ContractRecord[] {
  checkPeriod(period);
  return contracts.filter((c) => c.rank === 0 && isWithin(c.hiringDate, period.from, period.to) && mesureCountsForPosts(c.mesure));
}

// Rule: people entered = distinct persons with an initial contract (rank 0) hired in the period — iae-reference §10
export function peopleEntered(contracts: readonly ContractRecord[], period: Period): number {
  return new Set(entrantContracts(contracts, period).map((c) => c.personKey)).size;
}

const isRsaFlag = (flag: string | null) => flag === "OUI-M" || flag === "OUI-NM";

// Rule: RSA share (people.rsaShare) = people present (≥ 1 h over the period on counting AFs) holding a contract flagged
// contrat_salarie_rsa ∈ {OUI-M, OUI-NM}, running in the period, in a structure where they worked / people present (null if
// none) — iae-reference §10 ("près de 50 % des personnes accompagnées"; PA stg_etat_mensuel_individuel_avec_brsa.sql reads the
// RSA flag of the contract of the hours). SQL: figures.ts (rsa_in), departementRsa.ts.
export function rsaAmongPresent(
  afs: readonly AfRecord[],
  declarations: readonly DeclarationRecord[],
  contracts: readonly ContractRecord[],
  period: Period,
): { present: number; rsa: number } {
  const rsaIn = new Set(
    contracts
      .filter((c) => isRsaFlag(c.rsa) && c.hiringDate <= period.to && (c.exitDate ?? c.endDate ?? period.to) >= period.from)
      .map((c) => `${c.structureId}|${c.personKey}`),
  );
  const people = new Map<string, { hours: Decimal; rsa: boolean }>();
  for (const { d, af } of declarationsInPeriod(afs, declarations, period)) {
    const p = people.get(d.personKey) ?? { hours: new Decimal(0), rsa: false };
    people.set(d.personKey, {
      hours: p.hours.plus(parseDecimal(d.hours, "indicators.declaration.hours")),
      rsa: p.rsa || rsaIn.has(`${af.structureId}|${d.personKey}`),
    });
  }
  const present = [...people.values()].filter((p) => p.hours.greaterThanOrEqualTo(1));
  return { present: present.length, rsa: present.filter((p) => p.rsa).length };
}

export function rsaShareAmongPresent(
  afs: readonly AfRecord[],
  declarations: readonly DeclarationRecord[],
  contracts: readonly ContractRecord[],
  period: Period,
): number | null {
  const { present, rsa } = rsaAmongPresent(afs, declarations, contracts, period);
  return present === 0 ? null : rsa / present;
}

// Rule: RSA share among entrants (people.rsaShareEntered) = entrants whose initial contract has contrat_salarie_rsa ∈ {OUI-M, OUI-NM} / entrants (null if none) — iae-reference §10
export function rsaShareAmongEntrants(contracts: readonly ContractRecord[], period: Period): number | null {
  const entrants = entrantContracts(contracts, period);
  const people = new Set(entrants.map((c) => c.personKey));
  if (people.size === 0) return null;
  const rsa = new Set(entrants.filter((c) => c.rsa === "OUI-M" || c.rsa === "OUI-NM").map((c) => c.personKey));
  return rsa.size / people.size;
}

// Rule: exits examined by category and rates over exits whose definitive exit date is in the period — iae-reference §6.3
export function exitsForPeriod(
  exits: readonly ExitRecord[],
  referential: ExitReferential,
  period: Period,
): { counts: ExitCounts; rates: ExitRates } {
  checkPeriod(period);
  const counts = countExaminedExits(exits, referential, period.from, period.to);
  return { counts, rates: exitRates(counts) };
}

export interface Budget {
  total: Decimal;
  state: Decimal;
  cofinanced: Decimal;
}

// Rule: budget of a period = Σ counting AF total × (months inside period / AF months); State part = (total − co-financed) prorated the same way; rounded to the cent at the end — iae-reference §10/§2.4
export function budgetForPeriod(afs: readonly AfRecord[], period: Period): Budget {
  checkPeriod(period);
  const total: ProratedAmount = new Map();
  const cof: ProratedAmount = new Map();
  for (const af of countingAfs(afs)) {
    const inside = monthsOverlap(af.startDate, af.endDate, period.from, period.to);
    if (inside === 0) continue;
    const months = monthsCovered(af.startDate, af.endDate);
    const t = parseDecimal(af.total, "indicators.af.total");
    const c =
      af.cofinancedAmount === null || af.cofinancedAmount === ""
        ? new Decimal(0)
        : parseDecimal(af.cofinancedAmount, "indicators.af.cofinancedAmount");
    if (c.greaterThan(t)) throw new DomainRuleError("indicators.af.cofinancedAmount", af.id, "montant cofinancé supérieur au total");
    addProrated(total, t, inside, months);
    addProrated(cof, c, inside, months);
  }
  const t = proratedCents(total);
  const c = proratedCents(cof);
  return { total: t, cofinanced: c, state: t.minus(c) };
}

/** Period of a calendar year. */
export function yearPeriod(year: number): Period {
  if (!Number.isInteger(year) || year < 1900 || year > 2199) throw new DomainRuleError("indicators.year", year, "année invalide");
  return { from: `${year}-01-01`, to: `${year}-12-31` };
}
