import { addMonthsToKey, ensureOrderedPeriod, type IsoDate, type MonthKey, monthKey, monthsCovered, parts } from "../calendar/isoDate.js";
import { afMonthlyAmount, afTotal } from "../conventions/amounts.js";
import { DomainRuleError } from "../errors.js";
import { Decimal, type DecimalInput, formatMoney, toDecimal } from "../money/money.js";
import type { SiaeKind } from "../structures/kinds.js";
import { type BaremeLookupOptions, type BaremeRow, lookupUnitAmount, type Territory } from "./bareme.js";
import { type AnnualHoursRow, defaultAnnualHours } from "./hours.js";
import { modulatedAmount } from "./modulation.js";

export interface SimulateAfInput {
  kind: SiaeKind;
  etp: DecimalInput;
  from: IsoDate;
  to: IsoDate;
  /** Unit amount (€/ETP/year); when absent, the barème in force at `from`. */
  unit?: DecimalInput;
  /** 0–10 (0–5 in prisons); default 0. */
  modulationPercent?: DecimalInput;
  territory?: Territory;
}

export interface ScheduleLine {
  month: MonthKey;
  amount: string;
  /** Regularisation on actual occupation possible this month (5th, 8th, 11th month of the AF). */
  regularisation: boolean;
}

export interface AfSimulation {
  kind: SiaeKind;
  territory: Territory;
  unitAmount: string;
  /** Default hours per ETP of the kind (duree_annuelle_etp.csv), the reference of ETP réalisés; null when the caller gave no hours table. */
  hoursPerEtp: string | null;
  months: number;
  total: string;
  modulationPercent: string;
  modulatedAmount: string;
  /** Indicative month of the single payment of the modulated part: the month after the AF ends. */
  modulatedPaymentMonth: MonthKey;
  monthly: ScheduleLine[];
}

// Rule: regularisation may happen at the 5th, 8th and 11th month of the AF period — iae-reference §2.2
export const REGULARISATION_MONTH_RANKS: readonly number[] = [5, 8, 11];

// Rule: socle paid monthly = 1/12 of the annual amount (rounded to the cent); the rounding remainder goes to the LAST month so the schedule sums exactly to the AF total — iae-reference §2.1/§2.2
export function paymentSchedule(etp: DecimalInput, unitAmount: DecimalInput, from: IsoDate, to: IsoDate): ScheduleLine[] {
  ensureOrderedPeriod(from, to, "aid.schedule.period");
  const months = monthsCovered(from, to);
  const total = afTotal(etp, unitAmount, months);
  const monthly = afMonthlyAmount(etp, unitAmount);
  const first = monthKey(from);
  const lines: ScheduleLine[] = [];
  let paid = new Decimal(0);
  for (let i = 0; i < months; i++) {
    const amount = i === months - 1 ? total.minus(paid) : monthly;
    paid = paid.plus(amount);
    lines.push({
      month: addMonthsToKey(first, i),
      amount: formatMoney(amount),
      regularisation: REGULARISATION_MONTH_RANKS.includes(i + 1),
    });
  }
  return lines;
}

export interface SimulateAfOptions extends BaremeLookupOptions {
  /** Hours per ETP table; when given, the simulation carries `hoursPerEtp`. */
  annualHours?: readonly AnnualHoursRow[];
}

// Rule: from 1 January 2025 the EITI aid is a monthly flat amount per independent worker (450 €, 340 € in
// Mayotte, décret of 30 December 2024), no longer an annual amount per ETP — it cannot be simulated as an AF
export const EITI_FLAT_AID_FROM = "2025-01-01";

