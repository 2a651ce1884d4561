// Login with email + password (POST /api/v1/auth/login); fields validated as you type. When the account
// has a second factor, a second step asks for its code; when its role requires one it does not have yet,
// that step first shows the secret to add to an authenticator app, then the recovery codes (once).
import { Alert } from "@codegouvfr/react-dsfr/Alert.js";
import { Button } from "@codegouvfr/react-dsfr/Button.js";
import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useNavigate } from "react-router-dom";
import type { SecondFactorChallenge } from "../../contracts/account.js";
import { adoptSession, homePath, type SessionUser, useLogin } from "../auth/session.js";
import { PasswordField, VerificationCodeField } from "../components/CredentialFields.js";
import { EnrolmentSecret, RecoveryCodes } from "../components/SecondFactor.js";
import { TextField } from "../components/TextField.js";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function emailError(value: string): string | null {
  if (value.trim() === "") return "Saisissez votre adresse électronique.";
  if (!EMAIL.test(value.trim())) return "Format attendu : nom@domaine.fr";
  return null;
}

export function LoginPage() {
  const navigate = useNavigate();
  const login = useLogin();
  const client = useQueryClient();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [touched, setTouched] = useState({ email: false, password: false });
  const [challenge, setChallenge] = useState<SecondFactorChallenge | null>(null);
  const [code, setCode] = useState("");
  const [codesToKeep, setCodesToKeep] = useState<{ user: SessionUser; codes: string[] } | null>(null);
  const eError = touched.email ? emailError(email) : null;
  const pError = touched.password && password === "" ? "Saisissez votre mot de passe." : null;
  // Typing in a field marks it touched: its error shows from then on.
  const typing = (field: keyof typeof touched, set: (value: string) => void) => (value: string) => {
    set(value);
    setTouched((t) => ({ ...t, [field]: true }));
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setTouched({ email: true, password: true });
    // Keyboard: the focus goes to the first field to correct.
    if (emailError(email)) event.currentTarget.querySelector<HTMLInputElement>('input[name="email"]')?.focus();
    else if (password === "") event.currentTarget.querySelector<HTMLInputElement>('input[name="password"]')?.focus();
    if (emailError(email) || password === "") return;
    send();
  };

  const send = (withCode?: string) =>
    login.mutate(
      { email: email.trim().toLowerCase(), password, ...(withCode ? { code: withCode } : {}) },
      {
        onSuccess: (outcome) => {
          if (!("user" in outcome)) {
            // Keep the secret shown during an enrolment when a wrong code is retried.
            setChallenge((before) => (outcome.enrolment || !before ? outcome : before));
            setCode("");
            return;
          }
          if (outcome.recoveryCodes.length > 0) setCodesToKeep({ user: outcome.user, codes: outcome.recoveryCodes });
          else navigate(homePath(outcome.user), { replace: true });
        },
      },
    );

  const submitCode = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (code.trim() === "") {
      event.currentTarget.querySelector<HTMLInputElement>('input[name="code"]')?.focus();
      return;
    }
    send(code.trim());
  };

  if (codesToKeep) {
    return (
      <div className="fr-grid-row fr-grid-row--center">
        <div className="fr-col-12 fr-col-md-8">
          <h1>Double authentification activée</h1>
          <RecoveryCodes codes={codesToKeep.codes} />
          <Button
            onClick={() => {
              adoptSession(client, codesToKeep.user);
              navigate(homePath(codesToKeep.user), { replace: true });
            }}
          >
            J'ai noté mes codes de secours, continuer
          </Button>
        </div>
      </div>
    );
  }

  if (challenge) {
    return (
      <div className="fr-grid-row fr-grid-row--center">
        <div className="fr-col-12 fr-col-md-8">
          <h1>{challenge.secondFactor === "enrol" ? "Activer la double authentification" : "Code de vérification"}</h1>
          <form onSubmit={submitCode} noValidate aria-label="Second facteur">
            {login.isError && (
              <Alert severity="error" title="Connexion impossible" description={login.error.message} className="fr-mb-3w" />
            )}
            {challenge.secondFactor === "enrol" && challenge.enrolment && (
              <>
                <p>
                  Votre rôle impose une double authentification. Ajoutez Passerelle à votre application d'authentification, puis saisissez
                  le code qu'elle affiche.
                </p>
                <EnrolmentSecret enrolment={challenge.enrolment} />
              </>
            )}
            <VerificationCodeField value={code} onChange={setCode} recoveryAccepted={challenge.secondFactor !== "enrol"} autoFocus />
            <Button type="submit" disabled={login.isPending}>
              {login.isPending ? "Vérification…" : "Valider"}
            </Button>
          </form>
        </div>
      </div>
    );
  }

  return (
    <div className="fr-grid-row fr-grid-row--center">
      <div className="fr-col-12 fr-col-md-6">
        <h1>Connexion à Passerelle</h1>
        <form onSubmit={submit} noValidate aria-label="Connexion">
          {login.isError && <Alert severity="error" title="Connexion impossible" description={login.error.message} className="fr-mb-3w" />}
          <TextField
            label="Adresse électronique"
            error={eError}
            type="email"
            name="email"
            autoComplete="username"
            value={email}
            onChange={typing("email", setEmail)}
          />
          <PasswordField purpose="current" error={pError} value={password} onChange={typing("password", setPassword)} />
          <Button type="submit" disabled={login.isPending}>
            {login.isPending ? "Connexion…" : "Se connecter"}
          </Button>
        </form>
      </div>
    </div>
  );
}
