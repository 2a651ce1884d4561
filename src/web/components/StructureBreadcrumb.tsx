// Breadcrumb of a structure's pages: Structures › structure › (AF) › current page; without a current page, the
// structure's own page is the current one.
import { Link } from "react-router-dom";

export function StructureBreadcrumb({
  structure,
  annex,
  current,
}: {
  structure: { id: number; name: string };
  annex?: { id: number; number: string };
  current?: { label: string; href: string };
}) {
  const structureHref = `/structures/${structure.id}`;
  return (
    <nav className="fr-breadcrumb" aria-label="vous êtes ici :">
      <ol className="fr-breadcrumb__list">
        <li>
          <Link className="fr-breadcrumb__link" to="/structures">
            Structures
          </Link>
        </li>
        <li>
          {current ? (
            <Link className="fr-breadcrumb__link" to={structureHref}>
              {structure.name}
            </Link>
          ) : (
            <a className="fr-breadcrumb__link" aria-current="page" href={structureHref}>
              {structure.name}
            </a>
          )}
        </li>
        {annex && (
          <li>
            <Link className="fr-breadcrumb__link" to={`${structureHref}/annexes/${annex.id}`}>
              Annexe {annex.number}
            </Link>
          </li>
        )}
        {current && (
          <li>
            <a className="fr-breadcrumb__link" aria-current="page" href={current.href}>
              {current.label}
            </a>
          </li>
        )}
      </ol>
    </nav>
  );
}
