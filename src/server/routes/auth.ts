// Login / logout: local accounts (e-mail + argon2id password, then a TOTP code when the account has a
// second factor or its role requires one) and OpenID Connect SSO (ProConnect). A new session id is issued
// at every login (no fixation); failures are throttled per (account, client network), per account and per
// network (auth/loginThrottle.ts), with one answer whether the e-mail has an account or not. Demo
// accounts never log in on a public instance (security/publicInstance.ts).
import type { FastifyReply, FastifyRequest } from "fastify";
import { login, logout, logoutAll, me, oidcCallback, oidcLogin } from "../../contracts/account.js";
import { recordAudit } from "../../db/audit.js";
import { hashPassword, verifyPassword } from "../../security/passwords.js";
import { actorOf, sessionCookieOptions } from "../auth/plugin.js";
import { isDemoEmail, isPublicInstance } from "../../security/publicInstance.js";
import { type LockState, type LoginKey, loginKey, loginThrottle, recordAttempt } from "../auth/loginThrottle.js";
import { beginLogin, completeLogin, OIDC_LOGIN_TTL_MS, OIDC_STATE_COOKIE, OidcError, oidcConfigFromEnv } from "../auth/oidc.js";
import { oidcLinkRefusal } from "../auth/oidcLink.js";
import { beginEnrolment, confirmEnrolment, secondFactorEnforced, secondFactorStatus, verifySecondFactor } from "../auth/secondFactor.js";
import { securityDb } from "../auth/securityTables.js";
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
  secondFactor: "totp" | "recovery" | null = null,
): Promise<{ principal: Principal; csrfToken: string } | null> {
  const db = ctx.handle.db;
  if (request.session) await destroySession(db, request.session.sessionId);
  const principal = await loadPrincipal(db, userId);
  if (!principal) return null;
  const session = await createSession(
    db,
    principal.userId,
    { ip: request.ip, userAgent: request.headers["user-agent"] ?? null },
    ctx.clock.now(),
  );
  await recordAudit(
    db,
    { userId: principal.userId, label: principal.email, ip: request.ip },
    {
      action: "auth.login",
      entity: "app_user",
      entityId: principal.userId,
      after: { method, ...(secondFactor ? { secondFactor } : {}) },
    },
  );
  reply.setCookie(SESSION_COOKIE, session.token, sessionCookieOptions(ctx, session.expiresAt));
  return { principal, csrfToken: session.csrfToken };
}

const TOO_MANY = "Trop de tentatives";
const BAD_CREDENTIALS = "Adresse e-mail ou mot de passe incorrect.";
const DEMO_REFUSED = "Les comptes de démonstration ne peuvent pas se connecter sur cette instance.";

/** One answer for every throttle (address, account and address, account): it never says which. */
function tooMany(reply: FastifyReply, lock: LockState): FastifyReply {
  reply.header("retry-after", String(lock.retryAfterSeconds));
  return sendProblem(
    reply,
    429,
    TOO_MANY,
    `Trop de tentatives de connexion : réessayez dans ${Math.ceil(lock.retryAfterSeconds / 60)} minute(s).`,
  );
}

