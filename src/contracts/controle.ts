// Contrôle a posteriori through /api/v1 (docs/steering.md): a département's recorded campaigns (the DDETS draws
// one, follows each selected structure's progress and what is due) and a structure's file in a campaign (the
// SIAE adds proofs per criterion and transmits; the DDETS accepts or refuses each criterion, closes its review,
// decides). Targets: the département of the path (State agents of the territory; drawing: the DDETS) or the
// structure of the path (reading: its members and the State agents of its territory; proofs and transmission:
// its members; verdicts and decision: the DDETS). A campaign id is found only within the target.
import { z } from "zod";
import { DECISION_REASONS } from "../domain/controle/workflow.js";
import { isoDate } from "./common.js";
import { defineContract } from "./contract.js";
import { departementParam, idParam } from "./target.js";

const departementTarget = {
  params: z.strictObject({ departement: departementParam }),
  resolve: ({ departement }: { departement: string }) => ({ type: "departement" as const, code: departement }),
};
const structureTarget = {
  params: z.strictObject({ structureId: idParam("structure") }),
  resolve: ({ structureId }: { structureId: number }) => ({ type: "structure" as const, id: structureId }),
};
const campaignParams = z.strictObject({ campaignId: idParam("campagne") });

const Deadlines = z.object({ proofsDueOn: z.string(), reviewDueOn: z.string(), adversarialDueOn: z.string() });
const FileState = z.enum(["pieces", "soumis", "contradictoire", "soumis_contradictoire", "decide"]);
const Review = z.enum(["en_attente", "acceptee", "refusee", "refusee_2"]);
const Due = z.object({
  party: z.enum(["siae", "ddets"]),
  what: z.enum(["transmettre_pieces", "examiner", "transmettre_contradictoire", "decider"]),
  dueOn: z.string(),
  overdue: z.boolean(),
});

export const CampaignSummary = z.object({
  id: z.number().int(),
  departement: z.string(),
  from: z.string(),
  to: z.string(),
  seed: z.number().int(),
  percent: z.number().int(),
  eligibleStructures: z.number().int(),
  selectedStructures: z.number().int(),
  sampledHirings: z.number().int(),
  decided: z.number().int(),
  overdue: z.number().int(),
  state: z.enum(["en_cours", "close"]),
  deadlines: Deadlines,
  createdOn: z.string(),
  createdBy: z.string(),
});
export type CampaignSummary = z.infer<typeof CampaignSummary>;

export const FileProgress = z.object({
  structureId: z.number().int(),
  name: z.string(),
  kind: z.string(),
  eligibleHirings: z.number().int(),
  sampledHirings: z.number().int(),
  state: FileState,
  criteria: z.object({
    total: z.number().int(),
    justified: z.number().int(),
    accepted: z.number().int(),
    refused: z.number().int(),
    pending: z.number().int(),
  }),
  due: Due.nullable(),
  decision: z.enum(["conforme", "non_conforme"]).nullable(),
  /** The deadlines the file is held to: the campaign's, or its own once the DDETS extended them (`extended`). */
  deadlines: Deadlines,
  extended: z.boolean(),
});
export type FileProgress = z.infer<typeof FileProgress>;

export const CampaignDetail = z.object({
  campaign: CampaignSummary,
  structures: z.array(FileProgress),
  reminders: z.array(Due.extend({ structureId: z.number().int(), name: z.string() })),
});
export type CampaignDetail = z.infer<typeof CampaignDetail>;

export const ControleFile = z.object({
  campaign: z.object({
    id: z.number().int(),
    departement: z.string(),
    from: z.string(),
    to: z.string(),
    state: z.enum(["en_cours", "close"]),
    deadlines: Deadlines,
  }),
  file: FileProgress.extend({
    submittedAt: z.string().nullable(),
    adversarialAt: z.string().nullable(),
    adversarialSubmittedAt: z.string().nullable(),
    decisionReason: z.string().nullable(),
    decisionComment: z.string(),
    trainingRequired: z.boolean(),
    suspendedFrom: z.string().nullable(),
    suspendedTo: z.string().nullable(),
    aidCorrection: z.string(),
    decidedAt: z.string().nullable(),
  }),
  hirings: z.array(
    z.object({
      contractId: z.number().int(),
      personId: z.number().int(),
      startsOn: z.string(),
      criteria: z.array(
        z.object({
          id: z.number().int(),
          code: z.string(),
          label: z.string(),
          level: z.number().int(),
          expectedProof: z.string().nullable(),
          certified: z.boolean(),
          review: Review,
          reviewComment: z.string(),
          reviewedAt: z.string().nullable(),
          proofs: z.array(
            z.object({
              id: z.number().int(),
              phase: z.enum(["initiale", "contradictoire"]),
              fileName: z.string(),
              contentType: z.string(),
              sizeBytes: z.number().int(),
              sha256: z.string(),
              createdAt: z.string(),
            }),
          ),
        }),
      ),
    }),
  ),
});
export type ControleFile = z.infer<typeof ControleFile>;

export const CreateCampaignBody = z.strictObject({
  from: isoDate,
  to: isoDate,
  /** Omitted: drawn at random and recorded. */
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  percent: z.number().int().min(20).max(40).optional(),
  proofsDueOn: isoDate.optional(),
  reviewDueOn: isoDate.optional(),
  adversarialDueOn: isoDate.optional(),
});

export const listControleCampaigns = defineContract({
  method: "GET",
  path: "/api/v1/departements/:departement/controle-campaigns",
  tags: ["contrôle a posteriori"],
  summary: "Campagnes de contrôle a posteriori du département, avec leur avancement et les dossiers en retard",
  target: departementTarget,
  response: { 200: z.object({ campaigns: z.array(CampaignSummary) }) },
});

