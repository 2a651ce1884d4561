// Read model of the monthly declaration screen: one grid per AF of the structure covering the month, with
// every salarié under contract that month, hours pre-filled from the contract (or the hours already
// declared), totals in ETP against the AF target. Visibility in SQL (visibility.ts).
import { Decimal } from "decimal.js";
import { type Kysely, sql } from "kysely";
import type { DeclarationGrid } from "../contracts/declarations.js";
import type { Database } from "../db/schema.js";
import { endOfMonth } from "../domain/calendar/isoDate.js";
import { type AfState, countsForStatistics } from "../domain/conventions/states.js";
import { monthlyEtp } from "../domain/declarations/etp.js";
import type { Principal } from "../server/auth/principal.js";
import { visibleStructure } from "./visibility.js";
import { type AiCompanyRow, aiCompanyBalance, aiCompanyHistory, aiPlacementDerogation } from "./aiCompanyPlacements.js";

/**
 * Monthly hours pre-filled from a contract's weekly hours: weekly × 52 ÷ 12 (35 h → 151,67 h).
 * [M] Usual French monthly conversion of a weekly schedule (mensualisation); the structure corrects
 * the figure before validating (absences, partial months).
 */
export function prefilledMonthlyHours(weeklyHours: number | null): number {
  if (weeklyHours === null) return 0;
  return new Decimal(weeklyHours).times(52).dividedBy(12).toDecimalPlaces(2).toNumber();
}

export async function declarationGrid(
  db: Kysely<Database>,
  principal: Principal,
  target: { type: "structure"; id: number },
  month: string,
): Promise<DeclarationGrid> {
  const structureId = target.id;
  const visible = visibleStructure(principal, sql`${structureId}::bigint`);
  const monthStart = `${month}-01`;
  const monthEnd = endOfMonth(monthStart);
  const [annexRows, contracts, declared] = await Promise.all([
    db
      .selectFrom("financial_annex as a")
      .innerJoin("ref_mesure as m", "m.code", "a.mesure_code")
      .select(["a.id", "a.number", "a.mesure_code", "a.state", "a.etp", "a.annual_hours", "a.starts_on", "a.ends_on", "m.counts_for_posts"])
      .where("a.structure_id", "=", structureId)
      .where(visible)
      .where("a.starts_on", "<=", monthEnd)
      .where("a.ends_on", ">=", monthStart)
      .orderBy("a.number")
      .execute(),
    db
      .selectFrom("contract as c")
      .innerJoin("person as p", "p.id", "c.person_id")
      .select([
        "c.id",
        "c.person_id",
        "c.mesure_code",
        "c.contract_type",
        "c.starts_on",
        "c.exit_on",
        "c.weekly_hours",
        "p.last_name",
        "p.first_name",
      ])
      .where("c.structure_id", "=", structureId)
      .where(visible)
      .where("c.starts_on", "<=", monthEnd)
      .where((eb) => eb.or([eb("c.exit_on", "is", null), eb("c.exit_on", ">=", monthStart)]))
      .orderBy("p.last_name")
      .orderBy("p.first_name")
      .orderBy("c.id")
      .execute(),
    db
      .selectFrom("monthly_declaration")
      .select(["annex_id", "contract_id", "hours", "state", "company_hours"])
      .where("structure_id", "=", structureId)
      .where(visible)
      .where("month", "=", monthStart)
      .execute(),
  ]);
  const structure = await db.selectFrom("structure").select("kind").where("id", "=", structureId).where(visible).executeTakeFirst();
  const isAi = structure?.kind === "AI";
  const [companyHistory, derogation] = isAi
    ? await Promise.all([
        aiCompanyHistory(db, structureId, [...new Set(contracts.map((c) => Number(c.person_id)))], monthStart),
        aiPlacementDerogation(db, structureId, monthStart),
      ])
    : [new Map<number, AiCompanyRow[]>(), false];
  const annexes = annexRows.filter((a) => a.counts_for_posts && countsForStatistics({ state: a.state as AfState }));
  return {
    structureId,
    month,
    companyHours: isAi ? { derogation } : null,
    annexes: annexes.map((a) => {
      const lines = contracts
        .filter((c) => c.mesure_code === a.mesure_code)
        .map((c) => {
          const d = declared.find((x) => Number(x.annex_id) === Number(a.id) && Number(x.contract_id) === Number(c.id));
          const weekly = c.weekly_hours === null ? null : Number(c.weekly_hours);
          return {
            contractId: Number(c.id),
            personId: Number(c.person_id),
            lastName: c.last_name,
            firstName: c.first_name,
            contractType: c.contract_type,
            contractStart: c.starts_on,
            exitOn: c.exit_on,
            weeklyHours: weekly,
            prefilledHours: prefilledMonthlyHours(weekly),
            declaredHours: d ? Number(d.hours) : null,
            declarationState: d?.state ?? null,
            companyHours: isAi && d?.company_hours != null ? Number(d.company_hours) : null,
            companyHoursRemaining:
              isAi && !derogation
                ? remainingThisMonth(companyHistory.get(Number(c.person_id)) ?? [], monthStart, Number(a.id), Number(c.id))
                : null,
          };
        });
      const declaredHours = declared
        .filter((x) => Number(x.annex_id) === Number(a.id))
        .reduce((sum, x) => sum.plus(x.hours), new Decimal(0));
      return {
        id: Number(a.id),
        number: a.number,
        mesure: a.mesure_code,
        etpTarget: Number(a.etp),
        annualHours: Number(a.annual_hours),
        declaredHours: declaredHours.toNumber(),
        // Rule: monthly ETP = hours ÷ (annual hours of the AF ÷ 12) — iae-reference §3.
        declaredEtp: monthlyEtp(declaredHours, a.annual_hours).toDecimalPlaces(2).toNumber(),
        lines,
      };
    }),
  };
}

/** What the salarié may still be placed with companies this month: the line's own recorded row does not count against it. */
function remainingThisMonth(history: readonly AiCompanyRow[], monthStart: string, annexId: number, contractId: number): number {
  const others = history.filter((h) => !(h.month === monthStart && h.annexId === annexId && h.contractId === contractId));
  return aiCompanyBalance(others, monthStart).remaining;
}
