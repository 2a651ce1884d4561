// The logged-in user's own account: structures, open sessions, password change, second factor.
import {
  beginMySecondFactor,
  changeMyPassword,
  confirmMySecondFactor,
  myMemberships,
  mySecondFactor,
  mySessions,
  removeMySecondFactor,
} from "../../contracts/account.js";
import { recordAudit } from "../../db/audit.js";
import { hashPassword, verifyPassword } from "../../security/passwords.js";
import { actorOf } from "../auth/plugin.js";
import { beginEnrolment, confirmEnrolment, removeSecondFactor, secondFactorEnforced, secondFactorStatus } from "../auth/secondFactor.js";
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
    return rows.map((r) => ({
      structureId: Number(r.id),
      name: r.name,
      kind: r.kind,
      departementCode: r.departement_code,
      isAdmin: r.is_admin,
    }));
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
      await db
        .deleteFrom("user_session")
        .where("user_id", "=", userId)
        .where("id", "<>", request.session?.sessionId ?? "")
        .execute();
      await recordAudit(db, actorOf(request), { action: "user.password_change", entity: "app_user", entityId: userId });
    });
    return reply.status(204).send();
  });

  route(app, mySecondFactor, { policy: "authenticated" }, async ({ request }) => {
    const principal = request.principal as NonNullable<typeof request.principal>;
    const status = await secondFactorStatus(ctx.handle.db, principal.userId);
    return { ...status, required: secondFactorEnforced(principal.role, principal.email) };
  });

  // A local account's second factor: a new secret (replacing a pending one), shown once.
  route(app, beginMySecondFactor, { policy: "authenticated", audit: false }, async ({ request, reply }) => {
    const principal = request.principal as NonNullable<typeof request.principal>;
    const enrolment = await beginEnrolment(ctx.handle.db, ctx.pii, { id: principal.userId, email: principal.email }, ctx.clock.now());
    if (!enrolment) return sendProblem(reply, 409, "Conflit", "La double authentification est déjà active sur votre compte.");
    return enrolment;
  });

  route(app, confirmMySecondFactor, { policy: "authenticated", audit: false }, async ({ body, request, reply }) => {
    const principal = request.principal as NonNullable<typeof request.principal>;
    const recoveryCodes = await ctx.handle.withTransaction(async ({ db }) => {
      const codes = await confirmEnrolment(db, ctx.pii, principal.userId, body.code, ctx.clock.now());
      if (codes)
        await recordAudit(db, actorOf(request), { action: "user.second_factor_enable", entity: "app_user", entityId: principal.userId });
      return codes;
    });
    if (!recoveryCodes)
      return sendProblem(
        reply,
        400,
        "Code incorrect",
        "Le code de vérification est incorrect : saisissez le code affiché par votre application.",
      );
    return { recoveryCodes };
  });

  route(app, removeMySecondFactor, { policy: "authenticated", audit: false }, async ({ body, request, reply }) => {
    const principal = request.principal as NonNullable<typeof request.principal>;
    if (secondFactorEnforced(principal.role, principal.email)) {
      return sendProblem(reply, 403, "Accès refusé", "Votre rôle impose la double authentification : elle ne peut pas être retirée.");
    }
    const user = await ctx.handle.db.selectFrom("app_user").select("password_hash").where("id", "=", principal.userId).executeTakeFirst();
    if (!user?.password_hash || !(await verifyPassword(user.password_hash, body.password))) {
      return sendProblem(reply, 403, "Accès refusé", "Le mot de passe est incorrect.");
    }
    await ctx.handle.withTransaction(async ({ db }) => {
      await removeSecondFactor(db, principal.userId);
      await recordAudit(db, actorOf(request), { action: "user.second_factor_remove", entity: "app_user", entityId: principal.userId });
    });
    return reply.status(204).send();
  });
};
export default routes;
