// The SIAE's month: what is to be done now, each item with its count and the place where it is done.
// Target: the structure of the path. The counts are those of the read models of the pages the items
// link to (declaration grid, salariés list, fiches salarié, monthly realisation).
import { z } from "zod";
import { defineContract } from "./contract.js";
import { structureTarget } from "./structures.js";

const Who = { personId: z.number().int(), lastName: z.string().nullable(), firstName: z.string().nullable() };

export const SiaeMonth = z.object({
  structureId: z.number().int(),
  structureName: z.string(),
  kind: z.string(),
  /** The application's today (the demo's as-of date on a demo database). */
  today: z.string(),
  declaration: z.object({
    /** The month whose hours are due (AAAA-MM) and the date shown as its deadline. */
    month: z.string(),
    deadline: z.string(),
    late: z.boolean(),
    /** AF covering the month (grids of the declaration page). */
    annexes: z.number().int(),
    lines: z.number().int(),
    undeclaredLines: z.number().int(),
    undeclaredPersons: z.number().int(),
    /** AF with at least one line not validated. */
    undeclaredAnnexes: z.number().int(),
  }),
  pass: z.object({
    within30: z.number().int(),
    within90: z.number().int(),
    /** The salariés whose PASS IAE ends within 90 days (soonest first), with the prolongation motives open to each. */
    people: z.array(
      z.object({
        ...Who,
        passEndsOn: z.string(),
        remainingDays: z.number().int(),
        reasons: z.array(z.object({ code: z.string(), label: z.string(), needsPrescriber: z.boolean() })),
      }),
    ),
  }),
  diagnoses: z.object({
    count: z.number().int(),
    /** Hirings planned after today whose salarié will have no valid diagnosis on the first day. */
    people: z.array(z.object({ ...Who, contractStart: z.string(), diagnosisExpiresOn: z.string().nullable() })),
  }),
  exits: z.object({ toRecord: z.number().int() }),
  /** Follow-ups after exit due this month (work list: src/contracts/followUp.ts), `toEnter` without a situation. */
  followUps: z.object({ month: z.string(), due: z.number().int(), toEnter: z.number().int() }),
  /** Open contrôle a posteriori files of the structure (src/contracts/controle.ts): step, what is due, by whom, by when. */
  controle: z.array(
    z.object({
      campaignId: z.number().int(),
      from: z.string(),
      to: z.string(),
      state: z.enum(["pieces", "soumis", "contradictoire", "soumis_contradictoire"]),
      due: z.object({ party: z.enum(["siae", "ddets"]), what: z.string(), dueOn: z.string(), overdue: z.boolean() }).nullable(),
    }),
  ),
  fiches: z.object({ toSend: z.number().int(), toCorrect: z.number().int(), awaitingReturn: z.number().int(), rejected: z.number().int() }),
  consumption: z
    .object({
      year: z.number().int(),
      /** ETP conventionnés of the AF in force in the month declared. */
      etpConventionnes: z.number(),
      months: z.array(z.object({ month: z.string(), etpRealises: z.number(), etpConventionnes: z.number(), declared: z.boolean() })),
      /** Mean ETP réalisés over the months declared so far. */
      etpRealisesToDate: z.number(),
    })
    .nullable(),
});
export type SiaeMonth = z.infer<typeof SiaeMonth>;

export const getSiaeMonth = defineContract({
  method: "GET",
  path: "/api/v1/structures/:structureId/month",
  tags: ["salariés"],
  summary:
    "Accueil de la SIAE : ce qu'il reste à faire ce mois-ci (déclaration, PASS IAE, diagnostics, sorties, fiches salarié, consommation de l'AF)",
  target: structureTarget,
  response: { 200: SiaeMonth },
});
