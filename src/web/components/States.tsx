// Loading, error and empty states shared by every page.
import { Alert } from "@codegouvfr/react-dsfr/Alert.js";
import { ApiError } from "../api/client.js";

export function Loading({ label = "Chargement…" }: { label?: string }) {
  return (
    <p role="status" aria-live="polite" className="fr-text--sm fr-my-2w">
      <span className="fr-icon-refresh-line fr-mr-1w" aria-hidden="true" />
      {label}
    </p>
  );
}

export function ErrorState({ error }: { error: unknown }) {
  const title = error instanceof ApiError ? error.title : "Erreur";
  const detail = error instanceof Error ? error.message : "Une erreur est survenue.";
  return <Alert severity="error" title={title} description={detail} className="fr-my-2w" />;
}

export function Empty({ children }: { children: string }) {
  return (
    <p className="fr-my-2w fr-text--lg">
      <span className="fr-icon-info-line fr-mr-1w" aria-hidden="true" />
      {children}
    </p>
  );
}
