// The fields of the sign-in, invitation and account pages: the password (the current one to sign in or confirm,
// a new one to create an account, so that password managers fill or propose it) and the authenticator code.
import { TextField } from "./TextField.js";

export function PasswordField({
  purpose,
  value,
  onChange,
  hint,
  error,
}: {
  purpose: "current" | "new";
  value: string;
  onChange: (value: string) => void;
  hint?: string;
  error?: string | null;
}) {
  return (
    <TextField
      label="Mot de passe"
      hint={hint}
      error={error}
      type="password"
      name="password"
      autoComplete={purpose === "new" ? "new-password" : "current-password"}
      value={value}
      onChange={onChange}
    />
  );
}

/** The 6 digits of the authenticator app; at sign-in a recovery code (letters too) is accepted as well. */
export function VerificationCodeField({
  value,
  onChange,
  recoveryAccepted = false,
  autoFocus = false,
}: {
  value: string;
  onChange: (value: string) => void;
  recoveryAccepted?: boolean;
  autoFocus?: boolean;
}) {
  return (
    <TextField
      label="Code de vérification"
      hint={
        recoveryAccepted
          ? "Les 6 chiffres affichés par votre application, ou un code de secours."
          : "Les 6 chiffres affichés par votre application."
      }
      name="code"
      inputMode={recoveryAccepted ? "text" : "numeric"}
      autoComplete="one-time-code"
      autoFocus={autoFocus}
      value={value}
      onChange={onChange}
    />
  );
}
