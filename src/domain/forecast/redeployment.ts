// Redeployment what-if: ETP conventionnés moved between structures of a département during the year, within its
// envelope, from the year-end forecast. Pure: proposes moves, applies edited moves and recomputes every
// structure's AF total (afTotal, to the cent) and projected rate; the caller turns accepted moves into draft
// AF modification versions (M+1) — nothing here writes or validates anything.
import { afTotal } from "../conventions/amounts.js";
import { DomainRuleError } from "../errors.js";
import { Decimal, type DecimalInput, toDecimal } from "../money/money.js";
import { ALERT_UNDER, alertFor, type ForecastAlert } from "./projection.js";

export interface RedeployableStructure {
  structureId: number;
  /** The AF in force of the year, inside the year: its ETP × months ÷ 12 are the year's ETP conventionnés. */
  annexId: number;
  etp: DecimalInput;
  unitAmount: DecimalInput;
  months: number;
  total: DecimalInput;
  /** Year-end forecast and its interval (ETP réalisés). */
  projected: DecimalInput;
  low: DecimalInput;
  high: DecimalInput;
  /** ETP réalisés to date: a donor never goes below them. */
  realisedToDate: DecimalInput;
}

export interface Move {
  from: number;
  to: number;
  /** ETP taken from the donor's AF (2 decimals). */
  etp: DecimalInput;
}

export interface StructureAfter {
  structureId: number;
  annexId: number;
  etpBefore: string;
  etpAfter: string;
  totalBefore: string;
  totalAfter: string;
  rateBefore: number | null;
  rateAfter: number | null;
  alertAfter: ForecastAlert;
}

export interface RedeploymentPreview {
  moves: { from: number; to: number; etp: string; etpReceived: string }[];
  structures: StructureAfter[];
  envelopeBefore: string;
  envelopeAfter: string;
}

const STEP = new Decimal("0.01");
/** Smallest move proposed (the agent may still type smaller ones). */
export const PROPOSAL_MIN = new Decimal("0.10");
const down = (d: Decimal) => d.toDecimalPlaces(2, Decimal.ROUND_DOWN);
const rate = (projected: Decimal, etp: Decimal, months: number) =>
  etp.greaterThan(0) ? Number(projected.dividedBy(annual(etp, months)).toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed(4)) : null;

type Af = Pick<RedeployableStructure, "unitAmount" | "months">;
/** ETP conventionnés of the year carried by an AF of `months` months: ETP × months ÷ 12 (iae-reference §2.1/§3.2). */
const annual = (etp: DecimalInput, months: number) => toDecimal(etp).times(months).dividedBy(12);

// Rule: ETP moved between two AFs keep the envelope: the receiver gets what the donor's released amount
// (ETP × unit amount × months ÷ 12) pays at the receiver's unit amount over the receiver's months, rounded DOWN to
// the hundredth of ETP, so that Σ AF totals never grows — iae-reference §2.1/§2.3
export function etpReceived(etp: DecimalInput, donor: Af, receiver: Af): Decimal {
  return down(
    toDecimal(etp).times(toDecimal(donor.unitAmount)).times(donor.months).dividedBy(toDecimal(receiver.unitAmount).times(receiver.months)),
  );
}

/**
 * Proposed moves: donors are the structures projected under 90 %, giving what they will not use even at the top
 * of their interval (ETP − high, rounded down to 0.01); receivers are those projected above 100 %, receiving up
 * to their projected excess. Largest donor to largest receiver first.
 */
