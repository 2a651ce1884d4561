// Structures (SIAE): list with filters / sort / pagination / CSV-XLSX export, and a structure's page
// (identity, groups, sites, conventions, every AF version with its funding lines, monthly realisation).
import { sql } from "kysely";
import { z } from "zod";
import type { RouteModule } from "../context.js";
import { sendExport } from "../lists/exportList.js";
import { listQuerySchema, pageSchema, parseSort, window } from "../lists/listQuery.js";
import { restrictStructures } from "../lists/visibility.js";
import { sendProblem } from "../problem.js";

const KIND = z.enum(["ACI", "AI", "EI", "ETTI", "EITI"]);
const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const isoDate = (v: unknown): string | null => {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v).slice(0, 10);
};

const StructureRow = z.object({
  id: z.number().int(),
  siret: z.string().nullable(),
  aspId: z.number().int().nullable(),
  name: z.string(),
  kind: KIND,
  departement: z.string(),
  commune: z.string().nullable(),
  createdOn: z.string().nullable(),
  closedOn: z.string().nullable(),
});
type StructureRow = z.infer<typeof StructureRow>;

const SORT_KEYS = ["name", "kind", "departement", "commune", "siret", "createdOn"] as const;
const SORT_COLUMNS = {
  name: "s.name",
  kind: "s.kind",
  departement: "s.departement_code",
  commune: "s.commune_name",
  siret: "s.siret",
  createdOn: "s.created_on",
} as const;

const ListQuery = listQuerySchema(SORT_KEYS, "name").extend({
  departement: z
    .string()
    .regex(/^([0-9]{2}|2[AB]|97[1-6])$/, "Code département attendu (ex. 62, 2A, 974).")
    .optional(),
  kind: KIND.optional(),
  q: z.string().trim().max(100).optional(),
});

const AnnexFunding = z.object({ fundingLine: z.string(), label: z.string(), amount: z.number() });
const AnnexVersion = z.object({
  id: z.number().int(),
  number: z.string(),
  mesure: z.string(),
  state: z.string(),
  startsOn: z.string(),
  endsOn: z.string(),
  etp: z.number(),
  annualHours: z.number(),
  unitAmount: z.number().nullable(),
  totalAmount: z.number().nullable(),
  cofinancedAmount: z.number(),
  modulationPercent: z.number().nullable(),
  modulatedAmount: z.number().nullable(),
  funding: z.array(AnnexFunding),
});

const StructureDetail = StructureRow.extend({
  legalForm: z.string().nullable(),
  nafCode: z.string().nullable(),
  address: z.string().nullable(),
  postalCode: z.string().nullable(),
  departementName: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  groups: z.array(z.object({ id: z.number().int(), name: z.string(), members: z.array(z.object({ id: z.number().int(), name: z.string(), kind: KIND })) })),
  sites: z.array(
    z.object({
      id: z.number().int(),
      name: z.string(),
      address: z.string().nullable(),
      postalCode: z.string().nullable(),
      sharedByGroup: z.boolean(),
      openedOn: z.string().nullable(),
      closedOn: z.string().nullable(),
    }),
  ),
  conventions: z.array(
    z.object({ id: z.number().int(), number: z.string(), startsOn: z.string(), endsOn: z.string(), annexes: z.array(AnnexVersion) }),
  ),
  annexesWithoutConvention: z.array(AnnexVersion),
});

const Realisation = z.object({
  structureId: z.number().int(),
  year: z.number().int(),
  months: z.array(
    z.object({
      month: z.string(),
      hours: z.number(),
      etpRealises: z.number(),
      etpConventionnes: z.number(),
      declarations: z.number().int(),
    }),
  ),
});

const StructureParams = z.object({ structureId: z.coerce.number().int().positive() });

