// Exits of a structure: list (filters, sort, pagination, CSV/XLSX) and recording an exit (motif from
// the referential; its category is read through the referential table and returned).
import { sql } from "kysely";
import { z } from "zod";
import { recordExit } from "../../operations/recordExit.js";
import type { RouteModule } from "../context.js";
import { sendExport } from "../lists/exportList.js";
import { listQuerySchema, pageSchema, parseSort, window } from "../lists/listQuery.js";
import { runOperation } from "../lists/runOperation.js";
import { sendProblem } from "../problem.js";

const StructureParams = z.object({ structureId: z.coerce.number().int().positive() });
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Date attendue au format AAAA-MM-JJ.");

const ExitRow = z.object({
  id: z.number().int(),
  personId: z.number().int(),
  lastName: z.string().nullable(),
  firstName: z.string().nullable(),
  exitOn: z.string(),
  motifCode: z.number().int(),
  motifLabel: z.string(),
  categoryLabel: z.string(),
  group: z.string(),
});
type ExitRow = z.infer<typeof ExitRow>;
const SORT_COLUMNS = { exitOn: "e.exit_on", lastName: "p.last_name", motif: "m.label" } as const;
const ListQuery = listQuerySchema(["exitOn", "lastName", "motif"], "-exitOn").extend({
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  group: z.enum(["durable", "transition", "positive", "other", "retrait"]).optional(),
});

const routes: RouteModule = async (app, ctx) => {
  const db = ctx.handle.db;

  app.get(
    "/api/v1/structures/:structureId/exits",
    {
      config: { policy: "structure:declare" },
      schema: {
        tags: ["sorties"],
        summary: "Sorties d'une structure (motif, catégorie ; export CSV/XLSX)",
        params: StructureParams,
        querystring: ListQuery,
        response: { 200: pageSchema(ExitRow) },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const structureId = request.params.structureId;
      let base = db
        .selectFrom("exit as e")
        .innerJoin("person as p", "p.id", "e.person_id")
        .innerJoin("ref_exit_motif as m", "m.code", "e.motif_code")
        .innerJoin("ref_exit_category as c", "c.code", "m.category_code")
        .where("e.structure_id", "=", structureId);
      if (q.year) base = base.where("e.exit_on", ">=", `${q.year}-01-01`).where("e.exit_on", "<=", `${q.year}-12-31`);
      if (q.group) base = base.where("c.grp", "=", q.group);
      const sort = parseSort<keyof typeof SORT_COLUMNS>(q.sort);
      const { limit, offset } = window(q);
      const [count, rows] = await Promise.all([
        base.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
        base
          .select(["e.id", "e.person_id", "p.last_name", "p.first_name", "e.exit_on", "e.motif_code", "m.label as motif_label", "c.label as category_label", "c.grp"])
          .orderBy(sql.ref(SORT_COLUMNS[sort.key]), sort.direction)
          .orderBy("e.id")
          .limit(limit)
          .offset(offset)
          .execute(),
      ]);
      const items: ExitRow[] = rows.map((r) => ({
        id: Number(r.id),
        personId: Number(r.person_id),
        lastName: r.last_name,
        firstName: r.first_name,
        exitOn: r.exit_on,
        motifCode: r.motif_code,
        motifLabel: r.motif_label,
        categoryLabel: r.category_label,
        group: r.grp,
      }));
      if (q.format !== "json") {
        return sendExport(reply, q.format, `sorties-${structureId}`, items, [
          { header: "Nom", value: (r) => r.lastName },
          { header: "Prénom", value: (r) => r.firstName },
          { header: "Date de sortie", value: (r) => r.exitOn },
          { header: "Code motif", value: (r) => r.motifCode },
          { header: "Motif", value: (r) => r.motifLabel },
          { header: "Catégorie", value: (r) => r.categoryLabel },
        ]);
      }
      return { items, total: Number(count.n), page: q.page, pageSize: q.pageSize };
    },
  );

  app.post(
    "/api/v1/structures/:structureId/exits",
    {
      config: { policy: "structure:declare", audit: false },
      schema: {
        tags: ["sorties"],
        summary: "Enregistre la sortie définitive d'un parcours (contrat initial et renouvellements)",
        params: StructureParams,
        body: z.object({ contractId: z.number().int().positive(), exitOn: isoDate, motifCode: z.number().int() }),
        response: {
          201: z.object({ id: z.number().int(), recruitmentId: z.number().int(), group: z.string(), motifLabel: z.string(), categoryLabel: z.string() }),
        },
      },
    },
    async (request, reply) => {
      const { structureId } = request.params;
      const contract = await db.selectFrom("contract").select("structure_id").where("id", "=", request.body.contractId).executeTakeFirst();
      if (!contract || Number(contract.structure_id) !== structureId) {
        return sendProblem(reply, 404, "Ressource introuvable", `Le contrat n° ${request.body.contractId} n'appartient pas à cette structure.`);
      }
      const outcome = await runOperation(ctx, request, reply, (db, deps) => recordExit(db, deps, request.body));
      if (!outcome.ok) return outcome.reply;
      const motif = await db
        .selectFrom("ref_exit_motif as m")
        .innerJoin("ref_exit_category as c", "c.code", "m.category_code")
        .select(["m.label", "c.label as category_label"])
        .where("m.code", "=", request.body.motifCode)
        .executeTakeFirstOrThrow();
      return reply.status(201).send({ ...outcome.value, motifLabel: motif.label, categoryLabel: motif.category_label });
    },
  );
};
export default routes;
