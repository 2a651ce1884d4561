// Monthly declarations of a structure (one grid per AF covering the month) and its exits (list, record).
// Target: the structure of the path.
import { z } from "zod";
import { EXIT_GROUPS } from "../domain/exits/referential.js";
import { isoDate, listQuery, monthKey, pageOf, yearParam } from "./common.js";
import { defineContract } from "./contract.js";
import { structureTarget } from "./structures.js";

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
  // AI only (null elsewhere): hours placed with companies already declared for the month, and what the
  // salarié may still be placed with companies this month (480 h over 24 months, L.5132-9; null under a derogation).
  companyHours: z.number().nullable(),
  companyHoursRemaining: z.number().nullable(),
});
export const DeclarationGrid = z.object({
  structureId: z.number().int(),
  month: z.string(),
  // An AI states the hours placed with companies; a préfet's derogation lifts their cap for the month.
  companyHours: z.object({ derogation: z.boolean() }).nullable(),
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
export type DeclarationGrid = z.infer<typeof DeclarationGrid>;
export type DeclarationLine = z.infer<typeof Line>;

export const DECLARATION_STATES = ["BROUILLON", "VALIDE"] as const;
export const DeclarationBody = z.object({
  annexId: z.number().int().positive(),
  month: monthKey,
  state: z.enum(DECLARATION_STATES).default("VALIDE"),
  lines: z
    .array(
      z.object({
        contractId: z.number().int().positive(),
        hours: z.number().min(0, "Les heures ne peuvent pas être négatives.").max(744, "Au plus 744 heures dans un mois."),
        // Association intermédiaire only: the part of the hours placed with companies (null = not stated).
        companyHours: z
          .number()
          .min(0, "Les heures en entreprise ne peuvent pas être négatives.")
          .max(744, "Au plus 744 heures dans un mois.")
          .nullable()
          .optional(),
      }),
    )
    .min(1, "Au moins un salarié."),
});
export const DeclarationWritten = z.object({
  upserted: z.number().int(),
  month: z.string(),
  annexId: z.number().int(),
  state: z.string(),
  // What is now recorded for the AF and the month (read back after the write): the screen confirms these figures.
  declaredHours: z.number(),
  declaredEtp: z.number(),
});
export type DeclarationWritten = z.infer<typeof DeclarationWritten>;

export const getDeclarationGrid = defineContract({
  method: "GET",
  path: "/api/v1/structures/:structureId/declarations",
  tags: ["déclarations"],
  summary: "Grille de déclaration mensuelle : une grille par annexe financière couvrant le mois",
  target: structureTarget,
  query: z.strictObject({ month: monthKey }),
  response: { 200: DeclarationGrid },
});

export const declareMonth = defineContract({
  method: "POST",
  path: "/api/v1/structures/:structureId/declarations",
  tags: ["déclarations"],
  summary: "Enregistre (brouillon) ou valide la déclaration mensuelle d'une annexe financière",
  target: structureTarget,
  body: DeclarationBody,
  response: { 200: DeclarationWritten },
});

export const ExitRow = z.object({
  id: z.number().int(),
  personId: z.number().int(),
  lastName: z.string().nullable(),
  firstName: z.string().nullable(),
  exitOn: z.string(),
  motifCode: z.number().int(),
  motifLabel: z.string(),
  categoryLabel: z.string(),
  group: z.enum(EXIT_GROUPS),
});
export type ExitRow = z.infer<typeof ExitRow>;
export const EXIT_SORT = ["exitOn", "lastName", "motif"] as const;

export const listExits = defineContract({
  method: "GET",
  path: "/api/v1/structures/:structureId/exits",
  tags: ["sorties"],
  summary: "Sorties d'une structure (motif, catégorie ; export CSV/XLSX)",
  target: structureTarget,
  query: z.strictObject({ ...listQuery(EXIT_SORT, "-exitOn"), year: yearParam.optional(), group: z.enum(EXIT_GROUPS).optional() }),
  response: { 200: pageOf(ExitRow) },
});

export const ExitBody = z.object({ contractId: z.number().int().positive(), exitOn: isoDate, motifCode: z.number().int() });
export const ExitRecorded = z.object({
  id: z.number().int(),
  recruitmentId: z.number().int(),
  group: z.string(),
  motifLabel: z.string(),
  categoryLabel: z.string(),
});
export type ExitRecorded = z.infer<typeof ExitRecorded>;

export const recordExit = defineContract({
  method: "POST",
  path: "/api/v1/structures/:structureId/exits",
  tags: ["sorties"],
  summary: "Enregistre la sortie définitive d'un parcours (contrat initial et renouvellements)",
  target: structureTarget,
  body: ExitBody,
  response: { 201: ExitRecorded },
});