const routes: RouteModule = async (app, ctx) => {
  const oidc = ctx.config.oidc === undefined ? oidcConfigFromEnv() : ctx.config.oidc;
  const publicInstance = isPublicInstance(ctx.config.publicUrl);

  /** A failed check (password or code): counted, and audited when the e-mail is an account's. */
  async function failure(key: LoginKey, user: { id: number; email: string } | undefined, ip: string, now: Date): Promise<void> {
    const db = ctx.handle.db;
    await recordAttempt(db, key, "failure", now);
    if (!user) return;
    const lock = await loginThrottle(db, key, now);
    if (lock.locked && lock.reason === "account") {
      await db
        .updateTable("app_user")
        .set({ locked_until: new Date(now.getTime() + lock.retryAfterSeconds * 1000) })
        .where("id", "=", user.id)
        .execute();
    }
    await recordAudit(
      db,
      { userId: user.id, label: user.email, ip },
      {
        action: lock.locked ? "auth.locked" : "auth.login_failed",
        entity: "app_user",
        entityId: user.id,
        ...(lock.locked ? { after: { scope: lock.reason === "account" ? "account" : "address" } } : {}),
      },
    );
  }

  route(app, login, { policy: "public", csrf: false, audit: false }, async ({ body, request, reply }) => {
    const db = ctx.handle.db;
    const now = ctx.clock.now();
    const email = body.email.toLowerCase();
    const key = loginKey(request.ip, email);
    const lock = await loginThrottle(db, key, now);
    if (lock.locked) {
      await recordAttempt(db, key, "refused", now);
      return tooMany(reply, lock);
    }
    if (publicInstance && isDemoEmail(email)) return sendProblem(reply, 403, "Compte de démonstration", DEMO_REFUSED);
    const row = await securityDb(db)
      .selectFrom("app_user")
      .select(["id", "email", "password_hash", "disabled", "role"])
      .where("email", "=", email)
      .executeTakeFirst();
    const user = row ? { id: Number(row.id), email: row.email, role: row.role } : undefined;
    dummyHash ??= hashPassword("passerelle-timing-equaliser");
    const ok = await verifyPassword(row?.password_hash ?? (await dummyHash), body.password);
    if (!user || !row || !ok || !row.password_hash || row.disabled) {
      await failure(key, user, request.ip, now);
      return sendProblem(reply, 401, "Identifiants incorrects", BAD_CREDENTIALS);
    }
    // The password is right: the second factor, when the account has one or its role requires one.
    const factor = await secondFactorStatus(db, user.id);
    let usedFactor: "totp" | "recovery" | null = null;
    let recoveryCodes: string[] | undefined;
    if (factor.enabled) {
      if (!body.code) return { secondFactor: "totp" as const };
      usedFactor = await verifySecondFactor(db, ctx.pii, user.id, body.code, now);
      if (!usedFactor) {
        await failure(key, user, request.ip, now);
        return sendProblem(reply, 401, "Code incorrect", "Le code de vérification est incorrect ou a déjà servi.", {
          secondFactor: "totp",
        });
      }
    } else if (secondFactorEnforced(user.role, user.email)) {
      // First login of an account that must have a second factor: enrol now (the secret is shown to
      // whoever holds the password, once per pending secret), confirm with a first code.
      if (!body.code) {
        const enrolment = await beginEnrolment(db, ctx.pii, user, now, true);
        if (enrolment) return { secondFactor: "enrol" as const, enrolment };
      }
      recoveryCodes = (await confirmEnrolment(db, ctx.pii, user.id, body.code ?? "", now)) ?? undefined;
      if (!recoveryCodes) {
        await failure(key, user, request.ip, now);
        return sendProblem(
          reply,
          401,
          "Code incorrect",
          "Le code de vérification est incorrect : saisissez le code affiché par votre application.",
          { secondFactor: "enrol" },
        );
      }
      usedFactor = "totp";
      await recordAudit(
        db,
        { userId: user.id, label: user.email, ip: request.ip },
        { action: "user.second_factor_enable", entity: "app_user", entityId: user.id },
      );
    }
    await recordAttempt(db, key, "success", now);
    const opened = await openSession(ctx, request, reply, user.id, "password", usedFactor);
    if (!opened) return sendProblem(reply, 401, "Identifiants incorrects", BAD_CREDENTIALS);
    return { user: userView(opened.principal), csrfToken: opened.csrfToken, ...(recoveryCodes ? { recoveryCodes } : {}) };
  });

  route(app, me, { policy: "authenticated" }, async ({ request }) => {
    // policy "authenticated" guarantees a session here.
    const session = request.session as NonNullable<typeof request.session>;
    return { user: userView(session.principal), csrfToken: session.csrfToken };
  });

  route(app, logout, { policy: "authenticated", audit: false, endsSession: true }, async ({ request, reply }) => {
    const session = request.session as NonNullable<typeof request.session>;
    await destroySession(ctx.handle.db, session.sessionId);
    await recordAudit(ctx.handle.db, actorOf(request), { action: "auth.logout", entity: "app_user", entityId: session.principal.userId });
    reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(ctx));
    return reply.status(204).send();
  });

  route(app, logoutAll, { policy: "authenticated", audit: false, endsSession: true }, async ({ request, reply }) => {
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
    if (!oidc)
      return sendProblem(reply, 404, "Connexion unique indisponible", "La connexion par ProConnect n'est pas configurée sur ce serveur.");
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
    if (!oidc)
      return sendProblem(reply, 404, "Connexion unique indisponible", "La connexion par ProConnect n'est pas configurée sur ce serveur.");
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
    const sdb = securityDb(db);
    const columns = ["id", "email", "role", "oidc_subject", "oidc_link_allowed", "disabled"] as const;
    let user = await sdb.selectFrom("app_user").select(columns).where("oidc_subject", "=", identity.subject).executeTakeFirst();
    if (!user && identity.email) {
      const byEmail = await sdb.selectFrom("app_user").select(columns).where("email", "=", identity.email).executeTakeFirst();
      if (byEmail) {
        // First SSO login of this account: linked by e-mail only when it expects it (oidcLink.ts).
        const refusal = await oidcLinkRefusal(db, byEmail, identity, oidc.emailsVerified === true, now);
        if (refusal) return sendProblem(reply, 403, refusal.title, refusal.detail);
        user = byEmail;
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
    if (publicInstance && isDemoEmail(user.email)) return sendProblem(reply, 403, "Compte de démonstration", DEMO_REFUSED);
    if (user.disabled) return sendProblem(reply, 403, "Compte désactivé", "Ce compte Passerelle est désactivé.");
    // Accounts that must have a second factor: the identity provider must have used one (RFC 8176 amr).
    if (secondFactorEnforced(user.role, user.email) && !identity.multiFactor) {
      return sendProblem(
        reply,
        403,
        "Double authentification requise",
        "Ce compte exige une double authentification : connectez-vous avec votre mot de passe et votre code, ou par ProConnect avec une double authentification.",
      );
    }
    if (!user.oidc_subject) {
      await db.updateTable("app_user").set({ oidc_subject: identity.subject, updated_at: now }).where("id", "=", user.id).execute();
      await recordAudit(
        db,
        { userId: Number(user.id), label: user.email, ip: request.ip },
        { action: "user.oidc_link", entity: "app_user", entityId: Number(user.id) },
      );
    }
    const opened = await openSession(ctx, request, reply, Number(user.id), "oidc");
    if (!opened) return sendProblem(reply, 403, "Compte désactivé", "Ce compte Passerelle est désactivé.");
    return reply.redirect(identity.returnTo ?? "/", 302);
  });
};
export default routes;
