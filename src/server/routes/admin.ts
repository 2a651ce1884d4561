// Platform administration of accounts (policy admin): list, create, disable / enable, unlock.
import { z } from "zod";
import { recordAudit } from "../../db/audit.js";
import { createUser, ROLES, UserInputError } from "../../security/users.js";
import { actorOf } from "../auth/plugin.js";
import { destroyUserSessions } from "../auth/sessions.js";
import type { RouteModule } from "../context.js";
import { sendProblem } from "../problem.js";

const roleEnum = z.enum(ROLES as unknown as ["national", "regional", "departemental", "conseil_departemental", "siae", "admin"]);

const routes: RouteModule = async (app, ctx) => {
  app.get(
    "/api/v1/admin/users",
    {
      config: { policy: "admin" },
      schema: {
        tags: ["administration"],
        summary: "Comptes utilisateurs",
        querystring: z.object({ q: z.string().max(100).optional(), role: roleEnum.optional() }),
        response: {
          200: z.array(
            z.object({
              id: z.number().int(),
              email: z.string(),
              displayName: z.string(),
              role: roleEnum,
              regionCode: z.string().nullable(),
              departementCode: z.string().nullable(),
              disabled: z.boolean(),
              lockedUntil: z.string().nullable(),
              sso: z.boolean(),
              structureIds: z.array(z.number().int()),
            }),
          ),
        },
      },
    },
    async (request) => {
      let query = ctx.handle.db
        .selectFrom("app_user as u")
        .select(["u.id", "u.email", "u.display_name", "u.role", "u.region_code", "u.departement_code", "u.disabled", "u.locked_until", "u.oidc_subject"])
        .orderBy("u.email")
        .limit(1000);
      if (request.query.q) query = query.where("u.email", "like", `%${request.query.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      if (request.query.role) query = query.where("u.role", "=", request.query.role);
      const users = await query.execute();
      const memberships = users.length
        ? await ctx.handle.db.selectFrom("membership").select(["user_id", "structure_id"]).where("user_id", "in", users.map((u) => u.id)).execute()
        : [];
      const now = ctx.clock.now().getTime();
      return users.map((u) => ({
        id: Number(u.id),
        email: u.email,
        displayName: u.display_name,
        role: u.role,
        regionCode: u.region_code,
        departementCode: u.departement_code,
        disabled: u.disabled,
        lockedUntil: u.locked_until && u.locked_until.getTime() > now ? u.locked_until.toISOString() : null,
        sso: u.oidc_subject !== null,
        structureIds: memberships.filter((m) => m.user_id === u.id).map((m) => Number(m.structure_id)),
      }));
    },
  );

  app.post(
    "/api/v1/admin/users",
    {
      config: { policy: "admin", audit: false },
      schema: {
        tags: ["administration"],
        summary: "Créer un compte",
        body: z
          .object({
            email: z.string().max(254),
            displayName: z.string().max(120),
            role: roleEnum,
            regionCode: z.string().regex(/^[0-9]{2}$/).nullish(),
            departementCode: z.string().regex(/^([0-9]{2}|2A|2B|97[1-6])$/).nullish(),
            password: z.string().max(1024).nullish(),
            structureId: z.number().int().positive().nullish(),
            structureAdmin: z.boolean().optional(),
          })
          .strict(),
        response: { 201: z.object({ id: z.number().int() }) },
      },
    },
    async (request, reply) => {
      try {
        const created = await ctx.handle.withTransaction(({ db }) => createUser(db, request.body, actorOf(request)));
        return reply.status(201).send(created);
      } catch (error) {
        if (error instanceof UserInputError) return sendProblem(reply, 400, "Requête invalide", error.message, { errors: [{ field: `/${error.field}`, message: error.message }] });
        throw error;
      }
    },
  );

  app.patch(
    "/api/v1/admin/users/:userId",
    {
      config: { policy: "admin", audit: false },
      schema: {
        tags: ["administration"],
        summary: "Désactiver / réactiver / déverrouiller un compte",
        params: z.object({ userId: z.coerce.number().int().positive() }),
        body: z.object({ disabled: z.boolean().optional(), unlock: z.literal(true).optional(), displayName: z.string().trim().min(2).max(120).optional() }).strict(),
      },
    },
    async (request, reply) => {
      const { userId } = request.params;
      const body = request.body;
      if (body.disabled && userId === request.principal?.userId) {
        return sendProblem(reply, 409, "Conflit", "Vous ne pouvez pas désactiver votre propre compte.");
      }
      const found = await ctx.handle.withTransaction(async ({ db }) => {
        const before = await db.selectFrom("app_user").select(["disabled", "display_name", "locked_until"]).where("id", "=", userId).forUpdate().executeTakeFirst();
        if (!before) return false;
        await db
          .updateTable("app_user")
          .set({
            ...(body.disabled !== undefined ? { disabled: body.disabled } : {}),
            ...(body.displayName ? { display_name: body.displayName } : {}),
            ...(body.unlock ? { locked_until: null, failed_logins: 0 } : {}),
            updated_at: ctx.clock.now(),
          })
          .where("id", "=", userId)
          .execute();
        if (body.disabled) await destroyUserSessions(db, userId);
        await recordAudit(db, actorOf(request), {
          action: "user.update",
          entity: "app_user",
          entityId: userId,
          before: { disabled: before.disabled, displayName: before.display_name, locked: before.locked_until !== null },
          after: body,
        });
        return true;
      });
      if (!found) return sendProblem(reply, 404, "Ressource introuvable", "Compte introuvable.");
      return reply.status(204).send();
    },
  );
};
export default routes;