/** `passerelle simulate af`: the aide au poste of a proposed AF (design §5). */
export function simulateAf(input: SimulateAfInput, bareme: readonly BaremeRow[], options: SimulateAfOptions = {}): AfSimulation {
  const territory = input.territory ?? "droit_commun";
  ensureOrderedPeriod(input.from, input.to, "aid.simulate.period");
  const etp = toDecimal(input.etp, "aid.simulate.etp");
  if (etp.isNegative() || etp.isZero()) throw new DomainRuleError("aid.simulate.etp", input.etp.toString(), "nombre d'ETP > 0 attendu");
  if (territory === "penitentiaire" && input.kind !== "ACI" && input.kind !== "EI")
    throw new DomainRuleError(
      "aid.simulate.territory",
      { kind: input.kind, territory },
      "seuls ACI et EI existent en milieu pénitentiaire",
    );
  if (input.kind === "EITI" && input.unit === undefined && input.from >= EITI_FLAT_AID_FROM)
    throw new DomainRuleError(
      "aid.simulate.eitiFlat",
      input.from,
      "depuis le 1er janvier 2025, l'aide EITI est un forfait mensuel par travailleur indépendant, pas un montant annuel par ETP (indiquer le montant unitaire)",
    );
  const unit =
    input.unit === undefined
      ? lookupUnitAmount(bareme, input.kind, territory, input.from, options)
      : toDecimal(input.unit, "aid.simulate.unit");
  if (!unit.greaterThan(0)) throw new DomainRuleError("aid.simulate.unit", unit.toString(), "montant unitaire > 0 attendu");
  const months = monthsCovered(input.from, input.to);
  const total = afTotal(etp, unit, months);
  const percent = input.modulationPercent ?? 0;
  const modulated = modulatedAmount(total, percent, territory);
  const [ey, em] = parts(input.to);
  return {
    kind: input.kind,
    territory,
    unitAmount: formatMoney(unit),
    hoursPerEtp: options.annualHours === undefined ? null : defaultAnnualHours(options.annualHours, input.kind).toString(),
    months,
    total: formatMoney(total),
    modulationPercent: toDecimal(percent).toString(),
    modulatedAmount: formatMoney(modulated),
    modulatedPaymentMonth: addMonthsToKey(`${ey}-${String(em).padStart(2, "0")}`, 1),
    monthly: paymentSchedule(etp, unit, input.from, input.to),
  };
}

export interface WhatIfInput {
  kind: SiaeKind;
  lastYear: { etp: DecimalInput; from: IsoDate; to: IsoDate; total: DecimalInput };
  /** Change in ETP conventionnés (e.g. "+1.5" or "-0.5"). */
  etpChange: DecimalInput;
  territory?: Territory;
  modulationPercent?: DecimalInput;
}

export interface WhatIfResult {
  next: AfSimulation;
  nextEtp: string;
  lastYearTotal: string;
  difference: string;
}

/** What-if: next year's allocation = last year's ETP + change, same period shifted by one year, next year's barème. */
export function simulateNextYear(input: WhatIfInput, bareme: readonly BaremeRow[], options: SimulateAfOptions = {}): WhatIfResult {
  ensureOrderedPeriod(input.lastYear.from, input.lastYear.to, "aid.whatIf.period");
  const nextEtp = toDecimal(input.lastYear.etp, "aid.whatIf.etp").plus(toDecimal(input.etpChange, "aid.whatIf.etpChange"));
  if (!nextEtp.greaterThan(0))
    throw new DomainRuleError("aid.whatIf.etp", nextEtp.toString(), "le nombre d'ETP de l'année suivante doit rester > 0");
  const shift = (d: IsoDate): IsoDate => {
    const [y, m, day] = parts(d);
    const lastDay = m === 2 && day === 29 ? 28 : day;
    return `${y + 1}-${String(m).padStart(2, "0")}-${String(lastDay).padStart(2, "0")}`;
  };
  const next = simulateAf(
    {
      kind: input.kind,
      etp: nextEtp,
      from: shift(input.lastYear.from),
      to: shift(input.lastYear.to),
      ...(input.territory ? { territory: input.territory } : {}),
      ...(input.modulationPercent !== undefined ? { modulationPercent: input.modulationPercent } : {}),
    },
    bareme,
    options,
  );
  const last = toDecimal(input.lastYear.total, "aid.whatIf.total");
  return {
    next,
    nextEtp: nextEtp.toString(),
    lastYearTotal: formatMoney(last),
    difference: formatMoney(new Decimal(next.total).minus(last)),
  };
}
