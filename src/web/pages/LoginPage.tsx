// Login with email + password (POST /api/v1/auth/login); fields validated as you type.
import { Alert } from "@codegouvfr/react-dsfr/Alert.js";
import { Button } from "@codegouvfr/react-dsfr/Button.js";
import { Input } from "@codegouvfr/react-dsfr/Input.js";
import { type FormEvent, useState } from "react";
import { useNavigate } from "react-router-dom";
import { homePath, useLogin } from "../auth/session.js";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function emailError(value: string): string | null {
  if (value.trim() === "") return "Saisissez votre adresse électronique.";
  if (!EMAIL.test(value.trim())) return "Format attendu : nom@domaine.fr";
  return null;
}

export function LoginPage() {
  const navigate = useNavigate();
  const login = useLogin();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [touched, setTouched] = useState({ email: false, password: false });
  const eError = touched.email ? emailError(email) : null;
  const pError = touched.password && password === "" ? "Saisissez votre mot de passe." : null;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setTouched({ email: true, password: true });
    // Keyboard: the focus goes to the first field to correct.
    if (emailError(email)) event.currentTarget.querySelector<HTMLInputElement>('input[name="email"]')?.focus();
    else if (password === "") event.currentTarget.querySelector<HTMLInputElement>('input[name="password"]')?.focus();
    if (emailError(email) || password === "") return;
    login.mutate(
      { email: email.trim().toLowerCase(), password },
      { onSuccess: (user) => navigate(homePath(user), { replace: true }) },
    );
  };

  return (
    <div className="fr-grid-row fr-grid-row--center">
      <div className="fr-col-12 fr-col-md-6">
        <h1>Connexion à Passerelle</h1>
        <form onSubmit={submit} noValidate aria-label="Connexion">
          {login.isError && (
            <Alert
              severity="error"
              title="Connexion impossible"
              description={login.error.message}
              className="fr-mb-3w"
            />
          )}
          <Input
            label="Adresse électronique"
            state={eError ? "error" : "default"}
            stateRelatedMessage={eError ?? undefined}
            nativeInputProps={{
              type: "email",
              name: "email",
              autoComplete: "username",
              value: email,
              onChange: (e) => {
                setEmail(e.target.value);
                setTouched((t) => ({ ...t, email: true }));
              },
            }}
          />
          <Input
            label="Mot de passe"
            state={pError ? "error" : "default"}
            stateRelatedMessage={pError ?? undefined}
            nativeInputProps={{
              type: "password",
              name: "password",
              autoComplete: "current-password",
              value: password,
              onChange: (e) => {
                setPassword(e.target.value);
                setTouched((t) => ({ ...t, password: true }));
              },
            }}
          />
          <Button type="submit" disabled={login.isPending}>
            {login.isPending ? "Connexion…" : "Se connecter"}
          </Button>
        </form>
      </div>
    </div>
  );
}
