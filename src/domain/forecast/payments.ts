// Aide au poste paid to a date: the monthly 1/12 of the AF total and the regularisations on actual occupation at
// the 5th, 8th and 11th month of the AF period (iae-reference §2.2). Money in decimal.js, to the cent, from the
// aid schedule of src/domain/aid (paymentSchedule) — never recomputed here by another formula.
import { addMonthsToKey, type IsoDate, type MonthKey, monthKey, monthsCovered } from "../calendar/isoDate.js";
import { afTotal } from "../conventions/amounts.js";
import { paymentSchedule } from "../aid/simulate.js";
import { Decimal, type DecimalInput, roundCents, toDecimal } from "../money/money.js";
import type { MonthlyEtp } from "./projection.js";

export interface AnnexForPayment {
  /** ETP conventionnés (monthly average) and unit amount (€/ETP/year) of the AF. */
  etp: DecimalInput;
  unitAmount: DecimalInput;
  from: IsoDate;
  to: IsoDate;
  /** ETP réalisés on this AF by month (hours ÷ annual hours of the AF). */
  monthly: MonthlyEtp;
}

export interface PaymentLine {
  month: MonthKey;
  /** The 1/12 instalment of the month (the rounding remainder on the last month, as in paymentSchedule). */
  instalment: string;
  /** Regularisation paid (positive) or withheld (negative) this month; "0.00" outside months 5, 8, 11. */
  regularisation: string;
}

export interface PaymentsToDate {
  lines: PaymentLine[];
  paid: Decimal;
  total: Decimal;
}

/** Amount due for ETP réalisés: round₂(ETP × unit amount), never more than `cap`. */
export function dueForOccupation(realisedEtp: DecimalInput, unitAmount: DecimalInput, cap: DecimalInput): Decimal {
  const due = roundCents(toDecimal(realisedEtp).times(toDecimal(unitAmount)));
  return Decimal.min(due, toDecimal(cap));
}

// Rule: socle paid monthly 1/12; at the 5th, 8th and 11th month of the AF the payments of the months before are
// brought to what actual occupation earns (ETP réalisés of those months × unit amount), capped at the
// conventioned instalments of those months — iae-reference §2.2 [M: the arrêtés say "may be regularised on actual
// occupation"; the cap at the conventioned amount is the reading that the aid is paid per conventioned poste]
export function paymentsToDate(annex: AnnexForPayment, through: MonthKey): PaymentsToDate {
  const schedule = paymentSchedule(annex.etp, annex.unitAmount, annex.from, annex.to);
  const total = afTotal(annex.etp, annex.unitAmount, monthsCovered(annex.from, annex.to));
  const lines: PaymentLine[] = [];
  let paid = new Decimal(0);
  let scheduled = new Decimal(0);
  let realised = new Decimal(0);
  for (const line of schedule) {
    if (line.month > through) break;
    let regularisation = new Decimal(0);
    if (line.regularisation) {
      const due = dueForOccupation(realised, annex.unitAmount, scheduled);
      regularisation = due.minus(paid);
    }
    const instalment = new Decimal(line.amount);
    paid = paid.plus(regularisation).plus(instalment);
    scheduled = scheduled.plus(instalment);
    const v = annex.monthly[line.month];
    realised = realised.plus(v === undefined ? 0 : toDecimal(v, "forecast.monthlyEtp"));
    lines.push({ month: line.month, instalment: instalment.toFixed(2), regularisation: regularisation.toFixed(2) });
  }
  return { lines, paid, total };
}

/** Month of the final regularisation: the month after the AF ends (iae-reference §2.2). */
export const finalRegularisationMonth = (to: IsoDate): MonthKey => addMonthsToKey(monthKey(to), 1);
