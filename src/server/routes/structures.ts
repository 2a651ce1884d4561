// Structures (SIAE): list with filters / sort / pagination / CSV-XLSX export, and a structure's page
// (identity, groups, sites, conventions, every AF version with its funding lines, monthly realisation).
// Contracts: src/contracts/structures.ts; read models: src/queries/structures.ts.
import { getRealisation, getStructure, listStructures } from "../../contracts/structures.js";
import {
  listStructures as readStructures,
  type STRUCTURE_SORT_COLUMNS,
  structurePage,
  structureRealisation,
} from "../../queries/structures.js";
import type { RouteModule } from "../context.js";
import { sendExport } from "../lists/exportList.js";
import { parseSort, window } from "../lists/listQuery.js";
import { sendProblem } from "../problem.js";
import { route } from "../route.js";

const routes: RouteModule = async (app, ctx) => {
  const db = ctx.handle.db;

  route(app, listStructures, { policy: "territory:read" }, async ({ target, input: q, principal, reply }) => {
    const { items, total } = await readStructures(db, principal!, target, {
      kind: q.kind,
      q: q.q,
      sort: [parseSort<keyof typeof STRUCTURE_SORT_COLUMNS>(q.sort)],
      ...window(q),
    });
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
    return { items, total, page: q.page, pageSize: q.pageSize };
  });

  route(app, getStructure, { policy: "structure:read" }, async ({ target, principal, reply }) => {
    const page = await structurePage(db, principal!, target);
    if (!page) return sendProblem(reply, 404, "Ressource introuvable", `Aucune structure n° ${target.id}.`);
    return page;
  });

  route(app, getRealisation, { policy: "structure:read" }, async ({ target, input, principal }) =>
    structureRealisation(db, principal!, target, input.year),
  );
};
export default routes;
