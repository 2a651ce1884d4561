// Pieces of the second-factor screens (login step, account page): the secret to add to an authenticator
// app, shown as text (the otpauth:// link opens the app on a phone; the secret can be typed by hand), and
// the recovery codes, shown once.
import { Alert } from "@codegouvfr/react-dsfr/Alert.js";
import type { z } from "zod";
import type { Enrolment } from "../../contracts/account.js";

/** The secret in groups of four, easier to type. */
const grouped = (secret: string) => secret.replace(/(.{4})/g, "$1 ").trim();

export function EnrolmentSecret({ enrolment }: { enrolment: z.infer<typeof Enrolment> }) {
  return (
    <div className="fr-mb-3w">
      <p className="fr-mb-1w">
        Dans votre application d'authentification (par exemple FreeOTP, Aegis ou celle de votre téléphone), ajoutez un compte avec cette clé
        :
      </p>
      <p className="fr-text--lg fr-mb-1w">
        <code data-testid="totp-secret">{grouped(enrolment.secret)}</code>
      </p>
      <p className="fr-text--sm">
        Sur un téléphone, ce lien ouvre l'application directement : <a href={enrolment.otpauthUri}>ajouter Passerelle à mon application</a>.
        <br />
        Adresse à copier dans un générateur de QR code si votre application le demande :{" "}
        <code className="fr-text--xs">{enrolment.otpauthUri}</code>
      </p>
    </div>
  );
}

export function RecoveryCodes({ codes }: { codes: readonly string[] }) {
  return (
    <>
      <Alert
        severity="warning"
        title="Notez ces codes de secours maintenant"
        description="Ils ne seront plus jamais affichés. Chacun remplace une fois le code de votre application, si vous la perdez."
        className="fr-mb-3w"
      />
      <ul className="fr-mb-3w" aria-label="Codes de secours" data-testid="recovery-codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ul>
    </>
  );
}
