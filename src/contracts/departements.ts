// Conseil départemental: RSA beneficiaries in IAE in a département for a year (aggregates only).
// Target: the département of the path.
import { z } from "zod";
import { exitsByCategory, listFormat, siaeKind, yearParam } from "./common.js";
import { defineContract } from "./contract.js";
import { departementParam } from "./target.js";

const departementTarget = {
  params: z.strictObject({ departement: departementParam }),
  resolve: ({ departement }: { departement: string }) => ({ type: "departement" as const, code: departement }),
};

const rowFields = {
  kind: siaeKind,
  present: z.number().int(),
  presentRsa: z.number().int(),
  rsaShare: z.number().nullable(),
  entered: z.number().int(),
  enteredRsa: z.number().int(),
  etpConventionnes: z.number(),
  etpCofinances: z.number(),
  montantDepartement: z.number(),
  exitsExamined: z.number().int(),
  exitsByCategory,
  dynamicRate: z.number().nullable(),
};
export const RsaStructureRow = z.object({ id: z.number().int(), name: z.string(), ...rowFields });
export type RsaStructureRow = z.infer<typeof RsaStructureRow>;
export const RsaKindRow = z.object({ structures: z.number().int(), ...rowFields });
export type RsaKindRow = z.infer<typeof RsaKindRow>;
export const DepartementRsa = z.object({
  departement: z.string(),
  departementLabel: z.string(),
  period: z.object({ from: z.string(), to: z.string() }),
  people: z.object({
    present: z.number().int(),
    presentRsa: z.number().int(),
    entered: z.number().int(),
    enteredRsa: z.number().int(),
    rsaShare: z.number().nullable(),
    rsaShareEntered: z.number().nullable(),
  }),
  etp: z.object({ conventionnes: z.number(), cofinances: z.number(), cofinancedShare: z.number().nullable() }),
  montantDepartement: z.number(),
  exits: z.object({
    examined: z.number().int(),
    byCategory: exitsByCategory,
    dynamicRate: z.number().nullable(),
    durableRate: z.number().nullable(),
  }),
  byKind: z.array(RsaKindRow),
  structures: z.array(RsaStructureRow),
});
export type DepartementRsa = z.infer<typeof DepartementRsa>;

export const getDepartementRsa = defineContract({
  method: "GET",
  path: "/api/v1/departements/:departement/rsa",
  tags: ["conseil départemental"],
  summary: "Bénéficiaires du RSA en IAE dans le département pour une année : effectifs, ETP cofinancés, sorties (agrégats)",
  target: departementTarget,
  query: z.strictObject({ year: yearParam }),
  response: { 200: DepartementRsa },
});

export const listDepartementRsaStructures = defineContract({
  method: "GET",
  path: "/api/v1/departements/:departement/rsa/structures",
  tags: ["conseil départemental"],
  summary: "Tableau par structure des bénéficiaires du RSA (format=json|csv|xlsx)",
  target: departementTarget,
  query: z.strictObject({ year: yearParam, format: listFormat }),
  response: { 200: z.object({ items: z.array(RsaStructureRow), total: z.number().int() }) },
});
