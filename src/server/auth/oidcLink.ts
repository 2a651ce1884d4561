// When the first SSO login of an account may link it to the identity provider's subject by e-mail.
// The e-mail an identity provider sends is only as good as its verification of it: a provider that lets
// anyone claim any address must not open an administrator's account. So the link is made only when
//  - the provider verified the address (`email_verified: true`, or a provider configured as verifying
//    every address it asserts: PASSERELLE_OIDC_EMAILS_VERIFIED=1), and
//  - the account expects it: created for SSO by an administrator (no password) or allowed by one
//    (app_user.oidc_link_allowed: `passerelle users allow-sso`, PATCH /api/v1/admin/users/:id
//    {allowSsoLink}), or a structure account with an invitation pending for that very address (the
//    invitation table holds the invited e-mail; only structure accounts are ever invited).
// Once linked, the subject alone finds the account (the e-mail may change at the provider).
import type { Kysely } from "kysely";
import type { Database, Role } from "../../db/schema.js";
import type { OidcIdentity } from "./oidc.js";

export interface LinkCandidate {
  email: string;
  role: Role;
  oidc_subject: string | null;
  oidc_link_allowed: boolean;
}

export interface Refusal {
  title: string;
  detail: string;
}

export async function oidcLinkRefusal(
  db: Kysely<Database>,
  account: LinkCandidate,
  identity: Pick<OidcIdentity, "subject" | "emailVerified">,
  providerVerifiesEmails: boolean,
  now: Date,
): Promise<Refusal | null> {
  if (account.oidc_subject && account.oidc_subject !== identity.subject) {
    return { title: "Compte déjà associé", detail: "Ce compte Passerelle est déjà associé à une autre identité ProConnect." };
  }
  const verified = identity.emailVerified === true || (identity.emailVerified === null && providerVerifiesEmails);
  if (!verified) {
    return {
      title: "Adresse non vérifiée",
      detail:
        "Le fournisseur d'identité ne garantit pas cette adresse e-mail : elle ne peut pas ouvrir un compte Passerelle. Connectez-vous avec votre mot de passe.",
    };
  }
  if (account.oidc_link_allowed) return null;
  if (account.role === "siae") {
    const invited = await db
      .selectFrom("invitation")
      .select("id")
      .where("email", "=", account.email)
      .where("accepted_at", "is", null)
      .where("expires_at", ">", now)
      .executeTakeFirst();
    if (invited) return null;
  }
  return {
    title: "Connexion ProConnect non autorisée",
    detail:
      "Ce compte Passerelle n'est pas encore ouvert à la connexion par ProConnect : connectez-vous avec votre mot de passe, ou demandez à un administrateur de l'autoriser.",
  };
}
