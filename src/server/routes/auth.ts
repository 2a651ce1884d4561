// Login / logout (issue 8): local accounts (e-mail + argon2id password) and OpenID Connect SSO
// (ProConnect). A new session id is issued at every login (no fixation); failures are throttled per
// account (temporary lock) and per client address.
import type { FastifyReply, FastifyRequest } from "fastify";
import { login, logout, logoutAll, me, oidcCallback, oidcLogin } from "../../contracts/account.js";
import { recordAudit } from "../../db/audit.js";
import { hashPassword, verifyPassword } from "../../security/passwords.js";
import { actorOf, sessionCookieOptions } from "../auth/plugin.js";
import { accountLocked, ipLocked, recordAttempt, registerFailure, registerSuccess } from "../auth/loginThrottle.js";
import { beginLogin, completeLogin, OIDC_LOGIN_TTL_MS, OIDC_STATE_COOKIE, OidcError, oidcConfigFromEnv } from "../auth/oidc.js";
import { createSession, destroySession, destroyUserSessions, loadPrincipal, SESSION_COOKIE } from "../auth/sessions.js";
import { userView } from "../auth/userView.js";
import type { Principal } from "../auth/principal.js";
import type { AppContext, RouteModule } from "../context.js";
import { sendProblem } from "../problem.js";
import { route } from "../route.js";

// Same cost as a real verification, so that unknown e-mails are not distinguishable by timing.
let dummyHash: Promise<string> | undefined;

/**
 * Opens a session for a user who has just proved who they are: no fixation (whatever session the
 * browser had is closed and a new id is issued), the login is audited with its method, and the
 * session cookie is set. Null when the account can no longer be loaded (disabled in between).
 */
async function openSession(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  userId: number,
  method: "password" | "oidc",
): Promise<{ principal: Principal; csrfToken: string } | null> {
  const db = ctx.handle.db;
  if (request.session) await destroySession(db, request.session.sessionId);
  const principal = await loadPrincipal(db, userId);
  if (!principal) return null;
  const session = await createSession(db, principal.userId, { ip: request.ip, userAgent: request.headers["user-agent"] ?? null }, ctx.clock.now());
  await recordAudit(db, { userId: principal.userId, label: principal.email, ip: request.ip }, {
    action: "auth.login",
    entity: "app_user",
    entityId: principal.userId,
    after: { method },
  });
  reply.setCookie(SESSION_COOKIE, session.token, sessionCookieOptions(ctx, session.expiresAt));
  return { principal, csrfToken: session.csrfToken };
}

