// Demo data of the follow-up after exit: the situation 6 and 12 months after each exit of the demo whose
// follow-up fell due before the month of the demo's "as of" day, with realistic gaps — about one in eight never
// entered (more at 12 months), some entered as unknown —, and outcomes that depend on the exit's category
// (an exit to durable employment is mostly still employed). The month of the "as of" day is left to do: it is
// the SIAE's work list. Deterministic (a hash of the exit id and horizon), in the demo load's transaction.
import { sql } from "kysely";
import { type Actor, recordAudit } from "../db/audit.js";
import type { Db } from "../db/schema.js";
import { addDays, minDate } from "../domain/calendar/isoDate.js";
import {
  FOLLOW_UP_HORIZONS,
  type FollowedExitGroup,
  type FollowUpHorizon,
  type FollowUpSituation,
  followUpDueOn,
  isFollowedExitGroup,
} from "../domain/followUp/followUp.js";

/** Cumulative shares of the situations by exit category (observed ~6 months later; 12 months drifts to employment). */
const OUTCOMES: Record<FollowedExitGroup, [FollowUpSituation, number][]> = {
  durable: [
    ["CDI", 0.45],
    ["CDD_6M", 0.7],
    ["CDD_COURT", 0.78],
    ["INTERIM", 0.84],
    ["FORMATION", 0.87],
    ["DEMANDEUR_EMPLOI", 0.96],
    ["INACTIF", 1],
  ],
  transition: [
    ["CDI", 0.12],
    ["CDD_6M", 0.3],
    ["CDD_COURT", 0.5],
    ["INTERIM", 0.64],
    ["FORMATION", 0.72],
    ["DEMANDEUR_EMPLOI", 0.93],
    ["INACTIF", 1],
  ],
  positive: [
    ["CDI", 0.06],
    ["CDD_6M", 0.16],
    ["CDD_COURT", 0.26],
    ["INTERIM", 0.34],
    ["FORMATION", 0.62],
    ["DEMANDEUR_EMPLOI", 0.9],
    ["INACTIF", 1],
  ],
  other: [
    ["CDI", 0.04],
    ["CDD_6M", 0.09],
    ["CDD_COURT", 0.18],
    ["INTERIM", 0.26],
    ["FORMATION", 0.32],
    ["DEMANDEUR_EMPLOI", 0.8],
    ["INACTIF", 1],
  ],
};

/** A number in [0, 1) from an exit, a horizon, a salt and a seed (deterministic, well spread; seed 0 = the demo's). */
function unit(exitId: number, horizon: number, salt: number, seed = 0): number {
  let h = (exitId * 2654435761 + horizon * 40503 + salt * 97 + Math.imul(seed, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b) >>> 0;
  return ((h ^ (h >>> 16)) >>> 0) / 2 ** 32;
}

/** The situation of an exit at a horizon, or null when it was never entered; `seed` varies the draw (0 = the demo's). */
export function demoSituation(exitId: number, horizon: FollowUpHorizon, group: FollowedExitGroup, seed = 0): FollowUpSituation | null {
  if (unit(exitId, horizon, 1, seed) < (horizon === 6 ? 0.1 : 0.18)) return null;
  if (unit(exitId, horizon, 2, seed) < 0.08) return "INCONNU";
  // At 12 months the draw is shifted towards employment (same person, a little later).
  const u = Math.max(0, unit(exitId, 6, 3, seed) - (horizon === 12 ? 0.05 : 0));
  return (OUTCOMES[group].find(([, upTo]) => u < upTo) ?? OUTCOMES[group][0])?.[0] as FollowUpSituation;
}

export async function addFollowUpDemo(db: Db, actor: Actor, asOf: string): Promise<{ followUps: number }> {
  const { rows } = await sql<{ id: number; exit_on: string; grp: string }>`
    SELECT e.id, e.exit_on, c.grp FROM exit e
    JOIN ref_exit_motif m ON m.code = e.motif_code JOIN ref_exit_category c ON c.code = m.category_code
    ORDER BY e.id`.execute(db);
  const month = asOf.slice(0, 7);
  const values: { exitId: number; horizon: FollowUpHorizon; situation: FollowUpSituation; observedOn: string }[] = [];
  for (const r of rows) {
    if (!isFollowedExitGroup(r.grp)) continue;
    for (const horizon of FOLLOW_UP_HORIZONS) {
      const due = followUpDueOn(r.exit_on, horizon);
      if (due.slice(0, 7) >= month) continue;
      const situation = demoSituation(Number(r.id), horizon, r.grp);
      if (situation === null) continue;
      values.push({
        exitId: Number(r.id),
        horizon,
        situation,
        observedOn: minDate(addDays(due, Math.floor(unit(Number(r.id), horizon, 4) * 20)), asOf),
      });
    }
  }
  for (let i = 0; i < values.length; i += 1000) {
    const chunk = values.slice(i, i + 1000);
    await sql`INSERT INTO follow_up (exit_id, horizon, situation, observed_on, source)
      VALUES ${sql.join(chunk.map((v) => sql`(${v.exitId}, ${v.horizon}, ${v.situation}, ${v.observedOn}::date, 'demo')`))}`.execute(db);
  }
  await recordAudit(db, actor, { action: "demo.follow_ups", entity: "follow_up", after: { asOf, followUps: values.length } });
  return { followUps: values.length };
}
