// Pagination under a list (DSFR Pagination), page number kept in the URL (?page=).
import { Pagination } from "@codegouvfr/react-dsfr/Pagination.js";
import { useSearchParams } from "react-router-dom";

export function Pager({ total, pageSize }: { total: number; pageSize: number }) {
  const [params] = useSearchParams();
  const page = Number(params.get("page") ?? 1);
  const count = Math.max(1, Math.ceil(total / pageSize));
  if (count <= 1) return null;
  return (
    <Pagination
      count={count}
      defaultPage={page}
      getPageLinkProps={(n) => {
        const next = new URLSearchParams(params);
        next.set("page", String(n));
        return { to: `?${next.toString()}` };
      }}
      className="fr-mt-2w"
    />
  );
}

/** The export links under a table: one per format, same query as what is shown. */
export function ExportLinks({
  href,
  label = (format) => `Exporter en ${format}`,
  className = "fr-mt-2w",
}: {
  href: (format: "csv" | "xlsx") => string;
  label?: (format: "CSV" | "XLSX") => string;
  className?: string;
}) {
  return (
    <p className={className || undefined}>
      <a className="fr-link fr-icon-download-line fr-link--icon-left fr-mr-3w" href={href("csv")}>
        {label("CSV")}
      </a>
      <a className="fr-link fr-icon-download-line fr-link--icon-left" href={href("xlsx")}>
        {label("XLSX")}
      </a>
    </p>
  );
}

/** Same path with query parameters changed (null removes one); page goes back to 1. */
export function withParams(params: URLSearchParams, changes: Record<string, string | null>): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null || v === "") next.delete(k);
    else next.set(k, v);
  }
  if (!("page" in changes)) next.delete("page");
  return next;
}
