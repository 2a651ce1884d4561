// Membership invitations by link with expiry. Structure admins invite; the link goes by e-mail to the
// invited address only (server/mail/mailer.ts; never in the API answer: whoever can read the inviter's
// screen or logs must not be able to take the invitation). The invited person opens the link (public),
// then accepts — creating their account (e-mail fixed by the invitation, password hashed with argon2id,
// only once the token proved valid: an unknown token costs no hashing) or, when already logged in with
// that e-mail, joining the structure.
import { sql } from "kysely";
import { MIN_PASSWORD_LENGTH } from "../../contracts/account.js";
import {
  acceptInvitation,
  createInvitation as createInvitationContract,
  deleteInvitation,
  getInvitation,
  listInvitations,
} from "../../contracts/members.js";
import { recordAudit } from "../../db/audit.js";
import { hashPassword } from "../../security/passwords.js";
import { isPublicInstance } from "../../security/publicInstance.js";
import { createInvitation, findInvitation, invitationState } from "../auth/invitations.js";
import { actorOf, sessionCookieOptions } from "../auth/plugin.js";
import { createSession, loadPrincipal, SESSION_COOKIE } from "../auth/sessions.js";
import { userView } from "../auth/userView.js";
import type { RouteModule } from "../context.js";
import { type Mailer, mailerFromEnv } from "../mail/mailer.js";
import { sendProblem } from "../problem.js";
import { route } from "../route.js";

function invitationMail(input: { to: string; inviter: string; structureName: string; isAdmin: boolean; link: string; expiresAt: Date }) {
  const until = new Intl.DateTimeFormat("fr-FR", { dateStyle: "long", timeStyle: "short", timeZone: "Europe/Paris" }).format(
    input.expiresAt,
  );
  return {
    to: input.to,
    subject: `Invitation à rejoindre « ${input.structureName} » sur Passerelle`,
    text:
      `Bonjour,\n\n${input.inviter} vous invite à rejoindre la structure « ${input.structureName} » sur Passerelle` +
      `${input.isAdmin ? " en tant qu'administrateur ou administratrice" : ""}.\n\n` +
      `Pour accepter, ouvrez ce lien avant le ${until} :\n${input.link}\n\n` +
      "Ce lien vous est personnel et ne sert qu'une fois : ne le transmettez pas. " +
      "Si vous n'attendiez pas cette invitation, ignorez ce message.\n\n— Passerelle, système d'information de l'insertion par l'activité économique\n",
  };
}

