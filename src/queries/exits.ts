// Read model of a structure's exits (the page and its CSV/XLSX export): motif and category through the
// referential tables. Visibility in SQL (visibility.ts).
import { type Kysely, sql } from "kysely";
import type { ExitRow } from "../contracts/declarations.js";
import type { Database } from "../db/schema.js";
import type { Principal } from "../server/auth/principal.js";
import { visibleStructure } from "./visibility.js";

export const EXIT_SORT_COLUMNS = { exitOn: "e.exit_on", lastName: "p.last_name", motif: "m.label" } as const;

export interface ExitFilters {
  year?: number | undefined;
  group?: ExitRow["group"] | undefined;
  sort: { key: keyof typeof EXIT_SORT_COLUMNS; direction: "asc" | "desc" };
  limit: number;
  offset: number;
}

export async function listExits(
  db: Kysely<Database>,
  principal: Principal,
  target: { type: "structure"; id: number },
  filters: ExitFilters,
): Promise<{ items: ExitRow[]; total: number }> {
  let base = db
    .selectFrom("exit as e")
    .innerJoin("person as p", "p.id", "e.person_id")
    .innerJoin("ref_exit_motif as m", "m.code", "e.motif_code")
    .innerJoin("ref_exit_category as c", "c.code", "m.category_code")
    .where("e.structure_id", "=", target.id)
    .where(visibleStructure(principal, sql.ref("e.structure_id")));
  if (filters.year) base = base.where("e.exit_on", ">=", `${filters.year}-01-01`).where("e.exit_on", "<=", `${filters.year}-12-31`);
  if (filters.group) base = base.where("c.grp", "=", filters.group);
  const [count, rows] = await Promise.all([
    base.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
    base
      .select([
        "e.id",
        "e.person_id",
        "p.last_name",
        "p.first_name",
        "e.exit_on",
        "e.motif_code",
        "m.label as motif_label",
        "c.label as category_label",
        "c.grp",
      ])
      .orderBy(sql.ref(EXIT_SORT_COLUMNS[filters.sort.key]), filters.sort.direction)
      .orderBy("e.id")
      .limit(filters.limit)
      .offset(filters.offset)
      .execute(),
  ]);
  const items = rows.map((r) => ({
    id: Number(r.id),
    personId: Number(r.person_id),
    lastName: r.last_name,
    firstName: r.first_name,
    exitOn: r.exit_on,
    motifCode: r.motif_code,
    motifLabel: r.motif_label,
    categoryLabel: r.category_label,
    group: r.grp as ExitRow["group"],
  }));
  return { items, total: Number(count.n) };
}
