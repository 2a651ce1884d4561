// Read model of the SIAE's follow-up work list: the exits of the structure whose situation at 6 or 12 months
// falls due in a month (due day = exit day + 6 or 12 months, end of month kept: src/domain/followUp), with the
// situation entered so far. Exits "retrait" are not followed (FOLLOWED_EXIT_GROUPS). Visibility in SQL.
import { type Kysely, sql } from "kysely";
import type { FollowUpItem, FollowUpWorkList } from "../contracts/followUp.js";
import type { Database } from "../db/schema.js";
import { addMonths, parseIsoDate } from "../domain/calendar/isoDate.js";
import { FOLLOW_UP_HORIZONS, FOLLOW_UP_SITUATIONS, FOLLOWED_EXIT_GROUPS, type FollowUpSituation } from "../domain/followUp/followUp.js";
import type { Principal } from "../server/auth/principal.js";
import { visibleStructure } from "./visibility.js";

type Target = { type: "structure"; id: number };

/** The follow-ups due in `month` (AAAA-MM) of the structure; `today` is the application's today. */
export async function followUpWorkList(
  db: Kysely<Database>,
  principal: Principal,
  target: Target,
  today: string,
  month: string = today.slice(0, 7),
): Promise<FollowUpWorkList> {
  const structure = await db
    .selectFrom("structure")
    .select(["id", "name"])
    .where("id", "=", target.id)
    .where(visibleStructure(principal, sql.ref("id")))
    .executeTakeFirst();
  if (!structure) throw new Error("structure invisible: the policy let an out-of-scope target through");
  const first = parseIsoDate(`${month}-01`, "mois");
  const next = addMonths(first, 1);
  // Due in the month ⟺ exit day in [first − h months, next − h months) (addMonths is monotonic and keeps the month).
  const windows = FOLLOW_UP_HORIZONS.map(
    (h) => sql`(h.horizon = ${h} AND e.exit_on >= ${addMonths(first, -h)}::date AND e.exit_on < ${addMonths(next, -h)}::date)`,
  );
  const rows = await sql<{
    exit_id: number;
    person_id: number;
    last_name: string | null;
    first_name: string | null;
    exit_on: string;
    motif_label: string;
    exit_group: string;
    horizon: number;
    due_on: string;
    situation: string | null;
    observed_on: string | null;
  }>`
    SELECT e.id AS exit_id, e.person_id, p.last_name, p.first_name, e.exit_on, m.label AS motif_label, c.grp AS exit_group,
      h.horizon, (e.exit_on + make_interval(months => h.horizon))::date AS due_on, f.situation, f.observed_on
    FROM exit e
    CROSS JOIN (VALUES (6), (12)) AS h (horizon)
    JOIN person p ON p.id = e.person_id
    JOIN ref_exit_motif m ON m.code = e.motif_code
    JOIN ref_exit_category c ON c.code = m.category_code
    LEFT JOIN follow_up f ON f.exit_id = e.id AND f.horizon = h.horizon
    WHERE e.structure_id = ${target.id} AND ${visibleStructure(principal, sql.ref("e.structure_id"))}
      AND c.grp IN (${sql.join([...FOLLOWED_EXIT_GROUPS])})
      AND (${sql.join(windows, sql` OR `)})
    ORDER BY (f.situation IS NOT NULL), due_on, p.last_name, p.first_name, e.id, h.horizon`.execute(db);
  const items: FollowUpItem[] = rows.rows.map((r) => ({
    exitId: Number(r.exit_id),
    personId: Number(r.person_id),
    lastName: r.last_name,
    firstName: r.first_name,
    exitOn: r.exit_on,
    motifLabel: r.motif_label,
    exitGroup: r.exit_group,
    horizon: Number(r.horizon) === 12 ? 12 : 6,
    dueOn: r.due_on,
    situation: r.situation as FollowUpSituation | null,
    observedOn: r.observed_on,
  }));
  return {
    structureId: Number(structure.id),
    structureName: structure.name,
    today,
    month,
    due: items.length,
    toEnter: items.filter((i) => i.situation === null).length,
    items,
    situations: Object.entries(FOLLOW_UP_SITUATIONS).map(([code, label]) => ({ code: code as FollowUpSituation, label })),
  };
}
