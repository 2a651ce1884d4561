// Referentials the screens and partners need (calendar, départements, exit motifs with their category,
// funding lines, mesures): read-only, any logged-in user.
import { z } from "zod";
import { EXIT_GROUPS } from "../domain/exits/referential.js";
import { defineContract } from "./contract.js";

export const FINANCERS = ["etat", "departement", "autre"] as const;

export const Calendar = z.object({
  /** The application's today: the demo's "as of" date on a demo database, else the real date (Europe/Paris). */
  today: z.string(),
  currentMonth: z.string(),
  /** The month whose hours are due (the month before today's): default month of the declaration screens. */
  declarationMonth: z.string(),
  latestYear: z.number().int(),
  /** The demo's "as of" date on a demo database, null on a real instance. */
  demoAsOf: z.string().nullable(),
});
export type Calendar = z.infer<typeof Calendar>;
export const Departement = z.object({ code: z.string(), name: z.string(), regionCode: z.string() });
export type Departement = z.infer<typeof Departement>;
export const ExitMotif = z.object({
  code: z.number().int(),
  label: z.string(),
  categoryCode: z.number().int(),
  categoryLabel: z.string(),
  group: z.enum(EXIT_GROUPS),
  confidence: z.enum(["H", "M", "L"]),
});
export type ExitMotif = z.infer<typeof ExitMotif>;
export const FundingLine = z.object({ code: z.string(), label: z.string(), financer: z.enum(FINANCERS) });
export type FundingLine = z.infer<typeof FundingLine>;
export const Mesure = z.object({
  code: z.string(),
  kind: z.string(),
  label: z.string(),
  countsForPosts: z.boolean(),
  penitentiary: z.boolean(),
});

export const getCalendar = defineContract({
  method: "GET",
  path: "/api/v1/referentials/calendar",
  tags: ["référentiels"],
  summary: "Date du jour du serveur et dernière année ayant des annexes financières (année par défaut des écrans)",
  response: { 200: Calendar },
});
export const Instance = z.object({ demoAsOf: z.string().nullable() });
export type Instance = z.infer<typeof Instance>;
export const getInstance = defineContract({
  method: "GET",
  path: "/api/v1/instance",
  tags: ["référentiels"],
  summary: "Base de démonstration ou instance réelle (date des données de la démonstration) : bandeau de chaque page, connexion comprise",
  response: { 200: Instance },
});
export const listDepartements = defineContract({
  method: "GET",
  path: "/api/v1/referentials/departements",
  tags: ["référentiels"],
  summary: "Départements (code, nom, région)",
  response: { 200: z.array(Departement) },
});
export const listExitMotifs = defineContract({
  method: "GET",
  path: "/api/v1/referentials/exit-motifs",
  tags: ["référentiels"],
  summary: "Motifs de sortie et leur catégorie (durable, transition, positive, autre, retrait)",
  response: { 200: z.array(ExitMotif) },
});
export const listFundingLines = defineContract({
  method: "GET",
  path: "/api/v1/referentials/funding-lines",
  tags: ["référentiels"],
  summary: "Lignes de financement d'une annexe financière",
  response: { 200: z.array(FundingLine) },
});
export const listMesures = defineContract({
  method: "GET",
  path: "/api/v1/referentials/mesures",
  tags: ["référentiels"],
  summary: "Mesures ASP (type de SIAE, droit commun / milieu pénitentiaire)",
  response: { 200: z.array(Mesure) },
});
