// Salariés: the list of a structure, a salarié's page, and the export of everything held about a person
// (RGPD right of access). Targets: the structure, or the person, of the path. NIR and PASS numbers are
// never returned in clear: only whether a NIR is stored and the PASS's last 4 characters.
import { z } from "zod";
import type { ApprovalStatus } from "../domain/approvals/approval.js";
import { flag, listQuery, monthKey, pageOf } from "./common.js";
import { defineContract } from "./contract.js";
import { structureTarget } from "./structures.js";
import { idParam } from "./target.js";

/** The statuses of the domain's approvalStatus (the compiler checks the list against its type). */
const APPROVAL_STATUSES = ["VALID", "FUTURE", "SUSPENDED", "EXPIRED"] as const satisfies readonly ApprovalStatus[];
type Missing = Exclude<ApprovalStatus, (typeof APPROVAL_STATUSES)[number]>;
const everyStatus: [Missing] extends [never] ? true : Missing = true;
void everyStatus;

export const personTarget = {
  params: z.strictObject({ personId: idParam("personne") }),
  resolve: ({ personId }: { personId: number }) => ({ type: "person" as const, id: personId }),
};

export const PersonRow = z.object({
  id: z.number().int(),
  lastName: z.string().nullable(),
  firstName: z.string().nullable(),
  birthYear: z.number().int().nullable(),
  rsa: z.string().nullable(),
  contractId: z.number().int().nullable(),
  contractType: z.string().nullable(),
  contractStart: z.string().nullable(),
  contractPlannedEnd: z.string().nullable(),
  exitOn: z.string().nullable(),
  passLast4: z.string().nullable(),
  passEndsOn: z.string().nullable(),
  passRemainingDays: z.number().int().nullable(),
  hoursThisMonth: z.number().nullable(),
});
export type PersonRow = z.infer<typeof PersonRow>;
export const PERSON_SORT = ["lastName", "firstName", "contractStart", "passEndsOn"] as const;

export const listPersons = defineContract({
  method: "GET",
  path: "/api/v1/structures/:structureId/persons",
  tags: ["salariés"],
  summary: "Salariés d'une structure (présents, PASS IAE bientôt échu, non déclarés, sortie à enregistrer ; export CSV/XLSX)",
  target: structureTarget,
  query: z.strictObject({
    ...listQuery(PERSON_SORT, "lastName"),
    month: monthKey.optional(),
    present: flag.optional(),
    passEndingWithin: z.coerce
      .number()
      .int()
      .refine((n) => n === 30 || n === 90, "30 ou 90 jours.")
      .optional(),
    undeclared: flag.optional(),
    /** Contract over (planned end before today) and no exit recorded: the exit is to be recorded. */
    toExit: flag.optional(),
    q: z.string().trim().max(100).optional(),
  }),
  response: { 200: pageOf(PersonRow) },
});

const Dated = { startsOn: z.string(), endsOn: z.string().nullable() };
export const PersonPage = z.object({
  id: z.number().int(),
  lastName: z.string().nullable(),
  firstName: z.string().nullable(),
  birthYear: z.number().int().nullable(),
  hasNir: z.boolean(),
  /** The conseil départemental's view: RSA contracts of its département, no diagnosis nor support. */
  limited: z.boolean(),
  diagnoses: z.array(
    z.object({
      id: z.number().int(),
      authorKind: z.string(),
      madeOn: z.string(),
      expiresOn: z.string(),
      valid: z.boolean(),
      criteria: z.array(z.object({ code: z.string(), level: z.number().int(), label: z.string(), certified: z.boolean() })),
    }),
  ),
  approvals: z.array(
    z.object({
      id: z.number().int(),
      numberLast4: z.string().nullable(),
      startsOn: z.string(),
      endsOn: z.string(),
      status: z.enum(APPROVAL_STATUSES),
      remainingDays: z.number().int(),
      suspensions: z.array(z.object({ ...Dated, reason: z.string() })),
      prolongations: z.array(z.object({ ...Dated, reason: z.string() })),
    }),
  ),
  recruitments: z.array(
    z.object({
      id: z.number().int(),
      structureId: z.number().int(),
      structureName: z.string(),
      contracts: z.array(
        z.object({
          id: z.number().int(),
          rank: z.number().int(),
          type: z.string(),
          mesure: z.string(),
          startsOn: z.string(),
          plannedEndOn: z.string().nullable(),
          exitOn: z.string().nullable(),
          weeklyHours: z.number().nullable(),
          rsa: z.string(),
        }),
      ),
      exit: z
        .object({ exitOn: z.string(), motifCode: z.number().int(), motifLabel: z.string(), categoryLabel: z.string(), group: z.string() })
        .nullable(),
    }),
  ),
  monthlyHours: z.array(z.object({ month: z.string(), hours: z.number(), annexNumber: z.string(), state: z.string() })),
  supportActions: z.array(
    z.object({ id: z.number().int(), kind: z.string(), ...Dated, hours: z.number().nullable(), barriers: z.array(z.string()) }),
  ),
  trainings: z.array(
    z.object({ id: z.number().int(), title: z.string(), ...Dated, hours: z.number().nullable(), qualifying: z.boolean() }),
  ),
});
export type PersonPage = z.infer<typeof PersonPage>;

export const getPerson = defineContract({
  method: "GET",
  path: "/api/v1/persons/:personId",
  tags: ["salariés"],
  summary: "Page d'un salarié : éligibilité, PASS IAE, contrats, heures, accompagnement, formations, sortie",
  target: personTarget,
  response: { 200: PersonPage },
});

export const exportPerson = defineContract({
  method: "GET",
  path: "/api/v1/persons/:personId/export",
  tags: ["salariés"],
  summary: "Export de toutes les données détenues sur une personne (droit d'accès RGPD)",
  target: personTarget,
});
