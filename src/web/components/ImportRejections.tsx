// Rejection report of one import: file, line, column, reason (and severity), paginated from the API,
// downloadable as CSV / XLSX.
import { Button } from "@codegouvfr/react-dsfr/Button.js";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { type ImportIssue, listImportRejections } from "../../contracts/imports.js";
import { call, hrefOf } from "../api/client.js";
import { formatInt } from "../format.js";
import { ExportLinks } from "./Pager.js";
import { Empty, ErrorState, Loading } from "./States.js";
import { DataTable } from "./DataTable.js";

const PAGE_SIZE = 20;

export function IssuesTable({ caption, items }: { caption: string; items: (ImportIssue & { severity?: string })[] }) {
  const withSeverity = items.some((i) => i.severity !== undefined);
  return (
    <DataTable
      caption={caption}
      testId="import-rejections"
      className="fr-table--bordered fr-table--no-caption"
      columns={["Fichier", "Ligne", "Colonne", "Motif", ...(withSeverity ? ["Gravité"] : [])]}
    >
      {items.map((r) => (
        <tr key={`${r.file}\u0000${r.line}\u0000${r.column}\u0000${r.reason}\u0000${r.severity ?? ""}`}>
          <td>{r.file}</td>
          <td>{r.line ?? "—"}</td>
          <td>{r.column ?? "—"}</td>
          <td>{r.reason}</td>
          {withSeverity && <td>{r.severity === "warning" ? "Avertissement" : "Rejet"}</td>}
        </tr>
      ))}
    </DataTable>
  );
}

export function ImportRejections({ importRunId }: { importRunId: number }) {
  const [page, setPage] = useState(1);
  const list = useQuery({
    queryKey: ["import-rejections", importRunId, page],
    queryFn: () => call(listImportRejections, { params: { importRunId }, query: { page, pageSize: PAGE_SIZE } }),
    placeholderData: keepPreviousData,
  });
  if (list.isPending) return <Loading label="Chargement du rapport de rejets…" />;
  if (list.isError) return <ErrorState error={list.error} />;
  const { items, total } = list.data;
  if (total === 0) return <Empty>Aucune ligne rejetée ni avertissement.</Empty>;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  return (
    <section aria-labelledby={`rejets-${importRunId}`}>
      <h2 id={`rejets-${importRunId}`} className="fr-h4">
        Rapport de rejets ({formatInt(total)} ligne{total > 1 ? "s" : ""})
      </h2>
      <IssuesTable caption={`Rejets et avertissements — page ${page} sur ${pages}`} items={items} />
      {pages > 1 && (
        <nav aria-label="Pages du rapport de rejets" className="fr-btns-group fr-btns-group--inline-sm">
          <Button priority="secondary" size="small" disabled={page <= 1} onClick={() => setPage(page - 1)}>
            Page précédente
          </Button>
          <span className="fr-mx-2w" aria-live="polite">
            Page {page} sur {pages}
          </span>
          <Button priority="secondary" size="small" disabled={page >= pages} onClick={() => setPage(page + 1)}>
            Page suivante
          </Button>
        </nav>
      )}
      <ExportLinks
        href={(format) => hrefOf(listImportRejections, { params: { importRunId }, query: { format } })}
        label={(format) => `Télécharger le rapport de rejets (${format})`}
      />
    </section>
  );
}
