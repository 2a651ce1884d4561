// Breadcrumb of the AF pages: Structures › structure › (AF) › current page.
import { Link } from "react-router-dom";

export function AnnexeBreadcrumb({
  structure,
  annex,
  current,
}: {
  structure: { id: number; name: string };
  annex?: { id: number; number: string };
  current: { label: string; href: string };
}) {
  return (
    <nav className="fr-breadcrumb" aria-label="vous êtes ici :">
      <ol className="fr-breadcrumb__list">
        <li>
          <Link className="fr-breadcrumb__link" to="/structures">
            Structures
          </Link>
        </li>
        <li>
          <Link className="fr-breadcrumb__link" to={`/structures/${structure.id}`}>
            {structure.name}
          </Link>
        </li>
        {annex && (
          <li>
            <Link className="fr-breadcrumb__link" to={`/structures/${structure.id}/annexes/${annex.id}`}>
              Annexe {annex.number}
            </Link>
          </li>
        )}
        <li>
          <a className="fr-breadcrumb__link" aria-current="page" href={current.href}>
            {current.label}
          </a>
        </li>
      </ol>
    </nav>
  );
}
