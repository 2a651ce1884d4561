// Running a background job from a page and following it: the start request answers with the job (202),
// then the job is polled every half second until it ends. One hook (useJob) for every kind of job — imports
// (their own routes, with the upload before) and the jobs producing a file (/api/v1/jobs: annual report,
// fiches salarié) — and one progress block (ProgressStatus: status text read by screen readers, DSFR-styled
// progress bar), then, for a file, the download link or the failure (FileJobOutcome).
import { Alert } from "@codegouvfr/react-dsfr/Alert.js";
import { type ReactNode, useCallback, useEffect, useRef, useState } from "react";
import { getJob, type JobView } from "../../contracts/jobs.js";
import { call } from "../api/client.js";
import { ErrorState } from "./States.js";

const POLL_MS = 500;

export type JobState<J> =
  | { kind: "idle" }
  | { kind: "starting" }
  | { kind: "running"; job: J }
  | { kind: "done"; job: J }
  | { kind: "error"; error: unknown };

/**
 * `start(request)` runs the request that creates the job, then polls `read(id)` while `running(job)`.
 * `onDone` runs once the job has ended (refresh what it changed). Leaving the page stops the polling,
 * not the job.
 */
export function useJob<J extends { id: string }>(options: {
  read: (id: string) => Promise<J>;
  running: (job: J) => boolean;
  onDone?: (job: J) => void;
}): { state: JobState<J>; busy: boolean; start: (request: () => Promise<J>) => Promise<void> } {
  const [state, setState] = useState<JobState<J>>({ kind: "idle" });
  // The latest callbacks, without restarting the polling when a page passes new closures.
  const latest = useRef(options);
  latest.current = options;
  const runningId = state.kind === "running" ? state.job.id : null;

  useEffect(() => {
    if (!runningId) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout>;
    const tick = async () => {
      try {
        const job = await latest.current.read(runningId);
        if (cancelled) return;
        if (latest.current.running(job)) {
          setState({ kind: "running", job });
          timer = setTimeout(tick, POLL_MS);
        } else {
          setState({ kind: "done", job });
          latest.current.onDone?.(job);
        }
      } catch (error) {
        if (!cancelled) setState({ kind: "error", error });
      }
    };
    timer = setTimeout(tick, POLL_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [runningId]);

  const start = useCallback(async (request: () => Promise<J>) => {
    setState({ kind: "starting" });
    try {
      const job = await request();
      if (latest.current.running(job)) setState({ kind: "running", job });
      else {
        setState({ kind: "done", job });
        latest.current.onDone?.(job);
      }
    } catch (error) {
      setState({ kind: "error", error });
    }
  }, []);

  return { state, busy: state.kind === "starting" || state.kind === "running", start };
}

/** The progress of something running: a status line announced politely, and the bar (indeterminate without max). */
export function ProgressStatus({ label, value, max, testId }: { label: string; value?: number; max?: number; testId: string }) {
  return (
    <div className="fr-my-3w" data-testid={testId}>
      <p role="status" aria-live="polite" className="fr-mb-1w">
        {label}
      </p>
      <progress value={value} max={max} aria-label={label} style={{ width: "100%", maxWidth: "40rem" }} />
    </div>
  );
}

const isRunning = (job: JobView) => job.status === "queued" || job.status === "running";

/** useJob for the jobs of /api/v1/jobs (a file to download at the end). */
export function useFileJob(onDone?: (job: JobView) => void) {
  return useJob<JobView>({ read: (id) => call(getJob, { params: { jobId: id } }), running: isRunning, ...(onDone ? { onDone } : {}) });
}

const sizeFormat = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });
function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} octets`;
  if (bytes < 1024 * 1024) return `${sizeFormat.format(bytes / 1024)} Ko`;
  return `${sizeFormat.format(bytes / (1024 * 1024))} Mo`;
}

/**
 * A job producing a file, once started: its progress while queued or running, then the download link
 * (and `done`, what the page adds), or the failure as the server words it.
 */
export function FileJobStatus({ state, testId, done }: { state: JobState<JobView>; testId: string; done?: (job: JobView) => ReactNode }) {
  if (state.kind === "idle") return null;
  if (state.kind === "error") return <ErrorState error={state.error} />;
  if (state.kind === "starting") return <ProgressStatus label="Lancement de la tâche…" testId={`${testId}-progress`} />;
  const { job } = state;
  if (state.kind === "running") {
    const { step, done, total } = job.progress;
    const percent = total > 0 ? ` (${Math.floor((Math.min(done, total) / total) * 100)} %)` : "";
    return (
      <ProgressStatus label={`${job.label} : ${step ?? "démarrage"}${percent}`} value={done} max={total} testId={`${testId}-progress`} />
    );
  }
  // The progress line (a live region) is replaced by the outcome: announced in its turn, a failure at once.
  if (job.status === "failed" || !job.result) {
    return (
      <div role="alert">
        <Alert
          severity="error"
          className="fr-my-3w"
          title={job.error?.title ?? "Échec de la tâche"}
          description={<span data-testid={`${testId}-failed`}>{job.error?.detail ?? "Aucun fichier n'a été produit."}</span>}
        />
      </div>
    );
  }
  const file = job.result;
  return (
    <div role="status">
      <Alert
        severity="success"
        className="fr-my-3w"
        title={`${job.label} : prêt`}
        description={
          <span data-testid={`${testId}-done`}>
            {done?.(job)}
            <a className="fr-link fr-icon-download-line fr-link--icon-left" href={file.url} download={file.fileName}>
              Télécharger {file.fileName} ({fileSize(file.size)})
            </a>
          </span>
        }
      />
    </div>
  );
}
