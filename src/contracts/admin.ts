// Platform administration (policy admin): accounts and the audit trail. No target: the platform admin
// sees everything; the audit trail's personId / structureId are filters, not targets.
import { z } from "zod";
import { ROLES } from "./account.js";
import { defineContract } from "./contract.js";
import { idParam } from "./target.js";

const role = z.enum(ROLES);
export const AdminUser = z.object({
  id: z.number().int(),
  email: z.string(),
  displayName: z.string(),
  role,
  regionCode: z.string().nullable(),
  departementCode: z.string().nullable(),
  disabled: z.boolean(),
  lockedUntil: z.string().nullable(),
  sso: z.boolean(),
  structureIds: z.array(z.number().int()),
});

export const listUsers = defineContract({
  method: "GET",
  path: "/api/v1/admin/users",
  tags: ["administration"],
  summary: "Comptes utilisateurs",
  query: z.strictObject({ q: z.string().max(100).optional(), role: role.optional() }),
  response: { 200: z.array(AdminUser) },
});
export const createUser = defineContract({
  method: "POST",
  path: "/api/v1/admin/users",
  tags: ["administration"],
  summary: "Créer un compte",
  body: z
    .object({
      email: z.string().max(254),
      displayName: z.string().max(120),
      role,
      regionCode: z
        .string()
        .regex(/^[0-9]{2}$/)
        .nullish(),
      departementCode: z
        .string()
        .regex(/^([0-9]{2}|2A|2B|97[1-6])$/)
        .nullish(),
      password: z.string().max(1024).nullish(),
      structureId: z.number().int().positive().nullish(),
      structureAdmin: z.boolean().optional(),
    })
    .strict(),
  response: { 201: z.object({ id: z.number().int() }) },
});
export const updateUser = defineContract({
  method: "PATCH",
  path: "/api/v1/admin/users/:userId",
  tags: ["administration"],
  summary: "Désactiver / réactiver / déverrouiller un compte ; autoriser son rattachement ProConnect ; retirer sa double authentification",
  params: z.strictObject({ userId: idParam("utilisateur") }),
  body: z
    .object({
      disabled: z.boolean().optional(),
      unlock: z.literal(true).optional(),
      displayName: z.string().trim().min(2).max(120).optional(),
      /** The account's first ProConnect login may link it by its e-mail (server/auth/oidcLink.ts). */
      allowSsoLink: z.boolean().optional(),
      /** A lost device: the second factor goes, to be enrolled again at the next login. */
      resetSecondFactor: z.literal(true).optional(),
    })
    .strict(),
});

const auditFilters = {
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  actor: z.string().max(254).optional(),
  action: z.string().max(100).optional(),
  personId: z.coerce.number().int().positive().optional(),
  structureId: z.coerce.number().int().positive().optional(),
};
export type AuditFilters = z.output<z.ZodObject<typeof auditFilters>>;
export const AuditEvent = z.object({
  id: z.number().int(),
  at: z.string(),
  actorUserId: z.number().int().nullable(),
  actor: z.string(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string().nullable(),
  personId: z.number().int().nullable(),
  structureId: z.number().int().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  ip: z.string().nullable(),
});

export const listAuditEvents = defineContract({
  method: "GET",
  path: "/api/v1/audit",
  tags: ["administration"],
  summary: "Journal d'audit (du plus récent au plus ancien)",
  query: z.strictObject({
    ...auditFilters,
    limit: z.coerce.number().int().min(1).max(500).default(100),
    before: z.coerce.number().int().positive().optional(),
  }),
  response: { 200: z.object({ events: z.array(AuditEvent), nextBefore: z.number().int().nullable() }) },
});
export const exportAuditEvents = defineContract({
  method: "GET",
  path: "/api/v1/audit/export",
  tags: ["administration"],
  summary: "Export CSV du journal d'audit",
  query: z.strictObject(auditFilters),
});

export const health = defineContract({
  method: "GET",
  path: "/api/health",
  tags: ["système"],
  summary: "État du service (moteur de base de données, version du schéma)",
  response: {
    200: z.object({ status: z.literal("ok"), engine: z.enum(["pglite", "postgresql"]), schemaVersion: z.string() }),
    // Only while `npm start` is starting (migrations, first demo load): answered by src/demo/startingPage.ts.
    503: z.object({ status: z.literal("starting"), progress: z.number().int().min(0).max(100), step: z.string() }),
  },
});