const routes: RouteModule = async (app, ctx) => {
  const oidc = ctx.config.oidc === undefined ? oidcConfigFromEnv() : ctx.config.oidc;

  route(app, login, { policy: "public", csrf: false, audit: false }, async ({ body, request, reply }) => {
    const db = ctx.handle.db;
    const now = ctx.clock.now();
    const email = body.email.toLowerCase();
    const ipLock = await ipLocked(db, request.ip, now);
    if (ipLock.locked) {
      reply.header("retry-after", String(ipLock.retryAfterSeconds));
      return sendProblem(reply, 429, "Trop de tentatives", "Trop de tentatives de connexion depuis votre adresse : réessayez plus tard.");
    }
    const user = await db
      .selectFrom("app_user")
      .select(["id", "password_hash", "locked_until", "disabled"])
      .where("email", "=", email)
      .executeTakeFirst();
    const lock = accountLocked(user?.locked_until ?? null, now);
    if (user && lock.locked) {
      await recordAttempt(db, request.ip, email, false, now);
      reply.header("retry-after", String(lock.retryAfterSeconds));
      return sendProblem(
        reply,
        429,
        "Compte temporairement verrouillé",
        `Trop d'essais infructueux : le compte est verrouillé pendant ${Math.ceil(lock.retryAfterSeconds / 60)} minute(s).`,
      );
    }
    dummyHash ??= hashPassword("passerelle-timing-equaliser");
    const ok = await verifyPassword(user?.password_hash ?? (await dummyHash), body.password);
    if (!user || !ok || !user.password_hash || user.disabled) {
      await recordAttempt(db, request.ip, email, false, now);
      if (user) {
        const nowLocked = await registerFailure(db, Number(user.id), now);
        await recordAudit(db, { userId: Number(user.id), label: email, ip: request.ip }, {
          action: nowLocked.locked ? "auth.locked" : "auth.login_failed",
          entity: "app_user",
          entityId: Number(user.id),
        });
      }
      return sendProblem(reply, 401, "Identifiants incorrects", "Adresse e-mail ou mot de passe incorrect.");
    }
    await recordAttempt(db, request.ip, email, true, now);
    await registerSuccess(db, Number(user.id));
    const opened = await openSession(ctx, request, reply, Number(user.id), "password");
    if (!opened) return sendProblem(reply, 401, "Identifiants incorrects", "Adresse e-mail ou mot de passe incorrect.");
    return { user: userView(opened.principal), csrfToken: opened.csrfToken };
  });

  route(app, me, { policy: "authenticated" }, async ({ request }) => {
    // policy "authenticated" guarantees a session here.
    const session = request.session as NonNullable<typeof request.session>;
    return { user: userView(session.principal), csrfToken: session.csrfToken };
  });

  route(app, logout, { policy: "authenticated", audit: false }, async ({ request, reply }) => {
    const session = request.session as NonNullable<typeof request.session>;
    await destroySession(ctx.handle.db, session.sessionId);
    await recordAudit(ctx.handle.db, actorOf(request), { action: "auth.logout", entity: "app_user", entityId: session.principal.userId });
    reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(ctx));
    return reply.status(204).send();
  });

  route(app, logoutAll, { policy: "authenticated", audit: false }, async ({ request, reply }) => {
    const principal = request.principal as NonNullable<typeof request.principal>;
    const closedSessions = await destroyUserSessions(ctx.handle.db, principal.userId);
    await recordAudit(ctx.handle.db, actorOf(request), {
      action: "auth.logout_all",
      entity: "app_user",
      entityId: principal.userId,
      after: { closedSessions },
    });
    reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(ctx));
    return { closedSessions };
  });

  route(app, oidcLogin, { policy: "public" }, async ({ input, reply }) => {
    if (!oidc) return sendProblem(reply, 404, "Connexion unique indisponible", "La connexion par ProConnect n'est pas configurée sur ce serveur.");
    // Only same-site relative paths (no open redirect).
    const returnTo = input.returnTo && /^\/(?![/\\])[^\s]*$/.test(input.returnTo) ? input.returnTo : null;
    try {
      const { url, state } = await beginLogin(ctx.handle.db, oidc, ctx.clock.now(), returnTo);
      reply.setCookie(OIDC_STATE_COOKIE, state, {
        ...sessionCookieOptions(ctx),
        path: "/api/v1/auth/oidc",
        maxAge: OIDC_LOGIN_TTL_MS / 1000,
      });
      return reply.redirect(url, 302);
    } catch (error) {
      if (error instanceof OidcError) return sendProblem(reply, error.status, "Connexion unique impossible", error.message);
      throw error;
    }
  });

  route(app, oidcCallback, { policy: "public", audit: false }, async ({ input, request, reply }) => {
    if (!oidc) return sendProblem(reply, 404, "Connexion unique indisponible", "La connexion par ProConnect n'est pas configurée sur ce serveur.");
    const { code, state, error } = input;
    if (error) return sendProblem(reply, 401, "Connexion refusée", `Le fournisseur d'identité a refusé la connexion (${error}).`);
    if (!code || !state) return sendProblem(reply, 400, "Requête invalide", "Paramètres code et state attendus.");
    const db = ctx.handle.db;
    const now = ctx.clock.now();
    reply.clearCookie(OIDC_STATE_COOKIE, { ...sessionCookieOptions(ctx), path: "/api/v1/auth/oidc" });
    let identity: Awaited<ReturnType<typeof completeLogin>>;
    try {
      identity = await completeLogin(db, oidc, { code, state, browserState: request.cookies[OIDC_STATE_COOKIE] }, now);
    } catch (e) {
      if (e instanceof OidcError) return sendProblem(reply, e.status, "Connexion unique impossible", e.message);
      throw e;
    }
    let user = await db.selectFrom("app_user").select(["id", "oidc_subject", "disabled"]).where("oidc_subject", "=", identity.subject).executeTakeFirst();
    if (!user && identity.email) {
      user = await db.selectFrom("app_user").select(["id", "oidc_subject", "disabled"]).where("email", "=", identity.email).executeTakeFirst();
      if (user?.oidc_subject && user.oidc_subject !== identity.subject) {
        return sendProblem(reply, 403, "Compte déjà associé", "Ce compte Passerelle est déjà associé à une autre identité ProConnect.");
      }
    }
    if (!user) {
      return sendProblem(
        reply,
        403,
        "Aucun compte Passerelle",
        `Aucun compte Passerelle n'est associé à ${identity.email ?? "cette identité"}. Demandez une invitation à l'administrateur de votre structure ou à votre DDETS.`,
      );
    }
    if (user.disabled) return sendProblem(reply, 403, "Compte désactivé", "Ce compte Passerelle est désactivé.");
    if (!user.oidc_subject) {
      await db.updateTable("app_user").set({ oidc_subject: identity.subject, updated_at: now }).where("id", "=", user.id).execute();
    }
    const opened = await openSession(ctx, request, reply, Number(user.id), "oidc");
    if (!opened) return sendProblem(reply, 403, "Compte désactivé", "Ce compte Passerelle est désactivé.");
    return reply.redirect(identity.returnTo ?? "/", 302);
  });
};
export default routes;
