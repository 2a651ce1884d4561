// Exits of a structure: list (filters, sort, pagination, CSV/XLSX; read model src/queries/exits.ts) and
// recording an exit (motif from the referential; its category is read through the referential table and
// returned). Contracts: src/contracts/declarations.ts.
import { listExits, recordExit as recordExitContract } from "../../contracts/declarations.js";
import { recordExit } from "../../operations/recordExit.js";
import { type EXIT_SORT_COLUMNS, listExits as readExits } from "../../queries/exits.js";
import type { RouteModule } from "../context.js";
import { sendExport } from "../lists/exportList.js";
import { parseSort, window } from "../lists/listQuery.js";
import { runOperation } from "../lists/runOperation.js";
import { sendProblem } from "../problem.js";
import { route } from "../route.js";

const routes: RouteModule = async (app, ctx) => {
  const db = ctx.handle.db;

  route(app, listExits, { policy: "structure:declare" }, async ({ target, input: q, principal, reply }) => {
    const { items, total } = await readExits(db, principal!, target, {
      year: q.year,
      group: q.group,
      sort: parseSort<keyof typeof EXIT_SORT_COLUMNS>(q.sort),
      ...window(q),
    });
    if (q.format !== "json") {
      return sendExport(reply, q.format, `sorties-${target.id}`, items, [
        { header: "Nom", value: (r) => r.lastName },
        { header: "Prénom", value: (r) => r.firstName },
        { header: "Date de sortie", value: (r) => r.exitOn },
        { header: "Code motif", value: (r) => r.motifCode },
        { header: "Motif", value: (r) => r.motifLabel },
        { header: "Catégorie", value: (r) => r.categoryLabel },
      ]);
    }
    return { items, total, page: q.page, pageSize: q.pageSize };
  });

  route(app, recordExitContract, { policy: "structure:declare", audit: false }, async ({ target, body, request, reply }) => {
    const contract = await db.selectFrom("contract").select("structure_id").where("id", "=", body.contractId).executeTakeFirst();
    if (!contract || Number(contract.structure_id) !== target.id) {
      return sendProblem(reply, 404, "Ressource introuvable", `Le contrat n° ${body.contractId} n'appartient pas à cette structure.`);
    }
    const outcome = await runOperation(ctx, request, reply, (db, deps) => recordExit(db, deps, body));
    if (!outcome.ok) return outcome.reply;
    const motif = await db
      .selectFrom("ref_exit_motif as m")
      .innerJoin("ref_exit_category as c", "c.code", "m.category_code")
      .select(["m.label", "c.label as category_label"])
      .where("m.code", "=", body.motifCode)
      .executeTakeFirstOrThrow();
    return reply.status(201).send({ ...outcome.value, motifLabel: motif.label, categoryLabel: motif.category_label });
  });
};
export default routes;
