// Structures (SIAE): the list (filters, sort, pagination, CSV/XLSX export), a structure's page and its
// monthly realisation. Targets: the list's optional `departement`, the structure of the path.
import { z } from "zod";
import { AF_STATES } from "../domain/conventions/states.js";
import { listQuery, pageOf, siaeKind, yearParam } from "./common.js";
import { defineContract } from "./contract.js";
import { departementParam, idParam } from "./target.js";

export const StructureRow = z.object({
  id: z.number().int(),
  siret: z.string().nullable(),
  aspId: z.number().int().nullable(),
  name: z.string(),
  kind: siaeKind,
  departement: z.string(),
  commune: z.string().nullable(),
  createdOn: z.string().nullable(),
  closedOn: z.string().nullable(),
});
export type StructureRow = z.infer<typeof StructureRow>;
export const STRUCTURE_SORT = ["name", "kind", "departement", "commune", "siret", "createdOn"] as const;

export const afState = z.enum(AF_STATES);
export const AnnexVersion = z.object({
  id: z.number().int(),
  number: z.string(),
  mesure: z.string(),
  state: afState,
  startsOn: z.string(),
  endsOn: z.string(),
  etp: z.number(),
  annualHours: z.number(),
  unitAmount: z.number().nullable(),
  totalAmount: z.number().nullable(),
  cofinancedAmount: z.number(),
  modulationPercent: z.number().nullable(),
  modulatedAmount: z.number().nullable(),
  funding: z.array(z.object({ fundingLine: z.string(), label: z.string(), amount: z.number() })),
});
export type AnnexVersion = z.infer<typeof AnnexVersion>;

export const StructureDetail = StructureRow.extend({
  legalForm: z.string().nullable(),
  nafCode: z.string().nullable(),
  address: z.string().nullable(),
  postalCode: z.string().nullable(),
  departementName: z.string(),
  /** Département of the convention (the DDETS that signed its AF), which steers the structure; null without an AF. */
  conventionDepartement: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  groups: z.array(
    z.object({
      id: z.number().int(),
      name: z.string(),
      members: z.array(z.object({ id: z.number().int(), name: z.string(), kind: siaeKind })),
    }),
  ),
  sites: z.array(
    z.object({
      id: z.number().int(),
      name: z.string(),
      address: z.string().nullable(),
      postalCode: z.string().nullable(),
      sharedByGroup: z.boolean(),
      openedOn: z.string().nullable(),
      closedOn: z.string().nullable(),
    }),
  ),
  conventions: z.array(
    z.object({ id: z.number().int(), number: z.string(), startsOn: z.string(), endsOn: z.string(), annexes: z.array(AnnexVersion) }),
  ),
  annexesWithoutConvention: z.array(AnnexVersion),
});
export type StructureDetail = z.infer<typeof StructureDetail>;

export const Realisation = z.object({
  structureId: z.number().int(),
  year: z.number().int(),
  months: z.array(
    z.object({
      month: z.string(),
      hours: z.number(),
      etpRealises: z.number(),
      etpConventionnes: z.number(),
      declarations: z.number().int(),
    }),
  ),
});
export type Realisation = z.infer<typeof Realisation>;

/** The structure of the path `/structures/:structureId…`. */
export const structureTarget = {
  params: z.strictObject({ structureId: idParam("structure") }),
  resolve: ({ structureId }: { structureId: number }) => ({ type: "structure" as const, id: structureId }),
};

export const listStructures = defineContract({
  method: "GET",
  path: "/api/v1/structures",
  tags: ["structures"],
  summary: "Liste des structures visibles (filtres, tri, pagination, export CSV/XLSX)",
  target: {
    query: z.strictObject({ departement: departementParam.optional() }),
    resolve: ({ departement }) => (departement ? { type: "departement" as const, code: departement } : { type: "none" as const }),
  },
  query: z.strictObject({ ...listQuery(STRUCTURE_SORT, "name"), kind: siaeKind.optional(), q: z.string().trim().max(100).optional() }),
  response: { 200: pageOf(StructureRow) },
});

export const getStructure = defineContract({
  method: "GET",
  path: "/api/v1/structures/:structureId",
  tags: ["structures"],
  summary: "Fiche d'une structure : identité, groupe, sites, conventions et versions des annexes financières",
  target: structureTarget,
  response: { 200: StructureDetail },
});

export const getRealisation = defineContract({
  method: "GET",
  path: "/api/v1/structures/:structureId/realisation",
  tags: ["structures"],
  summary: "Réalisation mensuelle d'une structure (heures déclarées, ETP réalisés et conventionnés par mois)",
  target: structureTarget,
  query: z.strictObject({ year: yearParam }),
  response: { 200: Realisation },
});
