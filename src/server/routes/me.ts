// The logged-in user's own account: structures, open sessions, password change.
import { z } from "zod";
import { recordAudit } from "../../db/audit.js";
import { hashPassword, verifyPassword } from "../../security/passwords.js";
import { MIN_PASSWORD_LENGTH } from "../../security/users.js";
import { actorOf } from "../auth/plugin.js";
import type { RouteModule } from "../context.js";
import { sendProblem } from "../problem.js";

const routes: RouteModule = async (app, ctx) => {
  app.get(
    "/api/v1/me/memberships",
    {
      config: { policy: "authenticated" },
      schema: {
        tags: ["mon compte"],
        summary: "Mes structures",
        response: {
          200: z.array(z.object({ structureId: z.number().int(), name: z.string(), kind: z.string(), departementCode: z.string(), isAdmin: z.boolean() })),
        },
      },
    },
    async (request) => {
      const rows = await ctx.handle.db
        .selectFrom("membership as m")
        .innerJoin("structure as s", "s.id", "m.structure_id")
        .select(["s.id", "s.name", "s.kind", "s.departement_code", "m.is_admin"])
        .where("m.user_id", "=", request.principal?.userId ?? -1)
        .orderBy("s.name")
        .execute();
      return rows.map((r) => ({ structureId: Number(r.id), name: r.name, kind: r.kind, departementCode: r.departement_code, isAdmin: r.is_admin }));
    },
  );

  app.get(
    "/api/v1/me/sessions",
    {
      config: { policy: "authenticated" },
      schema: {
        tags: ["mon compte"],
        summary: "Mes sessions ouvertes",
        response: {
          200: z.array(z.object({ createdAt: z.string(), lastSeenAt: z.string(), ip: z.string().nullable(), userAgent: z.string().nullable(), current: z.boolean() })),
        },
      },
    },
    async (request) => {
      const rows = await ctx.handle.db
        .selectFrom("user_session")
        .select(["id", "created_at", "last_seen_at", "ip", "user_agent"])
        .where("user_id", "=", request.principal?.userId ?? -1)
        .where("expires_at", ">", ctx.clock.now())
        .orderBy("last_seen_at", "desc")
        .execute();
      return rows.map((r) => ({
        createdAt: r.created_at.toISOString(),
        lastSeenAt: r.last_seen_at.toISOString(),
        ip: r.ip,
        userAgent: r.user_agent,
        current: r.id === request.session?.sessionId,
      }));
    },
  );

  app.post(
    "/api/v1/me/password",
    {
      config: { policy: "authenticated", audit: false },
      schema: {
        tags: ["mon compte"],
        summary: "Changer mon mot de passe (ferme mes autres sessions)",
        body: z.object({ currentPassword: z.string().max(1024), newPassword: z.string().min(MIN_PASSWORD_LENGTH).max(1024) }).strict(),
      },
    },
    async (request, reply) => {
      const userId = request.principal?.userId ?? -1;
      const user = await ctx.handle.db.selectFrom("app_user").select("password_hash").where("id", "=", userId).executeTakeFirst();
      if (!user?.password_hash || !(await verifyPassword(user.password_hash, request.body.currentPassword))) {
        return sendProblem(reply, 403, "Accès refusé", "Le mot de passe actuel est incorrect.");
      }
      const hash = await hashPassword(request.body.newPassword);
      await ctx.handle.withTransaction(async ({ db }) => {
        await db.updateTable("app_user").set({ password_hash: hash, updated_at: ctx.clock.now() }).where("id", "=", userId).execute();
        await db.deleteFrom("user_session").where("user_id", "=", userId).where("id", "<>", request.session?.sessionId ?? "").execute();
        await recordAudit(db, actorOf(request), { action: "user.password_change", entity: "app_user", entityId: userId });
      });
      return reply.status(204).send();
    },
  );
};
export default routes;
