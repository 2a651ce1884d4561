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

const FundingLine = z.object({
  code: z.string(),
  label: z.string(),
  conventionne: z.number(),
  paidToDate: z.number(),
  projectedYearEnd: z.number(),
  projectedUnused: z.number(),
});

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
      /** The structure's aide au poste of the year, and by funding line (summing exactly to `fundingLines`). */
      conventionne: z.number(),
      fundingLines: z.array(FundingLine),
    }),
  ),
  fundingLines: z.array(FundingLine),
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

const Move = z.strictObject({
  from: z.number().int().positive(),
  to: z.number().int().positive(),
  /** ETP taken from the donor's AF, to the hundredth ("1.25"). */
  etp: z.string().regex(/^\d+(\.\d{1,2})?$/, "Nombre d'ETP au centième attendu (ex. 1.25)."),
});
export const RedeploymentBody = z.strictObject({ year: z.number().int().min(2000).max(2100), at: isoDate, moves: z.array(Move).max(200) });

export const Redeployment = z.object({
  departement: z.string(),
  year: z.number().int(),
  at: z.string(),
  /** The moves proposed from the forecast (before any edit). */
  proposed: z.array(z.object({ from: z.number().int(), to: z.number().int(), etp: z.string() })),
  /** The moves applied in this what-if, with the ETP the receiver gets at its own unit amount. */
  moves: z.array(z.object({ from: z.number().int(), to: z.number().int(), etp: z.string(), etpReceived: z.string() })),
  structures: z.array(
    z.object({
      structureId: z.number().int(),
      annexId: z.number().int(),
      etpBefore: z.string(),
      etpAfter: z.string(),
      totalBefore: z.string(),
      totalAfter: z.string(),
      rateBefore: z.number().nullable(),
      rateAfter: z.number().nullable(),
      alertAfter: alert,
    }),
  ),
  envelopeBefore: z.string(),
  envelopeAfter: z.string(),
  names: z.array(
    z.object({ structureId: z.number().int(), name: z.string(), kind: z.string(), number: z.string(), unitAmount: z.string() }),
  ),
  excluded: z.array(z.object({ structureId: z.number().int(), name: z.string(), reason: z.string() })),
});
export type Redeployment = z.infer<typeof Redeployment>;

export const AcceptedRedeployment = z.object({
  drafts: z.array(
    z.object({
      structureId: z.number().int(),
      annexId: z.number().int(),
      number: z.string(),
      etp: z.string(),
      total: z.string(),
      baseAnnexId: z.number().int(),
    }),
  ),
});

export const getRedeployment = defineContract({
  method: "GET",
  path: "/api/v1/steering/departements/:departement/redeployment",
  tags: ["pilotage"],
  summary: "Redéploiement : mouvements d'ETP proposés entre structures du département d'après la projection, et leur effet",
  target: departementTarget,
  query: envelopeQuery,
  response: { 200: Redeployment },
});

export const previewRedeployment = defineContract({
  method: "POST",
  path: "/api/v1/steering/departements/:departement/redeployment/preview",
  tags: ["pilotage"],
  summary: "Redéploiement : effet de mouvements saisis par l'agent (rien n'est écrit)",
  target: departementTarget,
  body: RedeploymentBody,
  response: { 200: Redeployment },
});

export const acceptRedeployment = defineContract({
  method: "POST",
  path: "/api/v1/steering/departements/:departement/redeployment",
  tags: ["pilotage"],
  summary: "Redéploiement accepté : un avenant en brouillon (M+1, SAISI) par annexe financière modifiée, rien n'est validé",
  target: departementTarget,
  body: RedeploymentBody,
  response: { 201: AcceptedRedeployment },
});
