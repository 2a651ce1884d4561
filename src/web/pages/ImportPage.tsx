// Import page (DDETS / DREETS / DGEFP agents, admins): upload an ASP list of SIAE or a FluxIAE delivery,
// optionally « à blanc » (dry run), follow the upload then the server-side import (components/JobProgress.tsx),
// read the result and the rejection report; history of past imports below.
import { Alert } from "@codegouvfr/react-dsfr/Alert.js";
import { Button } from "@codegouvfr/react-dsfr/Button.js";
import { Checkbox } from "@codegouvfr/react-dsfr/Checkbox.js";
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { Link } from "react-router-dom";
import { getImportJob, type ImportJob, type ImportReport, listImportRuns, uploadImport } from "../../contracts/imports.js";
import { ApiError, call, hrefOf, uploadFile } from "../api/client.js";
import { ImportRejections, IssuesTable } from "../components/ImportRejections.js";
import { type JobState, ProgressStatus, useJob } from "../components/JobProgress.js";
import { Empty, ErrorState, Loading } from "../components/States.js";
import { formatInt } from "../format.js";
import { TableHead } from "../components/TableHead.js";

export const FORMAT_LABELS: Record<string, string> = {
  "asp-liste-siae": "Liste ASP des SIAE",
  fluxiae: "Livraison FluxIAE",
};

export function formatLabel(format: string): string {
  return FORMAT_LABELS[format] ?? (format.startsWith("fluxiae:") ? `FluxIAE (${format.slice(8)})` : format);
}

export const STATUS_LABELS: Record<string, string> = {
  succeeded: "Terminé",
  failed: "Échec",
  dry_run: "À blanc",
  running: "En cours",
};

const dateTime = new Intl.DateTimeFormat("fr-FR", { dateStyle: "short", timeStyle: "short", timeZone: "Europe/Paris" });
export const formatDateTime = (iso: string | null) => (iso ? dateTime.format(new Date(iso)) : "—");

export function ImportPage() {
  const [file, setFile] = useState<File | null>(null);
  const [dryRun, setDryRun] = useState(false);
  const [upload, setUpload] = useState<{ sent: number; total: number }>({ sent: 0, total: 0 });
  const [fileError, setFileError] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const inputId = useId();
  const { state, busy, start } = useJob<ImportJob>({
    read: (jobId) => call(getImportJob, { params: { jobId } }),
    running: (job) => job.status === "running",
    onDone: () => void queryClient.invalidateQueries({ queryKey: ["imports"] }),
  });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) {
      setFileError("Choisissez le fichier à importer.");
      return;
    }
    setUpload({ sent: 0, total: file.size });
    await start(() =>
      uploadFile<ImportJob>(
        hrefOf(uploadImport, { query: { background: "true", dryRun: dryRun ? "true" : "false" } }),
        file,
        (sent, total) => setUpload({ sent, total }),
      ),
    );
  };

  return (
    <>
      <h1>Imports</h1>
      <p>
        Importez une <strong>liste ASP des SIAE conventionnées</strong> (CSV) ou une <strong>livraison FluxIAE</strong> (fichier de vue,
        archive ZIP ou gzip). Le format est reconnu automatiquement ; un import est complet ou n'a pas lieu.
      </p>
      <form onSubmit={submit} noValidate className="fr-mb-4w" aria-label="Importer un fichier">
        <div className={`fr-upload-group fr-mb-2w${fileError ? " fr-input-group--error" : ""}`}>
          <label className="fr-label" htmlFor={inputId}>
            Fichier à importer
            <span className="fr-hint-text">Liste ASP (.csv) ou livraison FluxIAE (.txt, .csv, .zip, .gz)</span>
          </label>
          <input
            id={inputId}
            className="fr-upload"
            type="file"
            name="file"
            accept=".csv,.txt,.zip,.gz,.tar,text/csv,application/zip,application/gzip"
            aria-describedby={fileError ? `${inputId}-error` : undefined}
            disabled={busy}
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setFileError(null);
            }}
          />
          {fileError && (
            <p id={`${inputId}-error`} className="fr-error-text">
              {fileError}
            </p>
          )}
        </div>
        <Checkbox
          options={[
            {
              label: "Import à blanc",
              hintText: "Tout est vérifié et compté comme pour un vrai import, mais rien n'est enregistré.",
              nativeInputProps: { name: "dryRun", checked: dryRun, disabled: busy, onChange: (e) => setDryRun(e.target.checked) },
            },
          ]}
        />
        <Button type="submit" iconId="fr-icon-upload-line" disabled={busy}>
          {dryRun ? "Vérifier le fichier (à blanc)" : "Importer"}
        </Button>
      </form>

      <ImportProgress state={state} upload={upload} />
      {state.kind === "error" && <ErrorState error={state.error} />}
      {state.kind === "error" && state.error instanceof ApiError && state.error.errors.length > 0 && (
        <ul>
          {state.error.errors.map((e) => (
            <li key={`${e.field}-${e.message}`}>
              {e.field} : {e.message}
            </li>
          ))}
        </ul>
      )}
      {state.kind === "done" && <ImportOutcome job={state.job} />}

      <ImportHistory />
    </>
  );
}

