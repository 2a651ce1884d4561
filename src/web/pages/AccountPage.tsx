// The logged-in user's account: the second factor (status, enrolment with the secret shown once and a
// first code, recovery codes shown once, removal when the role does not require it).
import { Alert } from "@codegouvfr/react-dsfr/Alert.js";
import { Button } from "@codegouvfr/react-dsfr/Button.js";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { beginMySecondFactor, confirmMySecondFactor, mySecondFactor, removeMySecondFactor } from "../../contracts/account.js";
import { call } from "../api/client.js";
import type { SessionUser } from "../auth/session.js";
import { EnrolmentSecret, RecoveryCodes } from "../components/SecondFactor.js";
import { ErrorState, Loading } from "../components/States.js";
import { PasswordField, VerificationCodeField } from "../components/CredentialFields.js";

export function AccountPage({ user }: { user: SessionUser }) {
  const client = useQueryClient();
  const status = useQuery({ queryKey: ["me", "second-factor"], queryFn: () => call(mySecondFactor) });
  const begin = useMutation({ mutationFn: () => call(beginMySecondFactor) });
  const confirm = useMutation({
    mutationFn: (code: string) => call(confirmMySecondFactor, { body: { code } }),
    onSuccess: () => {
      begin.reset();
      void client.invalidateQueries({ queryKey: ["me", "second-factor"] });
    },
  });
  const remove = useMutation({
    mutationFn: (password: string) => call(removeMySecondFactor, { body: { password } }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["me", "second-factor"] }),
  });
  const [code, setCode] = useState("");
  const [password, setPassword] = useState("");

  const submitCode = (event: FormEvent) => {
    event.preventDefault();
    if (code.trim() !== "") confirm.mutate(code.trim());
  };
  const submitRemove = (event: FormEvent) => {
    event.preventDefault();
    if (password !== "") remove.mutate(password, { onSuccess: () => setPassword("") });
  };

  return (
    <>
      <h1>Mon compte</h1>
      <p>
        {user.displayName} — {user.email}
      </p>
      <h2>Double authentification</h2>
      {status.isPending && <Loading />}
      {status.isError && <ErrorState error={status.error} />}
      {confirm.data && <RecoveryCodes codes={confirm.data.recoveryCodes} />}
      {status.data?.enabled && (
        <>
          <p>
            La double authentification est active : à chaque connexion par mot de passe, Passerelle demande le code de votre application.
            Codes de secours restants : {status.data.recoveryCodesLeft}.
          </p>
          {status.data.required ? (
            <p>Votre rôle l'impose : elle ne peut pas être retirée.</p>
          ) : (
            <form onSubmit={submitRemove} aria-label="Retirer la double authentification">
              {remove.isError && (
                <Alert severity="error" title="Impossible de la retirer" description={remove.error.message} className="fr-mb-2w" />
              )}
              <PasswordField purpose="current" value={password} onChange={setPassword} />
              <Button type="submit" priority="secondary" disabled={remove.isPending}>
                Retirer la double authentification
              </Button>
            </form>
          )}
        </>
      )}
      {status.data && !status.data.enabled && (
        <>
          <p>
            Avec la double authentification, votre mot de passe seul ne suffit plus : la connexion demande aussi un code à 6 chiffres
            affiché par une application sur votre téléphone.
          </p>
          {!begin.data && (
            <Button onClick={() => begin.mutate()} disabled={begin.isPending}>
              Activer la double authentification
            </Button>
          )}
          {begin.isError && <Alert severity="error" title="Activation impossible" description={begin.error.message} className="fr-mb-2w" />}
          {begin.data && (
            <form onSubmit={submitCode} aria-label="Confirmer la double authentification">
              <EnrolmentSecret enrolment={begin.data} />
              {confirm.isError && <Alert severity="error" title="Code refusé" description={confirm.error.message} className="fr-mb-2w" />}
              <VerificationCodeField value={code} onChange={setCode} />
              <Button type="submit" disabled={confirm.isPending}>
                Confirmer
              </Button>
            </form>
          )}
        </>
      )}
    </>
  );
}
