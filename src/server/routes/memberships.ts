// Members of a structure: list, promote/demote, remove. A structure never loses its last
// admin (checked here under a row lock on the structure, and by a trigger in the database).
import { listMembers, removeMember, updateMember } from "../../contracts/members.js";
import { recordAudit } from "../../db/audit.js";
import { actorOf } from "../auth/plugin.js";
import type { RouteModule } from "../context.js";
import { sendProblem } from "../problem.js";
import { route } from "../route.js";

const LAST_ADMIN = "La structure perdrait son dernier administrateur : nommez d'abord un autre administrateur.";

const routes: RouteModule = async (app, ctx) => {
  route(app, listMembers, { policy: "structure:admin" }, async ({ target }) => {
    const rows = await ctx.handle.db
      .selectFrom("membership as m")
      .innerJoin("app_user as u", "u.id", "m.user_id")
      .select(["u.id", "u.email", "u.display_name", "m.is_admin", "m.created_at"])
      .where("m.structure_id", "=", target.id)
      .orderBy("u.email")
      .execute();
    return rows.map((r) => ({
      userId: Number(r.id),
      email: r.email,
      displayName: r.display_name,
      isAdmin: r.is_admin,
      since: r.created_at.toISOString(),
    }));
  });

  /** Change or remove a membership; null isAdmin = remove. */
  const change = async (structureId: number, userId: number, isAdmin: boolean | null, actor: ReturnType<typeof actorOf>) =>
    ctx.handle.withTransaction(async ({ db }) => {
      await db.selectFrom("structure").select("id").where("id", "=", structureId).forUpdate().execute();
      const current = await db
        .selectFrom("membership")
        .selectAll()
        .where("structure_id", "=", structureId)
        .where("user_id", "=", userId)
        .executeTakeFirst();
      if (!current) return 404 as const;
      const losesAdmin = current.is_admin && isAdmin !== true;
      if (losesAdmin) {
        const admins = await db
          .selectFrom("membership")
          .select((eb) => eb.fn.countAll<string>().as("n"))
          .where("structure_id", "=", structureId)
          .where("is_admin", "=", true)
          .executeTakeFirstOrThrow();
        if (Number(admins.n) <= 1) return 409 as const;
      }
      if (isAdmin === null) {
        await db.deleteFrom("membership").where("structure_id", "=", structureId).where("user_id", "=", userId).execute();
      } else {
        await db
          .updateTable("membership")
          .set({ is_admin: isAdmin })
          .where("structure_id", "=", structureId)
          .where("user_id", "=", userId)
          .execute();
      }
      await recordAudit(db, actor, {
        action: isAdmin === null ? "membership.remove" : "membership.update",
        entity: "membership",
        entityId: `${userId}:${structureId}`,
        structureId,
        before: { isAdmin: current.is_admin },
        after: isAdmin === null ? null : { isAdmin },
      });
      return 200 as const;
    });

  route(app, updateMember, { policy: "structure:admin", audit: false }, async ({ target, body, request, reply }) => {
    const status = await change(target.structureId, target.userId, body.isAdmin, actorOf(request));
    if (status === 404) return sendProblem(reply, 404, "Ressource introuvable", "Cette personne n'est pas membre de la structure.");
    if (status === 409) return sendProblem(reply, 409, "Dernier administrateur", LAST_ADMIN);
    return reply.status(204).send();
  });

  route(app, removeMember, { policy: "structure:admin", audit: false }, async ({ target, request, reply }) => {
    const status = await change(target.structureId, target.userId, null, actorOf(request));
    if (status === 404) return sendProblem(reply, 404, "Ressource introuvable", "Cette personne n'est pas membre de la structure.");
    if (status === 409) return sendProblem(reply, 409, "Dernier administrateur", LAST_ADMIN);
    // Their open sessions keep working but the principal is reloaded at each request: access is gone.
    return reply.status(204).send();
  });
};
export default routes;