const routes: RouteModule = async (app, ctx) => {
  const db = ctx.handle.db;

  app.get(
    "/api/v1/structures",
    {
      config: { policy: "territory:read" },
      schema: {
        tags: ["structures"],
        summary: "Liste des structures visibles (filtres, tri, pagination, export CSV/XLSX)",
        querystring: ListQuery,
        response: { 200: pageSchema(StructureRow) },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const principal = request.principal!;
      let base = restrictStructures(db.selectFrom("structure as s"), principal);
      if (q.departement) base = base.where("s.departement_code", "=", q.departement);
      if (q.kind) base = base.where("s.kind", "=", q.kind);
      if (q.q) {
        const term = `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        base = base.where((eb) =>
          eb.or([eb("s.name", "ilike", term), eb("s.siret", "like", term), eb("s.commune_name", "ilike", term)]),
        );
      }
      const sort = parseSort<keyof typeof SORT_COLUMNS>(q.sort);
      const { limit, offset } = window(q);
      const [count, rows] = await Promise.all([
        base.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
        base
          .select(["s.id", "s.siret", "s.asp_id", "s.name", "s.kind", "s.departement_code", "s.commune_name", "s.created_on", "s.closed_on"])
          .orderBy(sql.ref(SORT_COLUMNS[sort.key]), sort.direction)
          .orderBy("s.id")
          .limit(limit)
          .offset(offset)
          .execute(),
      ]);
      const items: StructureRow[] = rows.map((r) => ({
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
      if (q.format !== "json") {
        return sendExport(reply, q.format, "structures", items, [
          { header: "Identifiant", value: (r) => r.id },
          { header: "SIRET", value: (r) => r.siret },
          { header: "Identifiant ASP", value: (r) => r.aspId },
          { header: "Nom", value: (r) => r.name },
          { header: "Type", value: (r) => r.kind },
          { header: "Département", value: (r) => r.departement },
          { header: "Commune", value: (r) => r.commune },
          { header: "Création", value: (r) => r.createdOn },
          { header: "Fermeture", value: (r) => r.closedOn },
        ]);
      }
      return { items, total: Number(count.n), page: q.page, pageSize: q.pageSize };
    },
  );

  app.get(
    "/api/v1/structures/:structureId",
    {
      config: { policy: "structure:read" },
      schema: {
        tags: ["structures"],
        summary: "Fiche d'une structure : identité, groupe, sites, conventions et versions des annexes financières",
        params: StructureParams,
        response: { 200: StructureDetail },
      },
    },
    async (request, reply) => {
      const id = request.params.structureId;
      const s = await db
        .selectFrom("structure as s")
        .innerJoin("ref_departement as d", "d.code", "s.departement_code")
        .selectAll("s")
        .select("d.name as departement_name")
        .where("s.id", "=", id)
        .executeTakeFirst();
      if (!s) return sendProblem(reply, 404, "Ressource introuvable", `Aucune structure n° ${id}.`);
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
      const groups = new Map<number, { id: number; name: string; members: { id: number; name: string; kind: StructureRow["kind"] }[] }>();
      for (const g of groupRows) {
        const gid = Number(g.id);
        const entry = groups.get(gid) ?? { id: gid, name: g.name, members: [] };
        entry.members.push({ id: Number(g.member_id), name: g.member_name, kind: g.member_kind as StructureRow["kind"] });
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
        kind: s.kind as StructureRow["kind"],
        departement: s.departement_code,
        departementName: s.departement_name,
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
    },
  );

  app.get(
    "/api/v1/structures/:structureId/realisation",
    {
      config: { policy: "structure:read" },
      schema: {
        tags: ["structures"],
        summary: "Réalisation mensuelle d'une structure (heures déclarées, ETP réalisés et conventionnés par mois)",
        params: StructureParams,
        querystring: z.object({ year: z.coerce.number().int().min(2000).max(2100) }),
        response: { 200: Realisation },
      },
    },
    async (request) => {
      const id = request.params.structureId;
      const year = request.query.year;
      // Rule: only the version in force of each AF counts (view counting_annex: highest validated version, FDI
      // excluded — two validated versions of one AF are never both summed); ETP réalisés =
      // hours ÷ annual hours of the AF; ETP conventionnés of a month = AF ETP when the AF covers it
      // — iae-reference §2.1, §3 (same rules as src/domain/indicators/formulas.ts, per month).
      const rows = await sql<{ month: string; hours: string | null; etp_realises: string | null; etp_conv: string | null; declarations: string | null }>`
        WITH months AS (
          SELECT generate_series(make_date(${year}::int, 1, 1), make_date(${year}::int, 12, 1), interval '1 month')::date AS month
        ), annexes AS (
          SELECT a.id, a.etp, a.annual_hours, a.starts_on, a.ends_on FROM counting_annex a WHERE a.structure_id = ${id}
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
    },
  );
};
export default routes;
