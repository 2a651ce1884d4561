// Annexes financières of a structure: one version with every version of the same AF, creation of an AF,
// a new version (amendment), and the aide au poste simulations (one AF from the barème; next year's
// allocation of an existing AF). Targets: the structure, or the AF within it, of the path.
import { z } from "zod";
import { TERRITORIES } from "../domain/aid/bareme.js";
import { annexPeriodError } from "../domain/conventions/annexPeriod.js";
import { isoDate, siaeKind } from "./common.js";
import { defineContract } from "./contract.js";
import { afState, structureTarget } from "./structures.js";
import { idParam } from "./target.js";

export const annexTarget = {
  params: z.strictObject({ structureId: idParam("structure"), annexId: idParam("annexe financière") }),
  resolve: ({ structureId, annexId }: { structureId: number; annexId: number }) => ({ type: "annex" as const, structureId, annexId }),
};

const decimal = z
  .string()
  .regex(/^\d+([.,]\d{1,2})?$/, "Nombre positif attendu (2 décimales au plus).")
  .transform((v) => v.replace(",", "."));
const signedDecimal = z
  .string()
  .regex(/^-?\d+([.,]\d{1,2})?$/, "Nombre attendu (2 décimales au plus).")
  .transform((v) => v.replace(",", "."));

/** States an AF may be created in from the screens. */
export const CREATABLE_AF_STATES = ["BROUILLON", "SAISI", "VALIDE", "PROVISOIRE"] as const satisfies readonly z.infer<typeof afState>[];

// AF period rule: src/domain/conventions/annexPeriod.ts (iae-reference §2.1).
export const AnnexBody = z
  .object({
    conventionId: z.number().int().positive().optional(),
    state: z.enum(CREATABLE_AF_STATES).default("VALIDE"),
    startsOn: isoDate,
    endsOn: isoDate,
    etp: decimal,
    unitAmount: decimal.optional(),
    annualHours: decimal.optional(),
    penitentiary: z.boolean().default(false),
    modulationPercent: decimal.optional(),
    funding: z.array(z.object({ code: z.string(), amount: decimal })).optional(),
  })
  .superRefine((body, issues) => {
    const periodError = annexPeriodError(body.startsOn, body.endsOn);
    if (periodError) issues.addIssue({ code: "custom", path: ["endsOn"], message: periodError });
    if (Number(body.etp) <= 0) issues.addIssue({ code: "custom", path: ["etp"], message: "Nombre d'ETP conventionnés > 0 attendu." });
  });
export type AnnexBody = z.input<typeof AnnexBody>;

export const CreatedAnnex = z.object({
  id: z.number().int(),
  number: z.string(),
  total: z.string(),
  unitAmount: z.string(),
  months: z.number().int(),
  historisedId: z.number().int().nullable(),
});
export type CreatedAnnex = z.infer<typeof CreatedAnnex>;

const Version = z.object({
  id: z.number().int(),
  number: z.string(),
  modification: z.number().int(),
  state: afState,
  startsOn: z.string(),
  endsOn: z.string(),
  etp: z.string(),
  unitAmount: z.string().nullable(),
  totalAmount: z.string().nullable(),
  modulationPercent: z.string().nullable(),
  modulatedAmount: z.string().nullable(),
});

export const AnnexDetail = z.object({
  id: z.number().int(),
  structureId: z.number().int(),
  structureName: z.string(),
  /** Département of the structure's address (Mayotte has its own barème). */
  structureDepartement: z.string(),
  kind: siaeKind,
  number: z.string(),
  numberPrefix: z.string(),
  renewal: z.number().int(),
  modification: z.number().int(),
  state: afState,
  mesure: z.string(),
  penitentiary: z.boolean(),
  conventionId: z.number().int().nullable(),
  startsOn: z.string(),
  endsOn: z.string(),
  etp: z.string(),
  annualHours: z.string(),
  unitAmount: z.string().nullable(),
  totalAmount: z.string().nullable(),
  modulationPercent: z.string().nullable(),
  modulatedAmount: z.string().nullable(),
  funding: z.array(z.object({ code: z.string(), label: z.string(), amount: z.string() })),
  /** Every version of this AF (same number without M, same renewal), newest first. */
  versions: z.array(Version),
});
export type AnnexDetail = z.infer<typeof AnnexDetail>;

export const AfSimulation = z.object({
  kind: siaeKind,
  territory: z.string(),
  unitAmount: z.string(),
  /** Default hours per ETP of the kind, the reference of ETP réalisés; null without an hours table. */
  hoursPerEtp: z.string().nullable(),
  months: z.number().int(),
  total: z.string(),
  modulationPercent: z.string(),
  modulatedAmount: z.string(),
  modulatedPaymentMonth: z.string(),
  monthly: z.array(z.object({ month: z.string(), amount: z.string(), regularisation: z.boolean() })),
});
export type AfSimulation = z.infer<typeof AfSimulation>;

export const NextYearSimulation = z.object({
  annexNumber: z.string(),
  lastYearEtp: z.number(),
  nextEtp: z.string(),
  lastYearTotal: z.string(),
  difference: z.string(),
  next: AfSimulation,
});
export type NextYearSimulation = z.infer<typeof NextYearSimulation>;

export const getAnnex = defineContract({
  method: "GET",
  path: "/api/v1/structures/:structureId/annexes/:annexId",
  tags: ["annexes financières"],
  summary: "Une version d'annexe financière et toutes les versions de la même annexe",
  target: annexTarget,
  response: { 200: AnnexDetail },
});

export const createAnnex = defineContract({
  method: "POST",
  path: "/api/v1/structures/:structureId/annexes",
  tags: ["annexes financières"],
  summary: "Crée une annexe financière (aide au poste calculée depuis le barème, part modulée, financements)",
  target: structureTarget,
  body: AnnexBody,
  response: { 201: CreatedAnnex },
});

export const createAnnexVersion = defineContract({
  method: "POST",
  path: "/api/v1/structures/:structureId/annexes/:annexId/versions",
  tags: ["annexes financières"],
  summary: "Modifie une annexe financière (avenant) : nouvelle version M+1, la version courante devient HISTORISE",
  target: annexTarget,
  body: AnnexBody,
  response: { 201: CreatedAnnex },
});

export const simulateAnnex = defineContract({
  method: "GET",
  path: "/api/v1/simulations/af",
  tags: ["simulations"],
  summary: "Aide au poste d'une annexe financière (barème en vigueur au début sauf montant unitaire fourni)",
  query: z.strictObject({
    kind: siaeKind,
    etp: signedDecimal,
    from: isoDate,
    to: isoDate,
    unit: signedDecimal.optional(),
    modulation: signedDecimal.optional(),
    territory: z.enum(TERRITORIES).default("droit_commun"),
  }),
  response: { 200: AfSimulation },
});

export const simulateNextYear = defineContract({
  method: "GET",
  path: "/api/v1/structures/:structureId/annexes/:annexId/next-year",
  tags: ["simulations"],
  summary: "Simulation de l'allocation de l'année suivante d'une annexe (ETP + variation, barème de l'année suivante)",
  target: annexTarget,
  query: z.strictObject({ etpChange: signedDecimal.default("0"), modulation: signedDecimal.optional() }),
  response: { 200: NextYearSimulation },
});