const routes: RouteModule = async (app, ctx) => {
  const mailer: Mailer | null = ctx.config.mailer === undefined ? mailerFromEnv(isPublicInstance(ctx.config.publicUrl)) : ctx.config.mailer;

  route(app, createInvitationContract, { policy: "structure:admin", audit: false }, async ({ target, body, request, reply }) => {
    const email = body.email.toLowerCase();
    const structureId = target.id;
    const now = ctx.clock.now();
    const existing = await ctx.handle.db
      .selectFrom("app_user")
      .leftJoin("membership as m", (j) => j.onRef("m.user_id", "=", "app_user.id").on("m.structure_id", "=", structureId))
      .select(["app_user.role", "m.user_id as member"])
      .where("app_user.email", "=", email)
      .executeTakeFirst();
    if (existing && existing.role !== "siae") {
      return sendProblem(
        reply,
        409,
        "Conflit",
        "Cette adresse appartient à un compte d'un autre type (services de l'État, conseil départemental ou administration).",
      );
    }
    if (existing?.member) return sendProblem(reply, 409, "Conflit", "Cette personne est déjà membre de la structure.");
    if (!mailer) {
      return sendProblem(
        reply,
        503,
        "Envoi d'e-mails non configuré",
        "Ce serveur ne peut pas envoyer l'invitation : son administrateur doit configurer l'envoi d'e-mails (PASSERELLE_SMTP_URL).",
      );
    }
    const structure = await ctx.handle.db.selectFrom("structure").select("name").where("id", "=", structureId).executeTakeFirstOrThrow();
    const base = ctx.config.publicUrl.replace(/\/$/, "");
    let sent = true;
    const created = await ctx.handle
      .withTransaction(async ({ db }) => {
        const inv = await createInvitation(
          db,
          { email, structureId, isAdmin: body.isAdmin, invitedBy: request.principal?.userId ?? null },
          now,
        );
        await recordAudit(db, actorOf(request), {
          action: "invitation.create",
          entity: "invitation",
          entityId: inv.id,
          structureId,
          after: { email, isAdmin: body.isAdmin, expiresAt: inv.expiresAt.toISOString(), delivery: mailer.delivery },
        });
        // Sent before the commit: a message that cannot leave rolls the invitation back (no dead link).
        const message = invitationMail({
          to: email,
          inviter: request.principal?.displayName ?? "Un administrateur",
          structureName: structure.name,
          isAdmin: body.isAdmin,
          link: `${base}/invitation/${inv.token}`,
          expiresAt: inv.expiresAt,
        });
        try {
          await mailer.send(message);
        } catch (error) {
          request.log.error({ err: error }, "invitation e-mail not sent");
          sent = false;
          throw error;
        }
        return inv;
      })
      .catch((error: unknown) => {
        if (!sent) return null;
        throw error;
      });
    if (!created) {
      return sendProblem(
        reply,
        502,
        "Envoi impossible",
        "Le serveur d'e-mails a refusé l'invitation : elle n'a pas été créée. Réessayez plus tard.",
      );
    }
    return reply.status(201).send({
      id: created.id,
      email,
      isAdmin: body.isAdmin,
      expiresAt: created.expiresAt.toISOString(),
      delivery: mailer.delivery,
    });
  });

  route(app, listInvitations, { policy: "structure:admin" }, async ({ target }) => {
    const rows = await ctx.handle.db
      .selectFrom("invitation")
      .select(["id", "email", "is_admin", "expires_at", "accepted_at"])
      .where("structure_id", "=", target.id)
      .orderBy("id", "desc")
      .limit(500)
      .execute();
    const now = ctx.clock.now();
    return rows.map((r) => ({
      id: Number(r.id),
      email: r.email,
      isAdmin: r.is_admin,
      expiresAt: r.expires_at.toISOString(),
      state: invitationState({ expiresAt: r.expires_at, acceptedAt: r.accepted_at }, now),
    }));
  });

  route(app, deleteInvitation, { policy: "structure:admin", audit: false }, async ({ target, request, reply }) => {
    const { structureId, invitationId } = target;
    const deleted = await ctx.handle.withTransaction(async ({ db }) => {
      const row = await db
        .deleteFrom("invitation")
        .where("id", "=", invitationId)
        .where("structure_id", "=", structureId)
        .where("accepted_at", "is", null)
        .returning(["id", "email"])
        .executeTakeFirst();
      if (row)
        await recordAudit(db, actorOf(request), {
          action: "invitation.delete",
          entity: "invitation",
          entityId: invitationId,
          structureId,
          before: { email: row.email },
        });
      return row;
    });
    if (!deleted)
      return sendProblem(reply, 404, "Ressource introuvable", "Aucune invitation en attente avec cet identifiant dans cette structure.");
    return reply.status(204).send();
  });

  route(app, getInvitation, { policy: "public" }, async ({ input, reply }) => {
    const inv = await findInvitation(ctx.handle.db, input.token);
    if (!inv) return sendProblem(reply, 404, "Invitation introuvable", "Ce lien d'invitation n'existe pas.");
    const state = invitationState(inv, ctx.clock.now());
    if (state !== "pending") {
      return sendProblem(
        reply,
        410,
        "Invitation périmée",
        state === "expired" ? "Ce lien d'invitation a expiré : demandez-en un nouveau." : "Cette invitation a déjà été acceptée.",
      );
    }
    const account = await ctx.handle.db.selectFrom("app_user").select("id").where("email", "=", inv.email).executeTakeFirst();
    return {
      email: inv.email,
      structureName: inv.structureName,
      isAdmin: inv.isAdmin,
      expiresAt: inv.expiresAt.toISOString(),
      accountExists: Boolean(account),
    };
  });

  route(app, acceptInvitation, { policy: "public", audit: false }, async ({ input, body, request, reply }) => {
    const now = ctx.clock.now();
    const principal = request.principal;
    const outcome = await ctx.handle.withTransaction(async ({ db }) => {
      const inv = await findInvitation(db, input.token, true);
      if (!inv) return { status: 404 as const, detail: "Ce lien d'invitation n'existe pas." };
      const state = invitationState(inv, now);
      if (state === "expired") return { status: 410 as const, detail: "Ce lien d'invitation a expiré : demandez-en un nouveau." };
      if (state === "accepted") return { status: 410 as const, detail: "Cette invitation a déjà été acceptée." };
      let userId: number;
      if (principal) {
        if (principal.email !== inv.email)
          return { status: 403 as const, detail: `Cette invitation est adressée à ${inv.email}, pas à votre compte.` };
        if (principal.role !== "siae")
          return { status: 409 as const, detail: "Seuls les comptes de structure peuvent rejoindre une structure." };
        userId = principal.userId;
      } else {
        const existing = await db.selectFrom("app_user").select("id").where("email", "=", inv.email).executeTakeFirst();
        if (existing)
          return {
            status: 409 as const,
            detail: "Un compte existe déjà pour cette adresse : connectez-vous puis ouvrez de nouveau le lien.",
          };
        if (!body.displayName || !body.password) {
          return {
            status: 400 as const,
            detail: `Nom affiché et mot de passe (au moins ${MIN_PASSWORD_LENGTH} caractères) sont requis pour créer le compte.`,
          };
        }
        // Only now, the token proved valid and pending: the argon2 work of an account's creation.
        const passwordHash = await hashPassword(body.password);
        const created = await db
          .insertInto("app_user")
          .values({
            email: inv.email,
            display_name: body.displayName,
            password_hash: passwordHash,
            role: "siae",
            created_at: now,
            updated_at: now,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        userId = Number(created.id);
        await recordAudit(
          db,
          { userId, label: inv.email, ip: request.ip },
          { action: "user.create", entity: "app_user", entityId: userId, after: { email: inv.email, role: "siae", via: "invitation" } },
        );
      }
      await db
        .insertInto("membership")
        .values({ user_id: userId, structure_id: inv.structureId, is_admin: inv.isAdmin, created_at: now })
        .onConflict((oc) =>
          oc.columns(["user_id", "structure_id"]).doUpdateSet({ is_admin: sql<boolean>`membership.is_admin OR excluded.is_admin` }),
        )
        .execute();
      await db.updateTable("invitation").set({ accepted_at: now }).where("id", "=", inv.id).execute();
      await recordAudit(
        db,
        { userId, label: inv.email, ip: request.ip },
        {
          action: "invitation.accept",
          entity: "membership",
          entityId: `${userId}:${inv.structureId}`,
          structureId: inv.structureId,
          after: { isAdmin: inv.isAdmin },
        },
      );
      return { status: 200 as const, userId };
    });
    if (outcome.status !== 200) {
      const titles = {
        400: "Requête invalide",
        403: "Accès refusé",
        404: "Invitation introuvable",
        409: "Conflit",
        410: "Invitation périmée",
      };
      return sendProblem(reply, outcome.status, titles[outcome.status], outcome.detail);
    }
    const fresh = await loadPrincipal(ctx.handle.db, outcome.userId);
    if (!fresh) return sendProblem(reply, 403, "Accès refusé", "Compte désactivé.");
    if (request.session) return { user: userView(fresh), csrfToken: request.session.csrfToken };
    const session = await createSession(
      ctx.handle.db,
      fresh.userId,
      { ip: request.ip, userAgent: request.headers["user-agent"] ?? null },
      now,
    );
    reply.setCookie(SESSION_COOKIE, session.token, sessionCookieOptions(ctx, session.expiresAt));
    return { user: userView(fresh), csrfToken: session.csrfToken };
  });
};
export default routes;
