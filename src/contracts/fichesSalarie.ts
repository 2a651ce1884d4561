// Fiches salarié of a structure: the pre-send validation (every error per salarié and per ASP field) and
// the export of the valid ones (RIAE_FS_<horodatage>.json batches, as `passerelle export fiches-salarie`).
// Target: the structure of the path.
import { z } from "zod";
import { defineContract } from "./contract.js";
import { structureTarget } from "./structures.js";

export const FichesValidation = z.object({
  structureId: z.number().int(),
  /** Fiches that would be sent now (valid). */
  valid: z.number().int(),
  creations: z.number().int(),
  modifications: z.number().int(),
  awaitingReturn: z.number().int(),
  upToDate: z.number().int(),
  invalid: z.array(
    z.object({
      personId: z.number().int(),
      contractId: z.number().int(),
      salarie: z.string(),
      movement: z.enum(["C", "M"]),
      errors: z.array(z.object({ field: z.string(), message: z.string() })),
    }),
  ),
});
export type FichesValidation = z.infer<typeof FichesValidation>;

export const validateFichesSalarie = defineContract({
  method: "GET",
  path: "/api/v1/structures/:structureId/fiches-salarie/validation",
  tags: ["fiches salarié"],
  summary: "Contrôle avant envoi des fiches salarié : erreurs par salarié et par champ (rien n'est écrit)",
  target: structureTarget,
  response: { 200: FichesValidation },
});

export const exportFichesSalarie = defineContract({
  method: "POST",
  path: "/api/v1/structures/:structureId/fiches-salarie/exports",
  tags: ["fiches salarié"],
  summary: "Exporte les fiches salarié valides (fichier RIAE_FS_….json, ou zip de plusieurs lots) et les enregistre comme envoyées",
  target: structureTarget,
});
