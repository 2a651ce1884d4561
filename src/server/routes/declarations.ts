// Monthly declaration screen: one grid per AF of the structure covering the month, with every
// salarié under contract that month, hours pre-filled from the contract (or the hours already
// declared), totals in ETP against the AF target; validation through declareMonthlyHours.
import { Decimal } from "decimal.js";
import { z } from "zod";
import { endOfMonth } from "../../domain/calendar/isoDate.js";
import { type AfState, countsForStatistics } from "../../domain/conventions/states.js";
import { monthlyEtp } from "../../domain/declarations/etp.js";
import { declareMonthlyHours } from "../../operations/declareMonthlyHours.js";
import type { RouteModule } from "../context.js";
import { runOperation } from "../lists/runOperation.js";
import { sendProblem } from "../problem.js";

const monthKey = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "Mois attendu au format AAAA-MM.");
const StructureParams = z.object({ structureId: z.coerce.number().int().positive() });

/**
 * Monthly hours pre-filled from a contract's weekly hours: weekly × 52 ÷ 12 (35 h → 151,67 h).
 * [M] Usual French monthly conversion of a weekly schedule (mensualisation); the structure corrects
 * the figure before validating (absences, partial months).
 */
export function prefilledMonthlyHours(weeklyHours: number | null): number {
  if (weeklyHours === null) return 0;
  return new Decimal(weeklyHours).times(52).dividedBy(12).toDecimalPlaces(2).toNumber();
}

const Line = z.object({
  contractId: z.number().int(),
  personId: z.number().int(),
  lastName: z.string().nullable(),
  firstName: z.string().nullable(),
  contractType: z.string(),
  contractStart: z.string(),
  exitOn: z.string().nullable(),
  weeklyHours: z.number().nullable(),
  prefilledHours: z.number(),
  declaredHours: z.number().nullable(),
  declarationState: z.string().nullable(),
});
const Grid = z.object({
  structureId: z.number().int(),
  month: z.string(),
  annexes: z.array(
    z.object({
      id: z.number().int(),
      number: z.string(),
      mesure: z.string(),
      etpTarget: z.number(),
      annualHours: z.number(),
      declaredHours: z.number(),
      declaredEtp: z.number(),
      lines: z.array(Line),
    }),
  ),
});

