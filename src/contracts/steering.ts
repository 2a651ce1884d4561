// In-year steering: the envelope and year-end forecast of a département (DDETS of the département, DREETS of
// its région, DGEFP) or of one structure (also its own members). Same figures as `passerelle envelope`
// (src/queries/envelope.ts, docs/steering.md). Target: the département or the structure of the path.
import { z } from "zod";
import { isoDate, yearParam } from "./common.js";
import { defineContract } from "./contract.js";
import { structureTarget } from "./structures.js";
import { departementParam } from "./target.js";

const departementTarget = {
  params: z.strictObject({ departement: departementParam }),
  resolve: ({ departement }: { departement: string }) => ({ type: "departement" as const, code: departement }),
};

const interval = z.object({ low: z.number(), high: z.number() });
const alert = z.enum(["under", "over"]).nullable();

export const Envelope = z.object({
  scope: z.string(),
  year: z.number().int(),
  at: z.string(),
  etp: z.object({
    conventionnes: z.number(),
    realisesToDate: z.number(),
    projectedYearEnd: z.number(),
    projectedInterval: interval,
    projectedRate: z.number().nullable(),
  }),
  budget: z.object({
    conventionne: z.number(),
    paidToDate: z.number(),
    projectedYearEnd: z.number(),
    projectedUnused: z.number(),
  }),
  alerts: z.object({ under: z.number().int(), over: z.number().int() }),
  structures: z.array(
    z.object({
      structureId: z.number().int(),
      name: z.string(),
      kind: z.string(),
      etpConventionnes: z.number(),
      etpRealisesToDate: z.number(),
      projectedYearEnd: z.number(),
      projectedInterval: interval,
      projectedRate: z.number().nullable(),
      alert,
      paidToDate: z.number(),
      projectedAmount: z.number(),
    }),
  ),
});
export type Envelope = z.infer<typeof Envelope>;

/** ?year (required) and ?at (a date of that year; default: today, or 31 December of a past year). */
const envelopeQuery = z
  .strictObject({ year: yearParam, at: isoDate.optional() })
  .refine((q) => q.at === undefined || q.at.startsWith(`${q.year}-`), {
    message: "La date d'observation (at) doit être dans l'année (year).",
    path: ["at"],
  });

export const getDepartementEnvelope = defineContract({
  method: "GET",
  path: "/api/v1/steering/departements/:departement/envelope",
  tags: ["pilotage"],
  summary: "Enveloppe d'un département à une date : ETP réalisés, aide au poste versée, projection de fin d'année, alertes",
  target: departementTarget,
  query: envelopeQuery,
  response: { 200: Envelope },
});

export const getStructureEnvelope = defineContract({
  method: "GET",
  path: "/api/v1/steering/structures/:structureId/envelope",
  tags: ["pilotage"],
  summary: "Enveloppe d'une structure à une date : ETP réalisés, aide au poste versée, projection de fin d'année",
  target: structureTarget,
  query: envelopeQuery,
  response: { 200: Envelope },
});
