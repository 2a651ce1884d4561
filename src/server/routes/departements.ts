// Conseil départemental: RSA beneficiaries in IAE in a département for a year — counts, ETP
// co-financed by the département, exits of RSA beneficiaries, by structure kind and by structure (export
// CSV/XLSX). Aggregates only (no personal data). Policy territory:read on the `departement` param: the
// conseil départemental and the DDETS of that département, the DREETS of its région, national users; SIAE
// users are refused. Figures computed by src/indicators/departementRsa.ts; contract in
// src/contracts/departements.ts.
import { getDepartementRsa, listDepartementRsaStructures, type RsaStructureRow } from "../../contracts/departements.js";
import { computeDepartementRsa } from "../../indicators/departementRsa.js";
import { ScopeError } from "../../indicators/scope.js";
import type { RouteModule } from "../context.js";
import { sendExport } from "../lists/exportList.js";
import { sendProblem } from "../problem.js";
import { route } from "../route.js";

const COLUMNS = [
  { header: "Identifiant", value: (r: RsaStructureRow) => r.id },
  { header: "Structure", value: (r: RsaStructureRow) => r.name },
  { header: "Type", value: (r: RsaStructureRow) => r.kind },
  { header: "Salariés présents", value: (r: RsaStructureRow) => r.present },
  { header: "dont bénéficiaires du RSA", value: (r: RsaStructureRow) => r.presentRsa },
  { header: "Part bénéficiaires du RSA", value: (r: RsaStructureRow) => r.rsaShare, numFmt: "0.0%" },
  { header: "Entrés dans l'année", value: (r: RsaStructureRow) => r.entered },
  { header: "dont bénéficiaires du RSA (entrés)", value: (r: RsaStructureRow) => r.enteredRsa },
  { header: "ETP conventionnés", value: (r: RsaStructureRow) => r.etpConventionnes, numFmt: "0.00" },
  { header: "ETP cofinancés par le département", value: (r: RsaStructureRow) => r.etpCofinances, numFmt: "0.00" },
  { header: "Montant du département (€)", value: (r: RsaStructureRow) => r.montantDepartement, numFmt: "#,##0.00" },
  { header: "Sorties examinées (bRSA)", value: (r: RsaStructureRow) => r.exitsExamined },
  { header: "Emploi durable", value: (r: RsaStructureRow) => r.exitsByCategory.durable },
  { header: "Emploi de transition", value: (r: RsaStructureRow) => r.exitsByCategory.transition },
  { header: "Sorties positives", value: (r: RsaStructureRow) => r.exitsByCategory.positive },
  { header: "Autres sorties", value: (r: RsaStructureRow) => r.exitsByCategory.other },
  { header: "Taux de sorties dynamiques (bRSA)", value: (r: RsaStructureRow) => r.dynamicRate, numFmt: "0.0%" },
];

const routes: RouteModule = async (app, ctx) => {
  const db = ctx.handle.db;
  const figures = async (departement: string, year: number) => {
    try {
      return await computeDepartementRsa(db, { departement, year });
    } catch (error) {
      if (error instanceof ScopeError) return error;
      throw error;
    }
  };

  route(app, getDepartementRsa, { policy: "territory:read" }, async ({ target, input, reply }) => {
    const result = await figures(target.code, input.year);
    if (result instanceof ScopeError) return sendProblem(reply, 404, "Département introuvable", result.message);
    return result;
  });

  route(app, listDepartementRsaStructures, { policy: "territory:read" }, async ({ target, input, reply }) => {
    const result = await figures(target.code, input.year);
    if (result instanceof ScopeError) return sendProblem(reply, 404, "Département introuvable", result.message);
    const rows = result.structures;
    if (input.format !== "json") return sendExport(reply, input.format, `rsa-departement-${target.code}-${input.year}`, rows, COLUMNS);
    return { items: rows, total: rows.length };
  });
};
export default routes;
