// Header shared by the département pages of the DDETS year (requests, part modulée, CDIAE pack): the year
// (kept in the URL, ?annee=) and the links between the three pages.
import { Link, useSearchParams } from "react-router-dom";
import { useCalendar } from "../api/useCalendar.js";
import { UrlYearSelect } from "./YearSelect.js";

const PAGES = [
  ["demandes", "Demandes de financement"],
  ["modulation", "Part modulée"],
  ["cdiae", "Dossier du CDIAE"],
] as const;
export type DdetsYearPage = (typeof PAGES)[number][0];

/** The year of the page: ?annee=, else the server's current year shifted by `offset`. */
export function useDdetsYear(offset = 0): { year: number; ready: boolean } {
  const [params] = useSearchParams();
  const calendar = useCalendar();
  const current = Number(calendar.data?.today.slice(0, 4) ?? 0);
  const fromUrl = Number(params.get("annee"));
  if (fromUrl) return { year: fromUrl, ready: true };
  return { year: current + offset, ready: current > 0 };
}

export function DdetsYearHeader({ code, year, page, title }: { code: string; year: number; page: DdetsYearPage; title: string }) {
  const calendar = useCalendar();
  const current = Number(calendar.data?.today.slice(0, 4) ?? year);
  const years = Array.from({ length: 8 }, (_, i) => current + 1 - i);
  if (!years.includes(year)) years.unshift(year);
  return (
    <>
      <h1>
        {title} — département {code}, {year}
      </h1>
      <nav aria-label="L'année de la DDETS" className="fr-mb-2w">
        <ul className="fr-btns-group fr-btns-group--inline-sm">
          {PAGES.map(([p, label]) => (
            <li key={p}>
              <Link
                to={`/departement/${code}/${p}?annee=${year}`}
                className={`fr-btn fr-btn--sm ${p === page ? "" : "fr-btn--tertiary"}`}
                aria-current={p === page ? "page" : undefined}
              >
                {label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className="filters fr-mb-3w">
        <UrlYearSelect years={years} value={year} />
      </div>
    </>
  );
}
