// Read models of the structures: the list (page and CSV/XLSX export read the same function), a
// structure's page, its monthly realisation. Visibility in SQL (visibility.ts) ANDed with the target.
import { type Kysely, sql } from "kysely";
import type { StructureDetail, StructureRow } from "../contracts/structures.js";
import type { Database } from "../db/schema.js";
import type { Principal } from "../server/auth/principal.js";
import { visibleStructure } from "./visibility.js";
import { structureDepartement } from "../db/structureDepartement.js";

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const isoDate = (v: unknown): string | null => {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v).slice(0, 10);
};

/** A structure's commune: its own name, else the referential's name of its commune code. */
const commune = sql<string | null>`coalesce(s.commune_name, c.name)`;

export const STRUCTURE_SORT_COLUMNS = {
  name: sql`s.name`,
  kind: sql`s.kind`,
  departement: sql`s.departement_code`,
  commune,
  siret: sql`s.siret`,
  createdOn: sql`s.created_on`,
} as const;

export interface StructureFilters {
  kind?: StructureRow["kind"] | undefined;
  q?: string | undefined;
  /** Sort keys, most significant first (the id always breaks ties). */
  sort: readonly { key: keyof typeof STRUCTURE_SORT_COLUMNS; direction: "asc" | "desc" }[];
  /** A page of the list; every row when absent (the CLI). */
  limit?: number;
  offset?: number;
}