export function proposeMoves(structures: readonly RedeployableStructure[]): Move[] {
  const donors = structures
    .map((s) => ({ s, spare: down(annual(s.etp, s.months).minus(toDecimal(s.high)).times(12).dividedBy(s.months)) }))
    .filter(
      ({ s, spare }) => spare.greaterThanOrEqualTo(STEP) && toDecimal(s.projected).lessThan(annual(s.etp, s.months).times(ALERT_UNDER)),
    )
    .sort((a, b) => b.spare.comparedTo(a.spare) || a.s.structureId - b.s.structureId);
  const receivers = structures
    .map((s) => ({ s, need: toDecimal(s.projected).minus(annual(s.etp, s.months)).times(12).dividedBy(s.months) }))
    .filter(({ need }) => need.greaterThanOrEqualTo(STEP))
    .sort((a, b) => b.need.comparedTo(a.need) || a.s.structureId - b.s.structureId);
  const moves: Move[] = [];
  for (const d of donors) {
    for (const r of receivers) {
      if (d.spare.lessThan(STEP)) break;
      if (r.need.lessThan(STEP)) continue;
      // ETP the donor gives so that the receiver gets at most its need.
      const needInDonorEtp = down(
        r.need.times(toDecimal(r.s.unitAmount)).times(r.s.months).dividedBy(toDecimal(d.s.unitAmount).times(d.s.months)),
      );
      const give = Decimal.min(d.spare, needInDonorEtp);
      // Moves under a tenth of an ETP (on either side) are not worth an avenant.
      if (give.lessThan(PROPOSAL_MIN) || etpReceived(give, d.s, r.s).lessThan(PROPOSAL_MIN)) continue;
      moves.push({ from: d.s.structureId, to: r.s.structureId, etp: give.toFixed(2) });
      d.spare = d.spare.minus(give);
      r.need = r.need.minus(etpReceived(give, d.s, r.s));
    }
  }
  return moves;
}

/** Applies moves (as edited by the agent) and recomputes each AF's total to the cent and its projected rate. */
export function previewMoves(structures: readonly RedeployableStructure[], moves: readonly Move[]): RedeploymentPreview {
  const byId = new Map(structures.map((s) => [s.structureId, s]));
  const etpAfter = new Map(structures.map((s) => [s.structureId, toDecimal(s.etp)]));
  const applied: RedeploymentPreview["moves"] = [];
  for (const [i, m] of moves.entries()) {
    const from = byId.get(m.from);
    const to = byId.get(m.to);
    if (!from || !to)
      throw new DomainRuleError("redeployment.structure", { move: i, from: m.from, to: m.to }, "structure hors de l'enveloppe");
    if (m.from === m.to) throw new DomainRuleError("redeployment.same", { move: i }, "une structure ne se cède pas d'ETP à elle-même");
    const etp = toDecimal(m.etp, "redeployment.etp");
    if (!etp.greaterThan(0) || !etp.equals(down(etp)))
      throw new DomainRuleError("redeployment.etp", { move: i, etp: String(m.etp) }, "nombre d'ETP > 0 au centième attendu");
    const received = etpReceived(etp, from, to);
    if (!received.greaterThan(0))
      throw new DomainRuleError(
        "redeployment.etp",
        { move: i, etp: String(m.etp) },
        "trop peu d'ETP pour en céder au montant unitaire du receveur",
      );
    etpAfter.set(m.from, (etpAfter.get(m.from) ?? new Decimal(0)).minus(etp));
    etpAfter.set(m.to, (etpAfter.get(m.to) ?? new Decimal(0)).plus(received));
    applied.push({ from: m.from, to: m.to, etp: etp.toFixed(2), etpReceived: received.toFixed(2) });
  }
  let before = new Decimal(0);
  let after = new Decimal(0);
  const out: StructureAfter[] = [];
  for (const s of structures) {
    const etpB = toDecimal(s.etp);
    const etpA = etpAfter.get(s.structureId) ?? etpB;
    const floor = toDecimal(s.realisedToDate);
    if (annual(etpA, s.months).lessThan(floor))
      throw new DomainRuleError(
        "redeployment.floor",
        { structureId: s.structureId, etp: etpA.toString() },
        "une structure ne peut céder des ETP qu'elle a déjà réalisés",
      );
    const totalB = toDecimal(s.total);
    const totalA = etpA.equals(etpB) ? totalB : afTotal(etpA, s.unitAmount, s.months);
    before = before.plus(totalB);
    after = after.plus(totalA);
    const projected = toDecimal(s.projected);
    const rA = rate(projected, etpA, s.months);
    out.push({
      structureId: s.structureId,
      annexId: s.annexId,
      etpBefore: etpB.toString(),
      etpAfter: etpA.toString(),
      totalBefore: totalB.toFixed(2),
      totalAfter: totalA.toFixed(2),
      rateBefore: rate(projected, etpB, s.months),
      rateAfter: rA,
      alertAfter: alertFor(rA === null ? null : new Decimal(rA)),
    });
  }
  if (after.greaterThan(before))
    throw new DomainRuleError(
      "redeployment.envelope",
      { before: before.toFixed(2), after: after.toFixed(2) },
      "l'enveloppe serait dépassée",
    );
  return { moves: applied, structures: out, envelopeBefore: before.toFixed(2), envelopeAfter: after.toFixed(2) };
}