const routes: RouteModule = async (app, ctx) => {
  const db = ctx.handle.db;

  app.get(
    "/api/v1/structures/:structureId/declarations",
    {
      config: { policy: "structure:declare" },
      schema: {
        tags: ["déclarations"],
        summary: "Grille de déclaration mensuelle : une grille par annexe financière couvrant le mois",
        params: StructureParams,
        querystring: z.object({ month: monthKey }),
        response: { 200: Grid },
      },
    },
    async (request) => {
      const structureId = request.params.structureId;
      const month = request.query.month;
      const monthStart = `${month}-01`;
      const monthEnd = endOfMonth(monthStart);
      const annexRows = await db
        .selectFrom("financial_annex as a")
        .innerJoin("ref_mesure as m", "m.code", "a.mesure_code")
        .select(["a.id", "a.number", "a.mesure_code", "a.state", "a.etp", "a.annual_hours", "a.starts_on", "a.ends_on", "m.counts_for_posts"])
        .where("a.structure_id", "=", structureId)
        .where("a.starts_on", "<=", monthEnd)
        .where("a.ends_on", ">=", monthStart)
        .orderBy("a.number")
        .execute();
      const annexes = annexRows.filter((a) => a.counts_for_posts && countsForStatistics({ state: a.state as AfState }));
      const contracts = await db
        .selectFrom("contract as c")
        .innerJoin("person as p", "p.id", "c.person_id")
        .select(["c.id", "c.person_id", "c.mesure_code", "c.contract_type", "c.starts_on", "c.exit_on", "c.weekly_hours", "p.last_name", "p.first_name"])
        .where("c.structure_id", "=", structureId)
        .where("c.starts_on", "<=", monthEnd)
        .where((eb) => eb.or([eb("c.exit_on", "is", null), eb("c.exit_on", ">=", monthStart)]))
        .orderBy("p.last_name")
        .orderBy("p.first_name")
        .orderBy("c.id")
        .execute();
      const declared = await db
        .selectFrom("monthly_declaration")
        .select(["annex_id", "contract_id", "hours", "state"])
        .where("structure_id", "=", structureId)
        .where("month", "=", monthStart)
        .execute();
      return {
        structureId,
        month,
        annexes: annexes.map((a) => {
          const lines = contracts
            .filter((c) => c.mesure_code === a.mesure_code)
            .map((c) => {
              const d = declared.find((x) => Number(x.annex_id) === Number(a.id) && Number(x.contract_id) === Number(c.id));
              const weekly = c.weekly_hours === null ? null : Number(c.weekly_hours);
              return {
                contractId: Number(c.id),
                personId: Number(c.person_id),
                lastName: c.last_name,
                firstName: c.first_name,
                contractType: c.contract_type,
                contractStart: c.starts_on,
                exitOn: c.exit_on,
                weeklyHours: weekly,
                prefilledHours: prefilledMonthlyHours(weekly),
                declaredHours: d ? Number(d.hours) : null,
                declarationState: d?.state ?? null,
              };
            });
          const declaredHours = declared
            .filter((x) => Number(x.annex_id) === Number(a.id))
            .reduce((sum, x) => sum.plus(x.hours), new Decimal(0));
          return {
            id: Number(a.id),
            number: a.number,
            mesure: a.mesure_code,
            etpTarget: Number(a.etp),
            annualHours: Number(a.annual_hours),
            declaredHours: declaredHours.toNumber(),
            // Rule: monthly ETP = hours ÷ (annual hours of the AF ÷ 12) — iae-reference §3.
            declaredEtp: monthlyEtp(declaredHours, a.annual_hours).toDecimalPlaces(2).toNumber(),
            lines,
          };
        }),
      };
    },
  );

  app.post(
    "/api/v1/structures/:structureId/declarations",
    {
      config: { policy: "structure:declare", audit: false },
      schema: {
        tags: ["déclarations"],
        summary: "Enregistre (brouillon) ou valide la déclaration mensuelle d'une annexe financière",
        params: StructureParams,
        body: z.object({
          annexId: z.number().int().positive(),
          month: monthKey,
          state: z.enum(["BROUILLON", "VALIDE"]).default("VALIDE"),
          lines: z
            .array(
              z.object({
                contractId: z.number().int().positive(),
                hours: z.number().min(0, "Les heures ne peuvent pas être négatives.").max(744, "Au plus 744 heures dans un mois."),
              }),
            )
            .min(1, "Au moins un salarié."),
        }),
        response: {
          200: z.object({
            upserted: z.number().int(),
            month: z.string(),
            annexId: z.number().int(),
            state: z.string(),
            // What is now recorded for the AF and the month (read back after the write): the screen
            // confirms these figures.
            declaredHours: z.number(),
            declaredEtp: z.number(),
          }),
        },
      },
    },
    async (request, reply) => {
      const { structureId } = request.params;
      const body = request.body;
      const annex = await db
        .selectFrom("financial_annex")
        .select(["structure_id", "annual_hours"])
        .where("id", "=", body.annexId)
        .executeTakeFirst();
      if (!annex || Number(annex.structure_id) !== structureId) {
        return sendProblem(reply, 404, "Ressource introuvable", `L'annexe financière n° ${body.annexId} n'appartient pas à cette structure.`);
      }
      const outcome = await runOperation(ctx, request, reply, (db, deps) =>
        declareMonthlyHours(db, deps, {
          annexId: body.annexId,
          month: body.month,
          state: body.state,
          lines: body.lines.map((l) => ({ contractId: l.contractId, hours: new Decimal(l.hours).toFixed(2) })),
        }),
      );
      if (!outcome.ok) return outcome.reply;
      const recorded = await db
        .selectFrom("monthly_declaration")
        .select("hours")
        .where("annex_id", "=", body.annexId)
        .where("month", "=", `${body.month}-01`)
        .execute();
      const declaredHours = recorded.reduce((sum, x) => sum.plus(x.hours), new Decimal(0));
      return {
        upserted: outcome.value.upserted,
        month: body.month,
        annexId: body.annexId,
        state: body.state,
        declaredHours: declaredHours.toNumber(),
        // Same rule and rounding as the grid (GET): hours ÷ (annual hours of the AF ÷ 12).
        declaredEtp: monthlyEtp(declaredHours, annex.annual_hours).toDecimalPlaces(2).toNumber(),
      };
    },
  );
};
export default routes;
