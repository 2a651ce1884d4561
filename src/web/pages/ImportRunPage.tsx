// One past import: who ran it, when, which file, its counts, and its rejection report.
import { useQuery } from "@tanstack/react-query";
import { Link, useParams } from "react-router-dom";
import { getImportRun } from "../../contracts/imports.js";
import { call } from "../api/client.js";
import { ImportRejections } from "../components/ImportRejections.js";
import { ErrorState, Loading } from "../components/States.js";
import { formatInt } from "../format.js";
import { formatDateTime, formatLabel, STATUS_LABELS } from "./ImportPage.js";

export function ImportRunPage() {
  const id = Number(useParams().importRunId);
  const run = useQuery({
    queryKey: ["import-run", id],
    queryFn: () => call(getImportRun, { params: { importRunId: id } }),
    enabled: Number.isInteger(id) && id > 0,
  });
  return (
    <>
      <p>
        <Link to="/imports" className="fr-link fr-icon-arrow-left-line fr-link--icon-left">
          Retour aux imports
        </Link>
      </p>
      <h1>Import n° {Number.isInteger(id) ? id : "?"}</h1>
      {run.isPending && <Loading />}
      {run.isError && <ErrorState error={run.error} />}
      {run.data && (
        <>
          <dl
            style={{ display: "grid", gridTemplateColumns: "max-content 1fr", columnGap: "1.5rem", rowGap: "0.25rem" }}
            className="fr-mb-4w"
          >
            <dt>Fichier</dt>
            <dd>{run.data.source}</dd>
            <dt>Format</dt>
            <dd>{formatLabel(run.data.format)}</dd>
            <dt>Lancé par</dt>
            <dd>{run.data.userName ?? "Ligne de commande"}</dd>
            <dt>Début</dt>
            <dd>{formatDateTime(run.data.startedAt)}</dd>
            <dt>État</dt>
            <dd>{STATUS_LABELS[run.data.status] ?? run.data.status}</dd>
            <dt>Lignes lues</dt>
            <dd>{formatInt(run.data.rowsRead)}</dd>
            <dt>Insérées / mises à jour / inchangées</dt>
            <dd>
              {formatInt(run.data.inserted)} / {formatInt(run.data.updated)} / {formatInt(run.data.unchanged)}
            </dd>
            <dt>Rejetées</dt>
            <dd>{formatInt(run.data.rejected)}</dd>
            {run.data.error && (
              <>
                <dt>Erreur</dt>
                <dd>{run.data.error}</dd>
              </>
            )}
          </dl>
          <ImportRejections importRunId={run.data.id} />
        </>
      )}
    </>
  );
}