/** The structures `principal` sees, in the target's département when it names one. */
export async function listStructures(
  db: Kysely<Database>,
  principal: Principal,
  target: { type: "none" } | { type: "departement"; code: string },
  filters: StructureFilters,
): Promise<{ items: StructureRow[]; total: number }> {
  let base = db
    .selectFrom("structure as s")
    .leftJoin("ref_commune as c", "c.code", "s.commune_code")
    .where(visibleStructure(principal, sql.ref("s.id")));
  if (target.type === "departement") base = base.where(structureDepartement("s"), "=", target.code);
  if (filters.kind) base = base.where("s.kind", "=", filters.kind);
  if (filters.q) {
    const term = `%${filters.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    base = base.where((eb) => eb.or([eb("s.name", "ilike", term), eb("s.siret", "like", term), eb(commune, "ilike", term)]));
  }
  let page = base.select([
    "s.id",
    "s.siret",
    "s.asp_id",
    "s.name",
    "s.kind",
    "s.departement_code",
    commune.as("commune_name"),
    "s.created_on",
    "s.closed_on",
  ]);
  for (const { key, direction } of filters.sort) page = page.orderBy(STRUCTURE_SORT_COLUMNS[key], direction);
  page = page.orderBy("s.id");
  if (filters.limit !== undefined) page = page.limit(filters.limit).offset(filters.offset ?? 0);
  const [count, rows] = await Promise.all([
    base.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
    page.execute(),
  ]);
  const items = rows.map((r) => ({
    id: Number(r.id),
    siret: r.siret,
    aspId: r.asp_id === null ? null : Number(r.asp_id),
    name: r.name,
    kind: r.kind as StructureRow["kind"],
    departement: r.departement_code,
    commune: r.commune_name,
    createdOn: isoDate(r.created_on),
    closedOn: isoDate(r.closed_on),
  }));
  return { items, total: Number(count.n) };
}

type Kind = StructureRow["kind"];

/** A structure's page (identity, groups, sites, conventions, every AF version), or null when not visible. */
export async function structurePage(
  db: Kysely<Database>,
  principal: Principal,
  target: { type: "structure"; id: number },
): Promise<StructureDetail | null> {
  const id = target.id;
  const s = await db
    .selectFrom("structure as s")
    .innerJoin("ref_departement as d", "d.code", "s.departement_code")
    .selectAll("s")
    .select("d.name as departement_name")
    .where("s.id", "=", id)
    .where(visibleStructure(principal, sql.ref("s.id")))
    .executeTakeFirst();
  if (!s) return null;
  const [groupRows, siteRows, conventionRows, annexRows, fundingRows] = await Promise.all([
    db
      .selectFrom("structure_group_member as m")
      .innerJoin("structure_group as g", "g.id", "m.group_id")
      .innerJoin("structure_group_member as m2", "m2.group_id", "g.id")
      .innerJoin("structure as o", "o.id", "m2.structure_id")
      .select(["g.id", "g.name", "o.id as member_id", "o.name as member_name", "o.kind as member_kind"])
      .where("m.structure_id", "=", id)
      .orderBy("g.name")
      .orderBy("o.name")
      .execute(),
    db
      .selectFrom("site")
      .selectAll()
      .where((eb) =>
        eb.or([
          eb("structure_id", "=", id),
          eb("group_id", "in", eb.selectFrom("structure_group_member").select("group_id").where("structure_id", "=", id)),
        ]),
      )
      .orderBy("name")
      .execute(),
    db.selectFrom("convention").selectAll().where("structure_id", "=", id).orderBy("starts_on", "desc").execute(),
    db
      .selectFrom("financial_annex")
      .selectAll()
      .where("structure_id", "=", id)
      .orderBy("starts_on", "desc")
      .orderBy("renewal", "desc")
      .orderBy("modification", "desc")
      .execute(),
    db
      .selectFrom("financial_annex_funding as f")
      .innerJoin("financial_annex as a", "a.id", "f.annex_id")
      .innerJoin("funding_line as l", "l.code", "f.funding_line_code")
      .select(["f.annex_id", "f.funding_line_code", "l.label", "f.amount"])
      .where("a.structure_id", "=", id)
      .orderBy("l.label")
      .execute(),
  ]);
  const groups = new Map<number, { id: number; name: string; members: { id: number; name: string; kind: Kind }[] }>();
  for (const g of groupRows) {
    const gid = Number(g.id);
    const entry = groups.get(gid) ?? { id: gid, name: g.name, members: [] };
    entry.members.push({ id: Number(g.member_id), name: g.member_name, kind: g.member_kind as Kind });
    groups.set(gid, entry);
  }
  const annexes = annexRows.map((a) => ({
    conventionId: a.convention_id === null ? null : Number(a.convention_id),
    version: {
      id: Number(a.id),
      number: a.number,
      mesure: a.mesure_code,
      state: a.state,
      startsOn: isoDate(a.starts_on) ?? "",
      endsOn: isoDate(a.ends_on) ?? "",
      etp: num(a.etp),
      annualHours: num(a.annual_hours),
      unitAmount: numOrNull(a.unit_amount),
      totalAmount: numOrNull(a.total_amount),
      cofinancedAmount: num(a.cofinanced_amount),
      modulationPercent: numOrNull(a.modulation_percent),
      modulatedAmount: numOrNull(a.modulated_amount),
      funding: fundingRows
        .filter((f) => Number(f.annex_id) === Number(a.id))
        .map((f) => ({ fundingLine: f.funding_line_code, label: f.label, amount: num(f.amount) })),
    },
  }));
  return {
    id: Number(s.id),
    siret: s.siret,
    aspId: s.asp_id === null ? null : Number(s.asp_id),
    name: s.name,
    kind: s.kind as Kind,
    departement: s.departement_code,
    departementName: s.departement_name,
    conventionDepartement: s.convention_departement_code,
    commune: s.commune_name,
    createdOn: isoDate(s.created_on),
    closedOn: isoDate(s.closed_on),
    legalForm: s.legal_form,
    nafCode: s.naf_code,
    address: s.address_line,
    postalCode: s.postal_code,
    email: s.email,
    phone: s.phone,
    groups: [...groups.values()],
    sites: siteRows.map((site) => ({
      id: Number(site.id),
      name: site.name,
      address: site.address_line,
      postalCode: site.postal_code,
      sharedByGroup: site.group_id !== null,
      openedOn: isoDate(site.opened_on),
      closedOn: isoDate(site.closed_on),
    })),
    conventions: conventionRows.map((c) => ({
      id: Number(c.id),
      number: c.number,
      startsOn: isoDate(c.starts_on) ?? "",
      endsOn: isoDate(c.ends_on) ?? "",
      annexes: annexes.filter((a) => a.conventionId === Number(c.id)).map((a) => a.version),
    })),
    annexesWithoutConvention: annexes.filter((a) => a.conventionId === null).map((a) => a.version),
  };
}

/**
 * Monthly realisation of a structure for a year: hours declared, ETP réalisés (hours ÷ annual hours of
 * the AF, × 12) and ETP conventionnés of the AFs covering each month. Only the AF versions that count
 * (view counting_annex: the highest validated version, mesure counting for posts — iae-reference
 * §2.1/§3), so an amendment never counts its AF twice.
 */
export async function structureRealisation(
  db: Kysely<Database>,
  principal: Principal,
  target: { type: "structure"; id: number },
  year: number,
) {
  const id = target.id;
  const rows = await sql<{
    month: string;
    hours: string | null;
    etp_realises: string | null;
    etp_conv: string | null;
    declarations: string | null;
  }>`
    WITH months AS (
      SELECT generate_series(make_date(${year}::int, 1, 1), make_date(${year}::int, 12, 1), interval '1 month')::date AS month
    ), annexes AS (
      SELECT a.id, a.etp, a.annual_hours, a.starts_on, a.ends_on
      FROM counting_annex a
      WHERE a.structure_id = ${id} AND ${visibleStructure(principal, sql`a.structure_id`)}
    )
    SELECT to_char(mo.month, 'YYYY-MM') AS month,
           (SELECT sum(r.hours) FROM rollup_annex_month r JOIN annexes a ON a.id = r.annex_id WHERE r.month = mo.month) AS hours,
           (SELECT sum(r.hours / a.annual_hours) FROM rollup_annex_month r JOIN annexes a ON a.id = r.annex_id WHERE r.month = mo.month) AS etp_realises,
           (SELECT sum(a.etp) FROM annexes a WHERE a.starts_on <= (mo.month + interval '1 month' - interval '1 day')::date AND a.ends_on >= mo.month) AS etp_conv,
           (SELECT sum(r.declarations) FROM rollup_annex_month r JOIN annexes a ON a.id = r.annex_id WHERE r.month = mo.month) AS declarations
    FROM months mo ORDER BY mo.month`.execute(db);
  return {
    structureId: id,
    year,
    months: rows.rows.map((r) => ({
      month: r.month,
      hours: num(r.hours),
      etpRealises: Math.round(num(r.etp_realises) * 12 * 100) / 100,
      etpConventionnes: num(r.etp_conv),
      declarations: num(r.declarations),
    })),
  };
}
