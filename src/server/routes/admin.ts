// Platform administration of accounts (policy admin): list, create, disable / enable, unlock.
// Contracts: src/contracts/admin.ts.
import { createUser as createUserContract, listUsers, updateUser } from "../../contracts/admin.js";
import { recordAudit } from "../../db/audit.js";
import { createUser, UserInputError } from "../../security/users.js";
import { actorOf } from "../auth/plugin.js";
import { unlockLogin } from "../auth/loginThrottle.js";
import { removeSecondFactor } from "../auth/secondFactor.js";
import { securityDb } from "../auth/securityTables.js";
import { destroyUserSessions } from "../auth/sessions.js";
import type { RouteModule } from "../context.js";
import { sendProblem } from "../problem.js";
import { route } from "../route.js";

const routes: RouteModule = async (app, ctx) => {
  route(app, listUsers, { policy: "admin" }, async ({ input }) => {
    let query = ctx.handle.db
      .selectFrom("app_user as u")
      .select([
        "u.id",
        "u.email",
        "u.display_name",
        "u.role",
        "u.region_code",
        "u.departement_code",
        "u.disabled",
        "u.locked_until",
        "u.oidc_subject",
      ])
      .orderBy("u.email")
      .limit(1000);
    if (input.q) query = query.where("u.email", "like", `%${input.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    if (input.role) query = query.where("u.role", "=", input.role);
    const users = await query.execute();
    const memberships = users.length
      ? await ctx.handle.db
          .selectFrom("membership")
          .select(["user_id", "structure_id"])
          .where(
            "user_id",
            "in",
            users.map((u) => u.id),
          )
          .execute()
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
  });

  route(app, createUserContract, { policy: "admin", audit: false }, async ({ body, request, reply }) => {
    try {
      const created = await ctx.handle.withTransaction(({ db }) => createUser(db, body, actorOf(request)));
      return reply.status(201).send(created);
    } catch (error) {
      if (error instanceof UserInputError)
        return sendProblem(reply, 400, "Requête invalide", error.message, {
          errors: [{ field: `/${error.field}`, message: error.message }],
        });
      throw error;
    }
  });

  route(app, updateUser, { policy: "admin", audit: false }, async ({ input, body, request, reply }) => {
    const { userId } = input;
    if (body.disabled && userId === request.principal?.userId) {
      return sendProblem(reply, 409, "Conflit", "Vous ne pouvez pas désactiver votre propre compte.");
    }
    const found = await ctx.handle.withTransaction(async ({ db }) => {
      const before = await db
        .selectFrom("app_user")
        .select(["email", "disabled", "display_name", "locked_until"])
        .where("id", "=", userId)
        .forUpdate()
        .executeTakeFirst();
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
      if (body.unlock) await unlockLogin(db, before.email);
      if (body.allowSsoLink !== undefined)
        await securityDb(db).updateTable("app_user").set({ oidc_link_allowed: body.allowSsoLink }).where("id", "=", userId).execute();
      if (body.resetSecondFactor) await removeSecondFactor(db, userId);
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
  });
};
export default routes;
