// Fiches salarié of a structure: the pre-send validation (every error per salarié and per ASP field) and
// the export of the valid ones (RIAE_FS_<horodatage>.json batches, as `passerelle export fiches-salarie`).
// Target: the structure of the path; for the complement of one hiring (fields only the ASP needs), that hiring.
import { z } from "zod";
import {
  ADDRESS_EXTENSIONS,
  DURATION_CODES,
  EITI_CONTRIBUTION_CODES,
  EMPLOYER_TYPES,
  SITUATION_FLAGS,
  type SituationFlag,
} from "../interchange/fiche-salarie/aspCodeLists.js";
import { defineContract } from "./contract.js";
import { JobView } from "./jobs.js";
import { structureTarget } from "./structures.js";
import { idParam } from "./target.js";

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

export const enqueueFichesSalarieExport = defineContract({
  method: "POST",
  path: "/api/v1/structures/:structureId/fiches-salarie/exports/jobs",
  tags: ["fiches salarié"],
  summary:
    "Fait exporter les fiches salarié valides par la file des tâches (enregistrées comme envoyées) : répond 202 avec la tâche, " +
    "à suivre sur /api/v1/jobs/{jobId} puis à télécharger sur /api/v1/jobs/{jobId}/result",
  target: structureTarget,
  response: { 202: JobView },
});

/** The hiring (initial contract) of a structure whose fiche salarié is completed. */
export const hiringTarget = {
  params: z.strictObject({ structureId: idParam("structure"), contractId: idParam("contrat") }),
  resolve: ({ structureId, contractId }: { structureId: number; contractId: number }) => ({
    type: "hiring" as const,
    structureId,
    contractId,
  }),
};

// The fields of the fiche salarié that Passerelle's other tables do not carry (iae-reference §7.2), under their
// ASP names; code lists and labels: src/interchange/fiche-salarie/aspCodeLists.ts. null erases a stored value.
const codeOf = <T extends Record<string, string>>(list: T) => z.enum(Object.keys(list) as [keyof T & string, ...(keyof T & string)[]]);
const duration = codeOf(DURATION_CODES).nullable().optional();
const flag = z.boolean().nullable().optional();
const situationFlags = Object.fromEntries((Object.keys(SITUATION_FLAGS) as SituationFlag[]).map((k) => [k, flag])) as Record<
  SituationFlag,
  typeof flag
>;

export const ficheComplementFields = z
  .object({
    birthCommuneCode: z
      .string()
      .regex(/^\d[\dAB]\d{3}$/, "code commune INSEE attendu")
      .nullable()
      .optional(),
    adrNumeroVoie: z
      .string()
      .regex(/^\d{1,5}$/, "1 à 5 chiffres")
      .nullable()
      .optional(),
    codeextensionvoie: codeOf(ADDRESS_EXTENSIONS).nullable().optional(),
    codetypevoie: z
      .string()
      .regex(/^[A-Z]{1,4}$/, "code type de voie ASP (ex. RUE, AV)")
      .nullable()
      .optional(),
    adrLibelleVoie: z.string().trim().min(1).max(100).nullable().optional(),
    adrCpltDistribution: z
      .string()
      .regex(/^[A-Za-z0-9@ ]{1,32}$/, "32 caractères au plus : lettres sans accent, chiffres, @, espaces")
      .nullable()
      .optional(),
    salarieEnEmploi: flag,
    salarieTypeEmployeur: codeOf(EMPLOYER_TYPES).nullable().optional(),
    salarieSansEmploiDepuis: duration,
    salarieSansRessource: flag,
    inscritPoleEmploi: flag,
    inscritPoleEmploiDepuis: duration,
    numeroIDE: z
      .string()
      .regex(/^[0-9A-Za-z]{1,11}$/, "11 caractères au plus")
      .nullable()
      .optional(),
    salarieOETH: flag,
    salarieAideSociale: flag,
    salarieBenefRSADepuis: duration,
    salarieBenefASS: flag,
    salarieBenefASSDepuis: duration,
    salarieBenefAAH: flag,
    salarieBenefAAHDepuis: duration,
    // Accepted for the files written before, never sent: the ATA no longer exists, the fiche says false (buildRecord.ts).
    salarieBenefATA: flag,
    salarieBenefATADepuis: duration,
    // The seven situation flags required since November 2025 (labels: aspCodeLists.ts SITUATION_FLAGS).
    ...situationFlags,
    // EITI only (labels: EITI_FIELDS).
    salarieBenefARE: flag,
    salarieBenefAREDepuis: duration,
    salarieBenefPrimeActivite: flag,
    salarieBenefPrimeActiviteDepuis: duration,
    salarieBenefCAPE: flag,
    salarieBenefCESA: flag,
    nomActeurCreationEntr: z
      .string()
      .trim()
      .max(100)
      .regex(/^[\p{L} -]+$/u, "lettres, espaces et tirets seulement")
      .nullable()
      .optional(),
    revenuMensuelMoyenTI: z
      .string()
      .trim()
      .regex(/^\d{1,5}([.,]\d{1,2})?$/, "montant en euros, 99 999,99 au plus")
      .nullable()
      .optional(),
    cotisationsTI: codeOf(EITI_CONTRIBUTION_CODES).nullable().optional(),
  })
  .strict();

export type FicheComplementFields = z.infer<typeof ficheComplementFields>;

export const FicheComplement = z.object({
  contractId: z.number().int(),
  personId: z.number().int(),
  salarie: z.string(),
  structureKind: z.string(),
  startsOn: z.string(),
  /** The stored fields (ASP names). */
  data: z.record(z.string(), z.union([z.string(), z.boolean()])),
});
export type FicheComplement = z.infer<typeof FicheComplement>;

export const getFicheComplement = defineContract({
  method: "GET",
  path: "/api/v1/structures/:structureId/fiches-salarie/:contractId/complement",
  tags: ["fiches salarié"],
  summary: "Compléments de la fiche salarié d'une embauche (champs propres à l'ASP : naissance, adresse, situation)",
  target: hiringTarget,
  response: { 200: FicheComplement },
});

export const saveFicheComplement = defineContract({
  method: "PATCH",
  path: "/api/v1/structures/:structureId/fiches-salarie/:contractId/complement",
  tags: ["fiches salarié"],
  summary: "Enregistre les compléments de la fiche salarié (champs donnés remplacés, null efface) ; audité",
  target: hiringTarget,
  body: ficheComplementFields,
  response: { 200: FicheComplement },
});
