// Single sign-on through OpenID Connect, compatible with ProConnect: authorization code flow
// with PKCE (S256), `state` bound to the browser by a short-lived cookie and stored (hashed) in the
// database with the `nonce` and the code_verifier, ID token checked with jose (signature against the
// provider's JWKS, issuer, audience, expiry, nonce). Configuration by environment variables:
// PASSERELLE_OIDC_ISSUER, PASSERELLE_OIDC_CLIENT_ID, PASSERELLE_OIDC_CLIENT_SECRET, PASSERELLE_OIDC_REDIRECT_URI.
import { createHash } from "node:crypto";
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from "jose";
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import { randomToken, sha256Hex } from "./sessions.js";
import { securityDb } from "./securityTables.js";

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** Scopes asked for; ProConnect: openid email given_name usual_name. */
  scope?: string;
  /**
   * The provider only ever asserts e-mail addresses it verified, even without an `email_verified` claim
   * (PASSERELLE_OIDC_EMAILS_VERIFIED=1; ProConnect: the agents' professional addresses). Otherwise an
   * account is linked by e-mail only on `email_verified: true`.
   */
  emailsVerified?: boolean;
}

export const OIDC_STATE_COOKIE = "passerelle_oidc_state";
export const OIDC_LOGIN_TTL_MS = 10 * 60 * 1000;

/** The OIDC configuration from the environment; null when SSO is not configured. */
export function oidcConfigFromEnv(env: NodeJS.ProcessEnv = process.env): OidcConfig | null {
  const issuer = env.PASSERELLE_OIDC_ISSUER;
  const clientId = env.PASSERELLE_OIDC_CLIENT_ID;
  const clientSecret = env.PASSERELLE_OIDC_CLIENT_SECRET;
  const redirectUri = env.PASSERELLE_OIDC_REDIRECT_URI;
  if (!issuer && !clientId) return null;
  const missing = [
    ["PASSERELLE_OIDC_ISSUER", issuer],
    ["PASSERELLE_OIDC_CLIENT_ID", clientId],
    ["PASSERELLE_OIDC_CLIENT_SECRET", clientSecret],
    ["PASSERELLE_OIDC_REDIRECT_URI", redirectUri],
  ]
    .filter(([, v]) => !v)
    .map(([k]) => k);
  if (missing.length > 0) throw new Error(`Configuration OIDC incomplète : ${missing.join(", ")} manquant(s).`);
  return {
    issuer: issuer as string,
    clientId: clientId as string,
    clientSecret: clientSecret as string,
    redirectUri: redirectUri as string,
    emailsVerified: env.PASSERELLE_OIDC_EMAILS_VERIFIED === "1",
  };
}

export class OidcError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 401 | 403 | 502 = 401,
  ) {
    super(message);
    this.name = "OidcError";
  }
}

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  userinfo_endpoint?: string;
}

const discoveries = new Map<string, { at: number; doc: Discovery }>();
const jwkSets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

export async function discover(config: OidcConfig): Promise<Discovery> {
  const cached = discoveries.get(config.issuer);
  if (cached && Date.now() - cached.at < 3600_000) return cached.doc;
  const url = `${config.issuer.replace(/\/$/, "")}/.well-known/openid-configuration`;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    throw new OidcError(`Le fournisseur d'identité est injoignable (${(error as Error).message}).`, 502);
  }
  if (!response.ok) throw new OidcError(`Découverte OIDC refusée par le fournisseur (HTTP ${response.status}).`, 502);
  const doc = (await response.json()) as Partial<Discovery>;
  if (doc.issuer !== config.issuer || !doc.authorization_endpoint || !doc.token_endpoint || !doc.jwks_uri) {
    throw new OidcError("Document de découverte OIDC invalide (issuer différent ou points d'accès manquants).", 502);
  }
  discoveries.set(config.issuer, { at: Date.now(), doc: doc as Discovery });
  return doc as Discovery;
}

function jwks(uri: string) {
  let set = jwkSets.get(uri);
  if (!set) {
    set = createRemoteJWKSet(new URL(uri));
    jwkSets.set(uri, set);
  }
  return set;
}

/** Start a login: returns the provider URL to redirect to and the state to bind to the browser. */
export async function beginLogin(
  db: Kysely<Database>,
  config: OidcConfig,
  now: Date,
  returnTo: string | null,
): Promise<{ url: string; state: string }> {
  const doc = await discover(config);
  const state = randomToken();
  const nonce = randomToken();
  const codeVerifier = randomToken();
  const challenge = createHash("sha256").update(codeVerifier).digest("base64url");
  const sdb = securityDb(db);
  await sdb.deleteFrom("oidc_login").where("expires_at", "<", now).execute();
  await sdb
    .insertInto("oidc_login")
    .values({
      state_hash: sha256Hex(state),
      nonce,
      code_verifier: codeVerifier,
      return_to: returnTo,
      created_at: now,
      expires_at: new Date(now.getTime() + OIDC_LOGIN_TTL_MS),
    })
    .execute();
  const url = new URL(doc.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    scope: config.scope ?? "openid email given_name usual_name",
    state,
    nonce,
    code_challenge: challenge,
    code_challenge_method: "S256",
    // The authentication methods used (RFC 8176), to know whether the provider used a second factor.
    claims: JSON.stringify({ id_token: { amr: { essential: true } } }),
  }).toString();
  return { url: url.toString(), state };
}

