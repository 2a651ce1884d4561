// Company hours of an AI's salariés (mises à disposition in companies, capped by L.5132-9) and the préfet's
// derogations: read by the monthly declaration (to refuse a month over the cap) and its grid (to show the
// balance). The period arithmetic is the domain's (aiCompanyPlacementPeriod); SQL only gathers the months.
import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";
import { addMonths, endOfMonth, type IsoDate } from "../domain/calendar/isoDate.js";
import {
  AI_COMPANY_PLACEMENT_MAX_HOURS,
  AI_COMPANY_PLACEMENT_WINDOW_MONTHS,
  type AiCompanyMonth,
  aiCompanyPlacementPeriod,
} from "../domain/contracts/limits.js";

/** One declaration row's company hours (the row is named so that the grid can leave a line's own row out). */
export interface AiCompanyRow extends AiCompanyMonth {
  annexId: number | null;
  contractId: number | null;
}

/** Rows replaced by the declaration being written: they do not count as history. */
export interface ReplacedRows {
  annexId: number;
  contractIds: readonly number[];
}

/**
 * Company hours per person and month of one AI, over the months that can share a period with `month`
 * (24 months on either side: a correction of an earlier month may open the period of later ones).
 */
export async function aiCompanyHistory(
  db: Kysely<Database>,
  structureId: number,
  personIds: readonly number[],
  month: IsoDate,
  replaced?: ReplacedRows,
): Promise<Map<number, AiCompanyRow[]>> {
  const byPerson = new Map<number, AiCompanyRow[]>();
  if (personIds.length === 0) return byPerson;
  let q = db
    .selectFrom("monthly_declaration")
    .select(["person_id", "annex_id", "contract_id", "month", "company_hours"])
    .where("structure_id", "=", structureId)
    .where("person_id", "in", [...personIds])
    .where("company_hours", ">", "0")
    .where("month", ">=", addMonths(month, -2 * AI_COMPANY_PLACEMENT_WINDOW_MONTHS))
    .where("month", "<", addMonths(month, 2 * AI_COMPANY_PLACEMENT_WINDOW_MONTHS));
  if (replaced && replaced.contractIds.length > 0)
    q = q.where((eb) =>
      eb.not(eb.and([eb("annex_id", "=", replaced.annexId), eb("contract_id", "in", [...replaced.contractIds]), eb("month", "=", month)])),
    );
  for (const r of await q.execute()) {
    const list = byPerson.get(Number(r.person_id)) ?? [];
    list.push({
      month: String(r.month).slice(0, 10),
      hours: Number(r.company_hours),
      annexId: Number(r.annex_id),
      contractId: Number(r.contract_id),
    });
    byPerson.set(Number(r.person_id), list);
  }
  return byPerson;
}

/** Whether a préfet's derogation of the AI covers (part of) the month. */
export async function aiPlacementDerogation(db: Kysely<Database>, structureId: number, month: IsoDate): Promise<boolean> {
  const row = await db
    .selectFrom("ai_placement_derogation")
    .select("id")
    .where("structure_id", "=", structureId)
    .where("starts_on", "<=", endOfMonth(month))
    .where("ends_on", ">=", month)
    .executeTakeFirst();
  return row !== undefined;
}

/** Hours a salarié may still be placed with companies in the period that would hold `month` (≥ 0). */
export function aiCompanyBalance(
  history: readonly AiCompanyMonth[],
  month: IsoDate,
): { used: number; remaining: number; startsOn: IsoDate } {
  const period = aiCompanyPlacementPeriod(history, month);
  return { used: period.hours, remaining: Math.max(0, AI_COMPANY_PLACEMENT_MAX_HOURS - period.hours), startsOn: period.startsOn };
}
