// The logged-in user's own account: structures, open sessions, password change.
import { changeMyPassword, myMemberships, mySessions } from "../../contracts/account.js";
import { recordAudit } from "../../db/audit.js";
import { hashPassword, verifyPassword } from "../../security/passwords.js";
import { actorOf } from "../auth/plugin.js";
import type { RouteModule } from "../context.js";
import { sendProblem } from "../problem.js";
import { route } from "../route.js";

const routes: RouteModule = async (app, ctx) => {
  route(app, myMemberships, { policy: "authenticated" }, async ({ request }) => {
    const rows = await ctx.handle.db
      .selectFrom("membership as m")
      .innerJoin("structure as s", "s.id", "m.structure_id")
      .select(["s.id", "s.name", "s.kind", "s.departement_code", "m.is_admin"])
      .where("m.user_id", "=", request.principal?.userId ?? -1)
      .orderBy("s.name")
      .execute();
    return rows.map((r) => ({ structureId: Number(r.id), name: r.name, kind: r.kind, departementCode: r.departement_code, isAdmin: r.is_admin }));
  });

  route(app, mySessions, { policy: "authenticated" }, async ({ request }) => {
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
  });

  route(app, changeMyPassword, { policy: "authenticated", audit: false }, async ({ body, request, reply }) => {
    const userId = request.principal?.userId ?? -1;
    const user = await ctx.handle.db.selectFrom("app_user").select("password_hash").where("id", "=", userId).executeTakeFirst();
    if (!user?.password_hash || !(await verifyPassword(user.password_hash, body.currentPassword))) {
      return sendProblem(reply, 403, "Accès refusé", "Le mot de passe actuel est incorrect.");
    }
    const hash = await hashPassword(body.newPassword);
    await ctx.handle.withTransaction(async ({ db }) => {
      await db.updateTable("app_user").set({ password_hash: hash, updated_at: ctx.clock.now() }).where("id", "=", userId).execute();
      await db.deleteFrom("user_session").where("user_id", "=", userId).where("id", "<>", request.session?.sessionId ?? "").execute();
      await recordAudit(db, actorOf(request), { action: "user.password_change", entity: "app_user", entityId: userId });
    });
    return reply.status(204).send();
  });
};
export default routes;
