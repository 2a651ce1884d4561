import { Link } from "react-router-dom";

export function NotFoundPage() {
  return (
    <>
      <h1>Page introuvable</h1>
      <p>L'adresse demandée n'existe pas.</p>
      <Link to="/" className="fr-link">
        Retour à l'accueil
      </Link>
    </>
  );
}
