// The DDETS year through /api/v1 (docs/ddets-year.md): a structure's financing request of a year and its steps,
// its dialogue de gestion sheet, its part modulée decision; a département's CDIAE pack and modulation table.
// Targets: the structure of the path (SIAE members edit and file their own request — structure:declare; the
// State agents of the territory instruct, propose, record the CDIAE's opinion and the decision —
// structure:write), or the département of the path (structure:write: State agents of the territory).
import { z } from "zod";
import { CDIAE_OPINIONS, REQUEST_DECISIONS } from "../domain/financing/requestStates.js";
import { yearParam } from "./common.js";
import { defineContract } from "./contract.js";
import { structureTarget } from "./structures.js";
import { departementParam, idParam } from "./target.js";

// The read models' shapes, for the web client (type-only: nothing of the server is bundled).
export type { CdiaePack, CdiaeRequest } from "../queries/cdiae.js";
export type { DialogueSheet } from "../queries/dialogue.js";
export type { DepartementModulation, StructureModulationLine } from "../queries/modulation.js";
export type { GridCriterion, ModulationGrid } from "../domain/financing/modulationGrid.js";

const departementTarget = {
  params: z.strictObject({ departement: departementParam }),
  resolve: ({ departement }: { departement: string }) => ({ type: "departement" as const, code: departement }),
};

const decimal = z
  .string()
  .regex(/^\d+([.,]\d{1,2})?$/, "Nombre positif attendu (2 décimales au plus).")
  .transform((v) => v.replace(",", "."));
const year = z.number().int().min(2014).max(2100);

const FinancingRequest = z.looseObject({
  id: z.number().int(),
  structureId: z.number().int(),
  year: z.number().int(),
  state: z.string(),
  requestedEtp: z.string().nullable(),
  proposedEtp: z.string().nullable(),
  proposedAmount: z.string().nullable(),
  decision: z.string().nullable(),
  annexId: z.number().int().nullable(),
});
export type FinancingRequestView = z.infer<typeof FinancingRequest>;

export const RequestDraftBody = z.strictObject({
  year,
  requestedEtp: decimal.optional(),
  cofinancingDeclared: decimal.optional(),
  cofinancer: z.string().max(100).optional(),
  forecast: z
    .strictObject({
      dynamicRate: decimal.optional(),
      durableRate: decimal.optional(),
      transitionRate: decimal.optional(),
      positiveRate: decimal.optional(),
    })
    .optional(),
  project: z
    .strictObject({
      public: z.string().max(4000).optional(),
      support: z.string().max(4000).optional(),
      training: z.string().max(4000).optional(),
      activity: z.string().max(4000).optional(),
    })
    .optional(),
});

export const RequestStepBody = z.strictObject({
  year,
  action: z.enum(["file", "return", "instruct", "propose", "cdiae", "decide"]),
  comment: z.string().max(4000).optional(),
  proposedEtp: decimal.optional(),
  modulationPercent: decimal.optional(),
  opinion: z.enum(CDIAE_OPINIONS).optional(),
  sessionOn: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  decision: z.enum(REQUEST_DECISIONS).optional(),
  decidedEtp: decimal.optional(),
});

export const AttachmentBody = z.strictObject({
  year,
  fileName: z.string().min(1).max(200),
  /** The PDF, base64-encoded. */
  contentBase64: z.string().min(1).max(7_200_000),
});

export const getFinancingRequest = defineContract({
  method: "GET",
  path: "/api/v1/structures/:structureId/financing-request",
  tags: ["année DDETS"],
  summary: "Demande de conventionnement / renouvellement d'une structure pour une année, avec son historique et ses pièces jointes",
  target: structureTarget,
  query: z.strictObject({ year: yearParam }),
  response: {
    200: z.looseObject({
      request: FinancingRequest.nullable(),
      events: z.array(z.looseObject({})),
      attachments: z.array(z.looseObject({})),
    }),
  },
});

