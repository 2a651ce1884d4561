// Follow-up after exit, for the SIAE: the monthly work list (exits whose situation at 6 or 12 months is due
// in the month), entering one situation, importing a CSV of situations (format: docs/steering.md, parser:
// src/domain/followUp/csv.ts). Target: the structure of the path; policy structure:declare (its members).
// The outcome rates are in the indicators (src/contracts/indicators.ts, key followUp).
import { z } from "zod";
import { FOLLOW_UP_SITUATIONS, type FollowUpSituation } from "../domain/followUp/followUp.js";
import { defineContract } from "./contract.js";
import { structureTarget } from "./structures.js";

export const followUpSituation = z.enum(Object.keys(FOLLOW_UP_SITUATIONS) as [FollowUpSituation, ...FollowUpSituation[]]);
export const followUpHorizon = z.union([z.literal(6), z.literal(12)]);
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "mois attendu au format AAAA-MM");

export const FollowUpItem = z.object({
  exitId: z.number().int(),
  personId: z.number().int(),
  lastName: z.string().nullable(),
  firstName: z.string().nullable(),
  exitOn: z.string(),
  motifLabel: z.string(),
  /** Category group of the exit motif recorded at exit (durable, transition, positive, other, retrait). */
  exitGroup: z.string(),
  horizon: followUpHorizon,
  dueOn: z.string(),
  /** null: not entered yet. */
  situation: followUpSituation.nullable(),
  observedOn: z.string().nullable(),
});
export type FollowUpItem = z.infer<typeof FollowUpItem>;

export const FollowUpWorkList = z.object({
  structureId: z.number().int(),
  structureName: z.string(),
  /** The application's today and the month of the list (AAAA-MM). */
  today: z.string(),
  month: z.string(),
  /** Follow-ups due in the month; `toEnter` of them without a situation. */
  due: z.number().int(),
  toEnter: z.number().int(),
  items: z.array(FollowUpItem),
  situations: z.array(z.object({ code: followUpSituation, label: z.string() })),
});
export type FollowUpWorkList = z.infer<typeof FollowUpWorkList>;

export const getFollowUpWorkList = defineContract({
  method: "GET",
  path: "/api/v1/structures/:structureId/follow-ups",
  tags: ["sorties"],
  summary: "Suivi après sortie : les sorties dont la situation à 6 ou 12 mois est à renseigner dans le mois (défaut : mois en cours)",
  target: structureTarget,
  query: z.strictObject({ month: month.optional() }),
  response: { 200: FollowUpWorkList },
});

export const FollowUpWritten = z.object({ written: z.number().int(), unchanged: z.number().int() });

export const recordFollowUp = defineContract({
  method: "POST",
  path: "/api/v1/structures/:structureId/follow-ups",
  tags: ["sorties"],
  summary: "Renseigne la situation d'une personne 6 ou 12 mois après sa sortie (sortie de cette structure, suivi dû)",
  target: structureTarget,
  body: z.strictObject({ exitId: z.number().int().positive(), horizon: followUpHorizon, situation: followUpSituation }),
  response: { 200: FollowUpWritten },
});

/** One problem of an entry or an import: where it is (file, line — the header is line 1 —, field). */
export const FollowUpLineError = z.object({ file: z.string(), line: z.number().int(), field: z.string(), message: z.string() });
export type FollowUpLineError = z.infer<typeof FollowUpLineError>;

export const importFollowUps = defineContract({
  method: "POST",
  path: "/api/v1/structures/:structureId/follow-ups/import",
  tags: ["sorties"],
  summary: "Importe un fichier CSV de situations après sortie (sortie;horizon;situation) : tout ou rien, erreurs par ligne",
  target: structureTarget,
  body: z.strictObject({ fileName: z.string().min(1).max(200), text: z.string().max(1_000_000) }),
  response: { 200: FollowUpWritten.extend({ lines: z.number().int() }) },
});
