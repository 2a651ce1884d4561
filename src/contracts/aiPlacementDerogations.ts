// The préfet's derogations letting an association intermédiaire exceed 480 h of company mises à disposition
// over 24 months (L5132-9 2°), recorded by the DDETS. Target: the structure of the path.
import { z } from "zod";
import { isoDate } from "./common.js";
import { defineContract } from "./contract.js";
import { structureTarget } from "./structures.js";

export const AiPlacementDerogationBody = z.strictObject({
  startsOn: isoDate,
  endsOn: isoDate,
  decisionReference: z.string().trim().min(1).max(500).optional(),
});

export const recordAiPlacementDerogation = defineContract({
  method: "POST",
  path: "/api/v1/structures/:structureId/ai-placement-derogations",
  tags: ["déclarations"],
  summary: "Enregistre la dérogation du préfet au plafond de 480 h de mises à disposition en entreprise d'une AI (3 ans au plus)",
  target: structureTarget,
  body: AiPlacementDerogationBody,
  response: { 201: z.object({ id: z.number().int() }) },
});