export const saveFinancingRequest = defineContract({
  method: "POST",
  path: "/api/v1/structures/:structureId/financing-request",
  tags: ["année DDETS"],
  summary: "Créer ou modifier le brouillon de la demande de l'année (SIAE de la structure)",
  target: structureTarget,
  body: RequestDraftBody,
  response: { 200: FinancingRequest },
});

export const fileFinancingRequest = defineContract({
  method: "POST",
  path: "/api/v1/structures/:structureId/financing-request/file",
  tags: ["année DDETS"],
  summary: "Déposer la demande de l'année (SIAE de la structure)",
  target: structureTarget,
  body: z.strictObject({ year, comment: z.string().max(4000).optional() }),
  response: { 200: FinancingRequest },
});

export const addFinancingAttachment = defineContract({
  method: "POST",
  path: "/api/v1/structures/:structureId/financing-request/attachments",
  tags: ["année DDETS"],
  summary: "Joindre un PDF à la demande (5 Mo au plus, type vérifié sur le contenu)",
  target: structureTarget,
  body: AttachmentBody,
  response: { 201: z.object({ id: z.number().int(), sha256: z.string(), sizeBytes: z.number().int() }) },
});

export const stepFinancingRequest = defineContract({
  method: "POST",
  path: "/api/v1/structures/:structureId/financing-request/steps",
  tags: ["année DDETS"],
  summary: "Instruire, renvoyer, proposer (ETP, part modulée), avis du CDIAE, décision (DDETS du département)",
  target: structureTarget,
  body: RequestStepBody,
  response: { 200: FinancingRequest },
});

export const getDialogue = defineContract({
  method: "GET",
  path: "/api/v1/structures/:structureId/dialogue",
  tags: ["année DDETS"],
  summary: "Fiche de dialogue de gestion d'une structure pour une année (mêmes chiffres que les indicateurs)",
  target: structureTarget,
  query: z.strictObject({ year: yearParam }),
  response: {
    200: z.looseObject({ structure: z.looseObject({}), etp: z.looseObject({}), exits: z.looseObject({}), modulation: z.looseObject({}) }),
  },
});

export const saveDialogue = defineContract({
  method: "POST",
  path: "/api/v1/structures/:structureId/dialogue",
  tags: ["année DDETS"],
  summary: "Conclusions du dialogue de gestion et objectifs convenus pour l'année suivante (DDETS)",
  target: structureTarget,
  body: z.strictObject({
    year,
    conclusions: z.string().max(8000),
    nextObjectives: z
      .strictObject({
        etp: decimal.optional(),
        dynamicRate: decimal.optional(),
        durableRate: decimal.optional(),
        transitionRate: decimal.optional(),
        positiveRate: decimal.optional(),
      })
      .optional(),
  }),
  response: { 200: z.object({ saved: z.literal(true) }) },
});

export const decideModulation = defineContract({
  method: "POST",
  path: "/api/v1/structures/:structureId/modulation",
  tags: ["année DDETS"],
  summary: "Décider la part modulée d'une structure pour une année (motif obligatoire si elle diffère de la grille)",
  target: structureTarget,
  body: z.strictObject({ year, decidedPercent: decimal, reason: z.string().max(2000).optional() }),
  response: { 200: z.object({ proposedPercent: z.string(), decidedPercent: z.string(), amount: z.string() }) },
});

export const getCdiaePack = defineContract({
  method: "GET",
  path: "/api/v1/departements/:departement/cdiae",
  tags: ["année DDETS"],
  summary: "Dossier du CDIAE : demandes de l'année, propositions, totaux face à l'enveloppe notifiée, écart",
  target: departementTarget,
  query: z.strictObject({
    year: yearParam,
    session: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
  }),
  response: { 200: z.looseObject({ requests: z.array(z.looseObject({})), totals: z.looseObject({}), envelope: z.looseObject({}) }) },
});

