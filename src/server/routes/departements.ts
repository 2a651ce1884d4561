// Conseil départemental (issue 7): RSA beneficiaries in IAE in a département for a year — counts, ETP
// co-financed by the département, exits of RSA beneficiaries, by structure kind and by structure (export
// CSV/XLSX). Aggregates only (no personal data). Policy territory:read on the `departement` param: the
// conseil départemental and the DDETS of that département, the DREETS of its région, national users; SIAE
// users are refused. Figures computed by src/indicators/departementRsa.ts.
import { z } from "zod";
import { computeDepartementRsa, type RsaStructureRow } from "../../indicators/departementRsa.js";
import { ScopeError } from "../../indicators/scope.js";
import type { RouteModule } from "../context.js";
import { sendExport } from "../lists/exportList.js";
import { listFormat } from "../lists/listQuery.js";
import { sendProblem } from "../problem.js";

const KIND = z.enum(["ACI", "AI", "EI", "ETTI", "EITI"]);
const Params = z.object({
  departement: z.string().regex(/^([0-9]{2}|2[AaBb]|97[1-6])$/, "Code de département attendu (ex. 62, 2A, 971)."),
});
const Query = z.object({
  year: z.coerce.number({ message: "Indiquez l'année (year)." }).int("Année entière attendue.").min(2000, "Année postérieure à 2000 attendue.").max(2100, "Année antérieure à 2100 attendue."),
});
const ExportQuery = Query.extend({ format: listFormat });

const exitsByCategory = z.object({ durable: z.number(), transition: z.number(), positive: z.number(), other: z.number() });
const rowFields = {
  kind: KIND,
  present: z.number().int(),
  presentRsa: z.number().int(),
  rsaShare: z.number().nullable(),
  entered: z.number().int(),
  enteredRsa: z.number().int(),
  etpConventionnes: z.number(),
  etpCofinances: z.number(),
  montantDepartement: z.number(),
  exitsExamined: z.number().int(),
  exitsByCategory,
  dynamicRate: z.number().nullable(),
};
const StructureRow = z.object({ id: z.number().int(), name: z.string(), ...rowFields });
const Response = z.object({
  departement: z.string(),
  departementLabel: z.string(),
  period: z.object({ from: z.string(), to: z.string() }),
  people: z.object({
    present: z.number().int(),
    presentRsa: z.number().int(),
    entered: z.number().int(),
    enteredRsa: z.number().int(),
    rsaShare: z.number().nullable(),
    rsaShareEntered: z.number().nullable(),
  }),
  etp: z.object({ conventionnes: z.number(), cofinances: z.number(), cofinancedShare: z.number().nullable() }),
  montantDepartement: z.number(),
  exits: z.object({ examined: z.number().int(), byCategory: exitsByCategory, dynamicRate: z.number().nullable(), durableRate: z.number().nullable() }),
  byKind: z.array(z.object({ structures: z.number().int(), ...rowFields })),
  structures: z.array(StructureRow),
});

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

  app.get(
    "/api/v1/departements/:departement/rsa",
    {
      config: { policy: "territory:read" },
      schema: {
        tags: ["conseil départemental"],
        summary: "Bénéficiaires du RSA en IAE dans le département pour une année : effectifs, ETP cofinancés, sorties (agrégats)",
        params: Params,
        querystring: Query,
        response: { 200: Response },
      },
    },
    async (request, reply) => {
      try {
        return await computeDepartementRsa(db, { departement: request.params.departement, year: request.query.year });
      } catch (error) {
        if (error instanceof ScopeError) return sendProblem(reply, 404, "Département introuvable", error.message);
        throw error;
      }
    },
  );

  app.get(
    "/api/v1/departements/:departement/rsa/structures",
    {
      config: { policy: "territory:read" },
      schema: {
        tags: ["conseil départemental"],
        summary: "Tableau par structure des bénéficiaires du RSA (format=json|csv|xlsx)",
        params: Params,
        querystring: ExportQuery,
        response: { 200: z.object({ items: z.array(StructureRow), total: z.number().int() }) },
      },
    },
    async (request, reply) => {
      const { departement } = request.params;
      const { year, format } = request.query;
      let rows: RsaStructureRow[];
      try {
        rows = (await computeDepartementRsa(db, { departement, year })).structures;
      } catch (error) {
        if (error instanceof ScopeError) return sendProblem(reply, 404, "Département introuvable", error.message);
        throw error;
      }
      if (format !== "json") return sendExport(reply, format, `rsa-departement-${departement}-${year}`, rows, COLUMNS);
      return { items: rows, total: rows.length };
    },
  );
};
export default routes;