export const createControleCampaign = defineContract({
  method: "POST",
  path: "/api/v1/departements/:departement/controle-campaigns",
  tags: ["contrôle a posteriori"],
  summary: "Tirer et enregistrer une campagne (graine, sélection de 20 à 40 % des structures, échantillon de 20 % de leurs embauches)",
  target: departementTarget,
  body: CreateCampaignBody,
  response: {
    201: z.object({
      id: z.number().int(),
      seed: z.number().int(),
      percent: z.number().int(),
      eligible: z.number().int(),
      selected: z.array(z.object({ structureId: z.number().int(), sampled: z.array(z.number().int()) })),
    }),
  },
});

export const getControleCampaign = defineContract({
  method: "GET",
  path: "/api/v1/departements/:departement/controle-campaigns/:campaignId",
  tags: ["contrôle a posteriori"],
  summary: "Une campagne : l'avancement de chaque structure contrôlée et ce qui est attendu (échéances, retards)",
  target: departementTarget,
  params: campaignParams,
  response: { 200: CampaignDetail },
});

export const listStructureControles = defineContract({
  method: "GET",
  path: "/api/v1/structures/:structureId/controle-campaigns",
  tags: ["contrôle a posteriori"],
  summary: "Les contrôles a posteriori dont la structure fait l'objet",
  target: structureTarget,
  response: { 200: z.object({ campaigns: z.array(CampaignSummary.extend({ file: FileProgress })) }) },
});

export const getControleFile = defineContract({
  method: "GET",
  path: "/api/v1/structures/:structureId/controle-campaigns/:campaignId",
  tags: ["contrôle a posteriori"],
  summary: "Le dossier de contrôle d'une structure : embauches tirées, critères, justificatifs, avis de la DDETS",
  target: structureTarget,
  params: campaignParams,
  response: { 200: ControleFile },
});

export const getControleProof = defineContract({
  method: "GET",
  path: "/api/v1/structures/:structureId/controle-campaigns/:campaignId/proofs/:proofId",
  tags: ["contrôle a posteriori"],
  summary: "Télécharger un justificatif du dossier",
  target: structureTarget,
  params: z.strictObject({ campaignId: idParam("campagne"), proofId: idParam("justificatif") }),
});

export const addControleProof = defineContract({
  method: "POST",
  path: "/api/v1/structures/:structureId/controle-campaigns/:campaignId/proofs",
  tags: ["contrôle a posteriori"],
  summary: "Joindre un justificatif à un critère (PDF, PNG ou JPEG, 5 Mo au plus, type vérifié sur le contenu)",
  target: structureTarget,
  params: campaignParams,
  body: z.strictObject({
    criterionId: z.number().int().positive(),
    fileName: z.string().min(1).max(200),
    /** The file, base64-encoded. */
    contentBase64: z.string().min(1).max(7_200_000),
  }),
  response: {
    201: z.object({ id: z.number().int(), phase: z.enum(["initiale", "contradictoire"]), sha256: z.string(), sizeBytes: z.number().int() }),
  },
});

export const submitControleFile = defineContract({
  method: "POST",
  path: "/api/v1/structures/:structureId/controle-campaigns/:campaignId/submit",
  tags: ["contrôle a posteriori"],
  summary: "Transmettre le dossier à la DDETS (SIAE)",
  target: structureTarget,
  params: campaignParams,
  body: z.strictObject({}),
  response: { 200: z.object({ state: FileState }) },
});

export const reviewControleCriterion = defineContract({
  method: "POST",
  path: "/api/v1/structures/:structureId/controle-campaigns/:campaignId/reviews",
  tags: ["contrôle a posteriori"],
  summary: "Accepter ou refuser (motif obligatoire) un critère (DDETS)",
  target: structureTarget,
  params: campaignParams,
  body: z.strictObject({
    criterionId: z.number().int().positive(),
    verdict: z.enum(["acceptee", "refusee"]),
    comment: z.string().max(2000).optional(),
  }),
  response: { 200: z.object({ criterionId: z.number().int(), review: z.string() }) },
});

export const closeControleReview = defineContract({
  method: "POST",
  path: "/api/v1/structures/:structureId/controle-campaigns/:campaignId/close-review",
  tags: ["contrôle a posteriori"],
  summary: "Clore l'examen : phase contradictoire si un critère est refusé (DDETS)",
  target: structureTarget,
  params: campaignParams,
  body: z.strictObject({}),
  response: { 200: z.object({ state: FileState }) },
});

export const decideControleFile = defineContract({
  method: "POST",
  path: "/api/v1/structures/:structureId/controle-campaigns/:campaignId/decision",
  tags: ["contrôle a posteriori"],
  summary: "Décision finale (conforme / non conforme, motif et conséquences) (DDETS)",
  target: structureTarget,
  params: campaignParams,
  body: z.strictObject({
    decision: z.enum(["conforme", "non_conforme"]),
    reason: z.enum(DECISION_REASONS).optional(),
    comment: z.string().max(4000).optional(),
    trainingRequired: z.boolean().optional(),
    suspendedFrom: isoDate.optional(),
    suspendedTo: isoDate.optional(),
    aidCorrection: z.string().max(2000).optional(),
  }),
  response: { 200: z.object({ state: FileState }) },
});

export const extendControleDeadline = defineContract({
  method: "POST",
  path: "/api/v1/structures/:structureId/controle-campaigns/:campaignId/deadline",
  tags: ["contrôle a posteriori"],
  summary: "Prolonger l'échéance en cours du dossier (et les suivantes d'autant), avec son motif (DDETS)",
  target: structureTarget,
  params: campaignParams,
  body: z.strictObject({ dueOn: isoDate, reason: z.string().min(1).max(2000) }),
  response: { 200: z.object({ deadlines: Deadlines }) },
});
