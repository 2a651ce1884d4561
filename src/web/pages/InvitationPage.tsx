// The page an invitation e-mail links to (/invitation/:token): what the invitation offers, then either
// the account creation (name and password) or, for a person already logged in with that address, joining
// the structure. The token travels only from the e-mail to this page and to the API.
import { Alert } from "@codegouvfr/react-dsfr/Alert.js";
import { Button } from "@codegouvfr/react-dsfr/Button.js";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { MIN_PASSWORD_LENGTH } from "../../contracts/account.js";
import { acceptInvitation, getInvitation } from "../../contracts/members.js";
import { call, setCsrfToken } from "../api/client.js";
import { adoptSession, homePath, type SessionUser } from "../auth/session.js";
import { ErrorState, Loading } from "../components/States.js";
import { PasswordField } from "../components/CredentialFields.js";
import { TextField } from "../components/TextField.js";

export function InvitationPage({ user }: { user: SessionUser | null }) {
  const { token = "" } = useParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const invitation = useQuery({ queryKey: ["invitation", token], queryFn: () => call(getInvitation, { params: { token } }), retry: false });
  const accept = useMutation({
    mutationFn: (body: { displayName?: string; password?: string }) => call(acceptInvitation, { params: { token }, body }),
    onSuccess: (session) => {
      setCsrfToken(session.csrfToken);
      adoptSession(client, session.user);
      navigate(homePath(session.user), { replace: true });
    },
  });
  const [displayName, setDisplayName] = useState("");
  const [password, setPassword] = useState("");
  const passwordError = password !== "" && password.length < MIN_PASSWORD_LENGTH ? `Au moins ${MIN_PASSWORD_LENGTH} caractères.` : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (user) accept.mutate({});
    else if (displayName.trim().length >= 2 && password.length >= MIN_PASSWORD_LENGTH)
      accept.mutate({ displayName: displayName.trim(), password });
  };

  if (invitation.isPending) return <Loading />;
  if (invitation.isError) return <ErrorState error={invitation.error} />;
  const inv = invitation.data;
  return (
    <div className="fr-grid-row fr-grid-row--center">
      <div className="fr-col-12 fr-col-md-8">
        <h1>Invitation à rejoindre « {inv.structureName} »</h1>
        <p>
          Cette invitation est adressée à <strong>{inv.email}</strong>
          {inv.isAdmin ? ", comme administrateur ou administratrice de la structure" : ""}. Elle expire le{" "}
          {new Intl.DateTimeFormat("fr-FR", { dateStyle: "long", timeStyle: "short" }).format(new Date(inv.expiresAt))}.
        </p>
        {accept.isError && (
          <Alert severity="error" title="Invitation non acceptée" description={accept.error.message} className="fr-mb-3w" />
        )}
        {!user && inv.accountExists ? (
          <p>
            Un compte existe déjà pour cette adresse : <Link to="/connexion">connectez-vous</Link>, puis ouvrez de nouveau le lien reçu par
            e-mail.
          </p>
        ) : (
          <form onSubmit={submit} aria-label="Accepter l'invitation">
            {!user && (
              <>
                <TextField label="Nom affiché" name="displayName" autoComplete="name" value={displayName} onChange={setDisplayName} />
                <PasswordField
                  purpose="new"
                  hint={`Au moins ${MIN_PASSWORD_LENGTH} caractères.`}
                  error={passwordError}
                  value={password}
                  onChange={setPassword}
                />
              </>
            )}
            <Button type="submit" disabled={accept.isPending}>
              {user ? "Rejoindre la structure" : "Créer mon compte et rejoindre la structure"}
            </Button>
          </form>
        )}
      </div>
    </div>
  );
}