export const getModulation = defineContract({
  method: "GET",
  path: "/api/v1/departements/:departement/modulation",
  tags: ["année DDETS"],
  summary: "Part modulée du département : pourcentage proposé par la grille (calcul ligne à ligne), décidé, montant",
  target: departementTarget,
  query: z.strictObject({ year: yearParam }),
  response: { 200: z.looseObject({ structures: z.array(z.looseObject({})) }) },
});

export const DOCUMENT_FORMATS = ["pdf", "xlsx"] as const;

export const listFinancingRequests = defineContract({
  method: "GET",
  path: "/api/v1/structures/:structureId/financing-requests",
  tags: ["année DDETS"],
  summary: "Demandes de conventionnement / renouvellement d'une structure, toutes années",
  target: structureTarget,
  response: { 200: z.array(FinancingRequest) },
});

export const getFinancingAttachment = defineContract({
  method: "GET",
  path: "/api/v1/structures/:structureId/financing-request/attachments/:attachmentId",
  tags: ["année DDETS"],
  summary: "Télécharger une pièce jointe de la demande (la SIAE de la structure et la DDETS du département)",
  target: structureTarget,
  params: z.strictObject({ attachmentId: idParam("pièce jointe") }),
});

export const getDialogueDocument = defineContract({
  method: "GET",
  path: "/api/v1/structures/:structureId/dialogue/document",
  tags: ["année DDETS"],
  summary: "Fiche de dialogue de gestion en PDF ou XLSX",
  target: structureTarget,
  query: z.strictObject({ year: yearParam, format: z.enum(DOCUMENT_FORMATS) }),
});

export const getCdiaeDocument = defineContract({
  method: "GET",
  path: "/api/v1/departements/:departement/cdiae/document",
  tags: ["année DDETS"],
  summary: "Dossier du CDIAE en PDF (ordre du jour, une page par structure) ou XLSX",
  target: departementTarget,
  query: z.strictObject({
    year: yearParam,
    format: z.enum(DOCUMENT_FORMATS),
    session: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
  }),
});

export const setEnvelope = defineContract({
  method: "POST",
  path: "/api/v1/departements/:departement/envelope",
  tags: ["année DDETS"],
  summary: "Saisir l'enveloppe notifiée au département pour une année, par ligne de financement (DDETS)",
  target: departementTarget,
  body: z.strictObject({
    year,
    notifiedOn: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
    lines: z
      .array(z.strictObject({ code: z.string().regex(/^[A-Z0-9_]+$/), amount: decimal }))
      .min(1)
      .max(50),
  }),
  response: { 200: z.object({ saved: z.literal(true) }) },
});

const Threshold = z.strictObject({ min: z.number(), points: z.number() });
const Criterion = z.strictObject({
  id: z.string().min(1).max(60),
  family: z.string(),
  measure: z.string(),
  thresholds: z.array(Threshold).min(1).max(10),
  weight: z.number(),
});

export const getModulationGrid = defineContract({
  method: "GET",
  path: "/api/v1/departements/:departement/modulation-grid",
  tags: ["année DDETS"],
  summary: "Grille de part modulée en vigueur (version, critères) et ses versions précédentes",
  target: departementTarget,
  query: z.strictObject({ year: yearParam }),
  response: {
    200: z.looseObject({
      version: z.number().int().nullable(),
      criteria: z.array(z.looseObject({})),
      versions: z.array(z.looseObject({})),
    }),
  },
});

export const saveModulationGridContract = defineContract({
  method: "POST",
  path: "/api/v1/departements/:departement/modulation-grid",
  tags: ["année DDETS"],
  summary: "Enregistrer une nouvelle version de la grille de part modulée (DDETS)",
  target: departementTarget,
  body: z.strictObject({ year, criteria: z.array(Criterion).min(1).max(30) }),
  response: { 200: z.object({ id: z.number().int(), version: z.number().int() }) },
});
