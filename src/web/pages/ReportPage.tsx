// Annual report page: choose a département (within the user's territory) and a year
// (?departement=62&annee=2019, shareable), preview the report's HTML in the page (loading state: a few
// seconds to build), download it as PDF, CSV (zip of tables) or XLSX, each produced by the job queue
// (progress, then the link: components/JobProgress.tsx).
import { Button } from "@codegouvfr/react-dsfr/Button.js";
import { Select } from "@codegouvfr/react-dsfr/Select.js";
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { useSearchParams } from "react-router-dom";
import { listDepartements } from "../../contracts/referentials.js";
import { enqueueAnnualReport, getAnnualReport } from "../../contracts/reports.js";
import { ApiError, call, hrefOf } from "../api/client.js";
import { useCalendar } from "../api/useCalendar.js";
import type { SessionUser } from "../auth/session.js";
import { FileJobStatus, useFileJob } from "../components/JobProgress.js";
import { ErrorState, Loading } from "../components/States.js";
import { YearSelect } from "../components/YearSelect.js";

async function fetchReportHtml(departement: string, year: number): Promise<string> {
  const response = await fetch(hrefOf(getAnnualReport, { query: { departement, year, format: "html" } }), {
    credentials: "same-origin",
    headers: { accept: "text/html" },
  });
  if (!response.ok) {
    let detail = "Le rapport n'a pas pu être produit.";
    let title = `Erreur ${response.status}`;
    try {
      const body = (await response.json()) as { title?: string; detail?: string };
      title = body.title ?? title;
      detail = body.detail ?? detail;
    } catch {
      // not a problem+json body: keep the generic message
    }
    throw new ApiError(response.status, title, detail);
  }
  return response.text();
}

const REPORT_FILES = [
  { format: "pdf", label: "Télécharger en PDF" },
  { format: "csv", label: "Télécharger les tableaux (CSV, zip)" },
  { format: "xlsx", label: "Télécharger en XLSX" },
] as const;

export function ReportPage({ user }: { user: SessionUser }) {
  const [params, setParams] = useSearchParams();
  const calendar = useCalendar();
  // The server's today (the demo's date on a demo database), never the browser's clock.
  const currentYear = Number(calendar.data?.today.slice(0, 4) ?? params.get("annee") ?? 0);
  const year = Number(params.get("annee") ?? calendar.data?.latestYear ?? currentYear);
  const departements = useQuery({
    queryKey: ["departements"],
    queryFn: () => call(listDepartements),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const allowed = useMemo(
    () =>
      (departements.data ?? []).filter(
        (d) =>
          user.role === "national" ||
          user.role === "admin" ||
          (user.role === "regional" && d.regionCode === user.regionCode) ||
          d.code === user.departementCode,
      ),
    [departements.data, user],
  );
  const departement = params.get("departement") ?? user.departementCode ?? allowed[0]?.code ?? "";
  const update = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    next.set(key, value);
    if (!next.has("departement") && departement) next.set("departement", departement);
    if (!next.has("annee")) next.set("annee", String(year));
    setParams(next);
  };
  const ready = (calendar.isSuccess || calendar.isError) && departement !== "";
  const preview = useQuery({
    enabled: ready,
    queryKey: ["report-html", departement, year],
    queryFn: () => fetchReportHtml(departement, year),
    staleTime: 5 * 60_000,
  });
  const years = Array.from({ length: Math.max(8, currentYear - 2014) }, (_, i) => currentYear - i);
  // The files are produced by the job queue (a national PDF takes a while): progress, then the link.
  const reportJob = useFileJob();
  const departementName = allowed.find((d) => d.code === departement)?.name;

  return (
    <>
      <h1>Rapport annuel</h1>
      <p>
        Bilan de l'insertion par l'activité économique d'un département pour une année : chiffres clés, graphiques, tableaux et définitions
        — le même rapport que la commande <code>passerelle report</code>.
      </p>
      <div className="filters fr-mb-3w">
        <Select
          label="Département"
          nativeSelectProps={{ value: departement, onChange: (e) => update("departement", e.target.value), name: "departement" }}
        >
          {!allowed.some((d) => d.code === departement) && departement && <option value={departement}>{departement}</option>}
          {allowed.map((d) => (
            <option key={d.code} value={d.code}>
              {d.code} — {d.name}
            </option>
          ))}
        </Select>
        <YearSelect years={years} value={year} onChange={(value) => update("annee", value)} />
      </div>
      {!departement && departements.isSuccess && (
        <ErrorState
          error={
            new ApiError(
              403,
              "Aucun département",
              "Votre compte n'est rattaché à aucun département : le rapport annuel n'est pas disponible.",
            )
          }
        />
      )}
      {departement && (
        <ul className="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left fr-mb-1w" aria-label="Télécharger le rapport">
          {REPORT_FILES.map(({ format, label }, i) => (
            <li key={format}>
              <Button
                priority={i === 0 ? "primary" : "secondary"}
                iconId="fr-icon-download-line"
                disabled={reportJob.busy}
                onClick={() =>
                  void reportJob.start(() =>
                    call<typeof enqueueAnnualReport, 202>(enqueueAnnualReport, { query: { departement, year, format } }),
                  )
                }
                nativeButtonProps={{ "data-testid": `report-${format}` } as Record<string, string>}
              >
                {label}
              </Button>
            </li>
          ))}
        </ul>
      )}
      <FileJobStatus state={reportJob.state} testId="report-file" />
      {preview.isFetching && <Loading label="Préparation du rapport (quelques secondes)…" />}
      {preview.isError && <ErrorState error={preview.error} />}
      {preview.data && !preview.isFetching && (
        <section aria-labelledby="apercu-rapport">
          <h2 id="apercu-rapport" className="fr-h4">
            Aperçu — {departementName ? `${departementName} (${departement})` : departement}, {year}
          </h2>
          <iframe
            title={`Aperçu du rapport annuel ${year} du département ${departement}`}
            srcDoc={preview.data}
            sandbox=""
            data-testid="report-preview"
            style={{ width: "100%", height: "80vh", border: "1px solid var(--border-default-grey)" }}
          />
        </section>
      )}
    </>
  );
}