export interface OidcIdentity {
  subject: string;
  email: string | null;
  /** The provider's `email_verified` claim (ID token or userinfo); null when it sent none. */
  emailVerified: boolean | null;
  /** The provider says it used several factors (amr "mfa", or a one-time code / key beside a password). */
  multiFactor: boolean;
  returnTo: string | null;
}

const SECOND_FACTORS = new Set(["otp", "hwk", "swk", "sms", "fpt", "face", "iris", "pop", "sc"]);

/** Whether an `amr` claim (RFC 8176) names a multi-factor authentication. */
export function isMultiFactor(amr: unknown): boolean {
  if (!Array.isArray(amr)) return false;
  return amr.includes("mfa") || amr.some((m) => typeof m === "string" && SECOND_FACTORS.has(m));
}

/** Finish a login: consume the state, exchange the code, verify the ID token, read the e-mail. */
export async function completeLogin(
  db: Kysely<Database>,
  config: OidcConfig,
  input: { code: string; state: string; browserState: string | undefined },
  now: Date,
): Promise<OidcIdentity> {
  if (!input.browserState || input.browserState !== input.state) {
    throw new OidcError("La réponse du fournisseur d'identité ne correspond pas à ce navigateur (state).", 400);
  }
  const sdb = securityDb(db);
  const pending = await sdb.deleteFrom("oidc_login").where("state_hash", "=", sha256Hex(input.state)).returningAll().executeTakeFirst();
  if (!pending || pending.expires_at.getTime() <= now.getTime()) {
    throw new OidcError("Cette tentative de connexion est inconnue ou a expiré : recommencez.", 400);
  }
  const doc = await discover(config);
  const tokenResponse = await fetch(doc.token_endpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code: input.code,
      redirect_uri: config.redirectUri,
      client_id: config.clientId,
      client_secret: config.clientSecret,
      code_verifier: pending.code_verifier,
    }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!tokenResponse.ok) throw new OidcError(`Le fournisseur d'identité a refusé le code (HTTP ${tokenResponse.status}).`);
  const tokens = (await tokenResponse.json()) as { id_token?: string; access_token?: string };
  if (!tokens.id_token) throw new OidcError("Le fournisseur d'identité n'a pas renvoyé de jeton d'identité.");
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(tokens.id_token, jwks(doc.jwks_uri), {
      issuer: config.issuer,
      audience: config.clientId,
      algorithms: ["RS256", "ES256", "PS256"],
      currentDate: now,
    }));
  } catch (error) {
    throw new OidcError(`Jeton d'identité refusé : ${(error as Error).message}`);
  }
  if (claims.nonce !== pending.nonce) throw new OidcError("Jeton d'identité refusé : nonce différent.");
  if (typeof claims.sub !== "string" || claims.sub.length === 0) throw new OidcError("Jeton d'identité sans sujet.");
  let email = typeof claims.email === "string" ? claims.email : null;
  let emailVerified = typeof claims.email_verified === "boolean" ? claims.email_verified : null;
  if (!email && doc.userinfo_endpoint && tokens.access_token) {
    ({ email, emailVerified } = await userinfoEmail(doc, config, tokens.access_token, claims.sub, now));
  }
  return {
    subject: claims.sub,
    email: email ? email.toLowerCase() : null,
    emailVerified,
    multiFactor: isMultiFactor(claims.amr),
    returnTo: pending.return_to,
  };
}

/** ProConnect answers userinfo as a signed JWT (application/jwt); others as JSON. */
async function userinfoEmail(
  doc: Discovery,
  config: OidcConfig,
  accessToken: string,
  subject: string,
  now: Date,
): Promise<{ email: string | null; emailVerified: boolean | null }> {
  const response = await fetch(doc.userinfo_endpoint as string, {
    headers: { authorization: `Bearer ${accessToken}` },
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new OidcError(`Le fournisseur d'identité a refusé userinfo (HTTP ${response.status}).`);
  let info: JWTPayload;
  if ((response.headers.get("content-type") ?? "").includes("application/jwt")) {
    try {
      ({ payload: info } = await jwtVerify(await response.text(), jwks(doc.jwks_uri), {
        issuer: config.issuer,
        audience: config.clientId,
        currentDate: now,
      }));
    } catch (error) {
      throw new OidcError(`Réponse userinfo refusée : ${(error as Error).message}`);
    }
  } else {
    info = (await response.json()) as JWTPayload;
  }
  if (info.sub !== subject) throw new OidcError("Réponse userinfo refusée : sujet différent du jeton d'identité.");
  return {
    email: typeof info.email === "string" ? info.email : null,
    emailVerified: typeof info.email_verified === "boolean" ? info.email_verified : null,
  };
}
