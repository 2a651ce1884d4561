// A tiny local OpenID Connect provider for the SSO tests (no outside network), shaped like ProConnect:
// discovery, authorization endpoint (auto-consent as `provider.user`), token endpoint checking the
// client secret, redirect_uri and PKCE S256 verifier, RS256 ID tokens, userinfo as a signed JWT
// (application/jwt), JWKS. `provider.tamper` makes it misbehave to test the client's checks.
import { createHash, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";

export interface OidcTestUser {
  sub: string;
  email: string;
  /** ProConnect puts the e-mail in userinfo only: false = not in the ID token. */
  emailInIdToken?: boolean;
  /** The `email_verified` claim (ID token and userinfo); absent when undefined. */
  emailVerified?: boolean;
  /** The `amr` claim of the ID token (RFC 8176), e.g. ["pwd", "otp", "mfa"]; absent when undefined. */
  amr?: string[];
}

export type Tamper = "none" | "nonce" | "audience" | "issuer" | "expired" | "signature";

export interface OidcTestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  user: OidcTestUser;
  tamper: Tamper;
  /** Requests received by the token endpoint that were refused (PKCE, secret…). */
  refused: string[];
  close(): Promise<void>;
}

interface PendingCode {
  challenge: string;
  nonce: string;
  redirectUri: string;
  user: OidcTestUser;
}

export async function startOidcProvider(clientId = "passerelle-test", clientSecret = "secret-de-test"): Promise<OidcTestProvider> {
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const { privateKey: rogueKey } = await generateKeyPair("RS256");
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: "k1", alg: "RS256", use: "sig" };
  const codes = new Map<string, PendingCode>();
  const tokens = new Map<string, OidcTestUser>();
  let issuer = "";
  const provider: OidcTestProvider = {
    issuer: "",
    clientId,
    clientSecret,
    user: { sub: "pc-sub-1", email: "agent@exemple.gouv.fr" },
    tamper: "none",
    refused: [],
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const sign = (claims: Record<string, unknown>, expiresIn = "5m") => {
    const t = provider.tamper;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid: "k1" })
      .setIssuer(t === "issuer" ? "https://faux-fournisseur.example" : issuer)
      .setAudience(t === "audience" ? "un-autre-client" : clientId)
      .setIssuedAt(t === "expired" ? Math.floor(Date.now() / 1000) - 3600 : undefined)
      .setExpirationTime(t === "expired" ? Math.floor(Date.now() / 1000) - 1800 : expiresIn)
      .sign(t === "signature" ? rogueKey : privateKey);
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", issuer);
    const send = (status: number, body: unknown, type = "application/json") => {
      res.writeHead(status, { "content-type": type });
      res.end(typeof body === "string" ? body : JSON.stringify(body));
    };
    if (url.pathname === "/.well-known/openid-configuration") {
      return send(200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        userinfo_endpoint: `${issuer}/userinfo`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ["code"],
        code_challenge_methods_supported: ["S256"],
      });
    }
    if (url.pathname === "/jwks") return send(200, { keys: [jwk] });
    if (url.pathname === "/authorize") {
      const p = url.searchParams;
      if (
        p.get("client_id") !== clientId ||
        p.get("response_type") !== "code" ||
        p.get("code_challenge_method") !== "S256" ||
        !p.get("code_challenge") ||
        !p.get("nonce") ||
        !p.get("state")
      ) {
        return send(400, { error: "invalid_request" });
      }
      const code = randomBytes(16).toString("hex");
      codes.set(code, {
        challenge: p.get("code_challenge") ?? "",
        nonce: p.get("nonce") ?? "",
        redirectUri: p.get("redirect_uri") ?? "",
        user: { ...provider.user },
      });
      const back = new URL(p.get("redirect_uri") ?? "");
      back.searchParams.set("code", code);
      back.searchParams.set("state", p.get("state") ?? "");
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }
    if (url.pathname === "/token" && req.method === "POST") {
      let raw = "";
      req.on("data", (c) => {
        raw += c;
      });
      req.on("end", async () => {
        const form = new URLSearchParams(raw);
        const pending = codes.get(form.get("code") ?? "");
        codes.delete(form.get("code") ?? "");
        const refuse = (why: string) => {
          provider.refused.push(why);
          send(400, { error: "invalid_grant", error_description: why });
        };
        if (!pending) return refuse("unknown code");
        if (form.get("client_id") !== clientId || form.get("client_secret") !== clientSecret) return refuse("bad client");
        if (form.get("redirect_uri") !== pending.redirectUri) return refuse("redirect_uri");
        const verifier = form.get("code_verifier") ?? "";
        if (createHash("sha256").update(verifier).digest("base64url") !== pending.challenge) return refuse("pkce");
        const accessToken = randomBytes(16).toString("hex");
        tokens.set(accessToken, pending.user);
        const idToken = await sign({
          sub: pending.user.sub,
          nonce: provider.tamper === "nonce" ? "autre-nonce" : pending.nonce,
          ...(pending.user.emailInIdToken === false ? {} : { email: pending.user.email }),
          ...(pending.user.emailInIdToken !== false && pending.user.emailVerified !== undefined
            ? { email_verified: pending.user.emailVerified }
            : {}),
          ...(pending.user.amr ? { amr: pending.user.amr } : {}),
        });
        send(200, { access_token: accessToken, token_type: "Bearer", expires_in: 60, id_token: idToken });
      });
      return;
    }
    if (url.pathname === "/userinfo") {
      const user = tokens.get((req.headers.authorization ?? "").replace(/^Bearer /, ""));
      if (!user) return send(401, { error: "invalid_token" });
      void sign({
        sub: user.sub,
        email: user.email,
        ...(user.emailVerified !== undefined ? { email_verified: user.emailVerified } : {}),
        given_name: "Agent",
        usual_name: "Test",
      }).then((jwt) => send(200, jwt, "application/jwt"));
      return;
    }
    send(404, { error: "not_found" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  provider.issuer = issuer;
  return provider;
}