function ImportProgress({ state, upload }: { state: JobState<ImportJob>; upload: { sent: number; total: number } }) {
  if (state.kind === "starting") {
    const percent = upload.total > 0 ? Math.floor((upload.sent / upload.total) * 100) : 0;
    return <ProgressStatus label={`Envoi du fichier : ${percent} %`} value={upload.sent} max={upload.total} testId="import-progress" />;
  }
  if (state.kind !== "running") return null;
  const { job } = state;
  const what = job.what ? ` (${job.what})` : "";
  const label =
    job.phase === "detection"
      ? `Fichier ${job.fileName} reçu : import en cours…`
      : job.total
        ? `Import en cours : ${formatInt(job.rowsRead)} / ${formatInt(job.total)} ${job.what ?? "lignes"}`
        : `Import en cours : ${formatInt(job.rowsRead)} lignes lues${what}`;
  return job.total ? (
    <ProgressStatus label={label} value={job.rowsRead} max={job.total} testId="import-progress" />
  ) : (
    <ProgressStatus label={label} testId="import-progress" />
  );
}

function ImportOutcome({ job }: { job: ImportJob }) {
  if (job.status === "failed" || !job.report) {
    return (
      <section className="fr-my-3w" data-testid="import-result">
        <Alert
          severity="error"
          title={job.error?.title ?? "Échec de l'import"}
          description={job.error?.detail ?? "L'import n'a pas abouti ; rien n'a été enregistré."}
        />
        {job.error && job.error.rejections.length > 0 && (
          <IssuesTable caption={`Problèmes empêchant l'import de ${job.fileName}`} items={job.error.rejections} />
        )}
      </section>
    );
  }
  const r = job.report;
  return (
    <section className="fr-my-3w" data-testid="import-result">
      <Alert
        severity={r.rejected > 0 ? "warning" : "success"}
        title={
          r.dryRun
            ? `Import à blanc de ${job.fileName} : rien n'a été enregistré`
            : `Import de ${job.fileName} terminé${r.rejected > 0 ? ` avec ${formatInt(r.rejected)} ligne${r.rejected > 1 ? "s" : ""} rejetée${r.rejected > 1 ? "s" : ""}` : ""}`
        }
        description={summary(r)}
      />
      {r.importRunId !== null && (
        <>
          <div className="fr-mt-3w">
            <ImportRejections importRunId={r.importRunId} />
          </div>
          <p>
            <Link to={`/imports/${r.importRunId}`}>Voir la fiche de cet import</Link>
          </p>
        </>
      )}
    </section>
  );
}

function summary(r: ImportReport): string {
  const verb = r.dryRun ? "seraient " : "";
  return (
    `${formatLabel(r.format)} — ${formatInt(r.rowsRead)} lignes lues : ${formatInt(r.inserted)} ${verb}insérées, ` +
    `${formatInt(r.updated)} ${verb}mises à jour, ${formatInt(r.unchanged)} inchangées, ${formatInt(r.rejected)} rejetées` +
    `${r.warnings.length > 0 ? `, ${formatInt(r.warnings.length)} avertissement${r.warnings.length > 1 ? "s" : ""}` : ""}.`
  );
}

const HISTORY_SIZE = 10;

function ImportHistory() {
  const [page, setPage] = useState(1);
  const history = useQuery({
    queryKey: ["imports", page],
    queryFn: () => call(listImportRuns, { query: { page, pageSize: HISTORY_SIZE } }),
    placeholderData: keepPreviousData,
  });
  const pages = history.data ? Math.max(1, Math.ceil(history.data.total / HISTORY_SIZE)) : 1;
  return (
    <section className="fr-mt-6w" aria-labelledby="historique-imports">
      <h2 id="historique-imports">Historique des imports</h2>
      {history.isPending && <Loading />}
      {history.isError && <ErrorState error={history.error} />}
      {history.data && history.data.items.length === 0 && <Empty>Aucun import pour l'instant.</Empty>}
      {history.data && history.data.items.length > 0 && (
        <>
          <div className="fr-table fr-table--no-caption" data-testid="import-history">
            <table>
              <caption>Imports passés, du plus récent au plus ancien</caption>
              <TableHead
                columns={["Date", "Par", "Fichier", "Format", "État", "Lues", "Insérées", "Mises à jour", "Inchangées", "Rejetées"]}
              />
              <tbody>
                {history.data.items.map((run) => (
                  <tr key={run.id}>
                    <td>
                      <Link to={`/imports/${run.id}`}>{formatDateTime(run.startedAt)}</Link>
                    </td>
                    <td>{run.userName ?? "Ligne de commande"}</td>
                    <td>{run.source}</td>
                    <td>{formatLabel(run.format)}</td>
                    <td>{STATUS_LABELS[run.status] ?? run.status}</td>
                    <td>{formatInt(run.rowsRead)}</td>
                    <td>{formatInt(run.inserted)}</td>
                    <td>{formatInt(run.updated)}</td>
                    <td>{formatInt(run.unchanged)}</td>
                    <td>{formatInt(run.rejected)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {pages > 1 && (
            <nav aria-label="Pages de l'historique" className="fr-btns-group fr-btns-group--inline-sm">
              <Button priority="secondary" size="small" disabled={page <= 1} onClick={() => setPage(page - 1)}>
                Plus récents
              </Button>
              <span className="fr-mx-2w">
                Page {page} sur {pages}
              </span>
              <Button priority="secondary" size="small" disabled={page >= pages} onClick={() => setPage(page + 1)}>
                Plus anciens
              </Button>
            </nav>
          )}
          <p className="fr-mt-2w">
            <a className="fr-link fr-icon-download-line fr-link--icon-left" href={hrefOf(listImportRuns, { query: { format: "csv" } })}>
              Exporter l'historique (CSV)
            </a>
          </p>
        </>
      )}
    </section>
  );
}
