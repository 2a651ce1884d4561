// Authentication and the logged-in user's own account: login (password, ProConnect), session, logout,
// memberships, open sessions, password change. No target: each route reads the caller's own data.
import { z } from "zod";
import type { Role } from "../db/schema.js";
import { defineContract } from "./contract.js";

export const ROLES = ["national", "regional", "departemental", "conseil_departemental", "siae", "admin"] as const satisfies readonly Role[];
export const MIN_PASSWORD_LENGTH = 12;

export const UserView = z.object({
  id: z.number().int(),
  email: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  departementCode: z.string().nullable(),
  regionCode: z.string().nullable(),
  structureIds: z.array(z.number().int()),
});
export type UserView = z.infer<typeof UserView>;
export const SessionView = z.object({ user: UserView, csrfToken: z.string() });
export type SessionView = z.infer<typeof SessionView>;
const Problem = z.object({ type: z.string(), title: z.string(), status: z.number(), detail: z.string() });

/** A secret to add to an authenticator app: the otpauth:// URI (what a QR code carries) and the secret to type. */
export const Enrolment = z.object({ secret: z.string(), otpauthUri: z.string() });
/**
 * The password was right, a code is needed: "totp" = the account's authenticator code (or a recovery
 * code); "enrol" = the account must first add this secret to an authenticator app and give its code.
 */
export const SecondFactorChallenge = z.object({ secondFactor: z.enum(["totp", "enrol"]), enrolment: Enrolment.optional() });
export type SecondFactorChallenge = z.infer<typeof SecondFactorChallenge>;
/** A session opened; recoveryCodes only when a second factor was just enabled (shown once). */
export const LoginSession = SessionView.extend({ recoveryCodes: z.array(z.string()).optional() });
export const login = defineContract({
  method: "POST",
  path: "/api/v1/auth/login",
  tags: ["authentification"],
  summary: "Connexion par e-mail et mot de passe (puis code de vérification quand le compte a un second facteur)",
  body: z.object({
    email: z.string().trim().min(3).max(254),
    password: z.string().min(1).max(1024),
    code: z.string().trim().min(1).max(32).optional(),
  }),
  response: { 200: z.union([LoginSession, SecondFactorChallenge]), 401: Problem, 403: Problem, 429: Problem },
});
export const me = defineContract({
  method: "GET",
  path: "/api/v1/auth/me",
  tags: ["authentification"],
  summary: "L'utilisateur connecté",
  response: { 200: SessionView },
});
export const logout = defineContract({
  method: "POST",
  path: "/api/v1/auth/logout",
  tags: ["authentification"],
  summary: "Déconnexion de cette session",
});
export const logoutAll = defineContract({
  method: "POST",
  path: "/api/v1/auth/logout-all",
  tags: ["authentification"],
  summary: "Déconnexion de toutes les sessions de l'utilisateur",
  response: { 200: z.object({ closedSessions: z.number().int() }) },
});
export const oidcLogin = defineContract({
  method: "GET",
  path: "/api/v1/auth/oidc/login",
  tags: ["authentification"],
  summary: "Connexion par ProConnect (redirection vers le fournisseur d'identité)",
  query: z.strictObject({ returnTo: z.string().max(500).optional() }),
});
/** The authorization response of OpenID Connect (RFC 6749 §4.1.2, RFC 9207 `iss`). */
export const oidcCallback = defineContract({
  method: "GET",
  path: "/api/v1/auth/oidc/callback",
  tags: ["authentification"],
  summary: "Retour du fournisseur d'identité (ProConnect)",
  query: z.strictObject({
    code: z.string().max(2000).optional(),
    state: z.string().max(200).optional(),
    iss: z.string().max(500).optional(),
    session_state: z.string().max(500).optional(),
    error: z.string().max(200).optional(),
    error_description: z.string().max(1000).optional(),
    error_uri: z.string().max(1000).optional(),
  }),
});

export const Membership = z.object({
  structureId: z.number().int(),
  name: z.string(),
  kind: z.string(),
  departementCode: z.string(),
  isAdmin: z.boolean(),
});
export const myMemberships = defineContract({
  method: "GET",
  path: "/api/v1/me/memberships",
  tags: ["mon compte"],
  summary: "Mes structures",
  response: { 200: z.array(Membership) },
});
export const mySessions = defineContract({
  method: "GET",
  path: "/api/v1/me/sessions",
  tags: ["mon compte"],
  summary: "Mes sessions ouvertes",
  response: {
    200: z.array(
      z.object({
        createdAt: z.string(),
        lastSeenAt: z.string(),
        ip: z.string().nullable(),
        userAgent: z.string().nullable(),
        current: z.boolean(),
      }),
    ),
  },
});
export const changeMyPassword = defineContract({
  method: "POST",
  path: "/api/v1/me/password",
  tags: ["mon compte"],
  summary: "Changer mon mot de passe (ferme mes autres sessions)",
  body: z.object({ currentPassword: z.string().max(1024), newPassword: z.string().min(MIN_PASSWORD_LENGTH).max(1024) }).strict(),
});

export const SecondFactorStatus = z.object({
  enabled: z.boolean(),
  pending: z.boolean(),
  /** The account's role requires a second factor (it cannot be removed). */
  required: z.boolean(),
  recoveryCodesLeft: z.number().int(),
});
export const mySecondFactor = defineContract({
  method: "GET",
  path: "/api/v1/me/second-factor",
  tags: ["mon compte"],
  summary: "Ma double authentification",
  response: { 200: SecondFactorStatus },
});
export const beginMySecondFactor = defineContract({
  method: "POST",
  path: "/api/v1/me/second-factor",
  tags: ["mon compte"],
  summary: "Activer la double authentification : un nouveau secret à ajouter à une application (montré une fois)",
  response: { 200: Enrolment },
});
export const confirmMySecondFactor = defineContract({
  method: "POST",
  path: "/api/v1/me/second-factor/confirm",
  tags: ["mon compte"],
  summary: "Confirmer la double authentification par un premier code ; rend les codes de secours (montrés une fois)",
  body: z.object({ code: z.string().trim().min(6).max(32) }).strict(),
  response: { 200: z.object({ recoveryCodes: z.array(z.string()) }) },
});
export const removeMySecondFactor = defineContract({
  method: "POST",
  path: "/api/v1/me/second-factor/remove",
  tags: ["mon compte"],
  summary: "Retirer ma double authentification (mot de passe exigé ; impossible quand le rôle l'impose)",
  body: z.object({ password: z.string().min(1).max(1024) }).strict(),
});
