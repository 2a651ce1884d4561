// The CDIAE pack of a département for a year (/departement/{code}/cdiae?annee=&seance=): every request
// filed with the structure's figures of the year before and the DDETS's proposal, totals against the envelope
// notified per funding line and the gap (GET /api/v1/departements/{code}/cdiae, the same model as
// `passerelle cdiae`), the envelope entry, the CDIAE's opinion per request, PDF (agenda + one page per
// structure) and XLSX.
import { Input } from "@codegouvfr/react-dsfr/Input.js";
import { Select } from "@codegouvfr/react-dsfr/Select.js";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router-dom";
import {
  type CdiaePack,
  type CdiaeRequest,
  getCdiaeDocument,
  getCdiaePack,
  setEnvelope,
  stepFinancingRequest,
} from "../../contracts/financing.js";
import { listFundingLines } from "../../contracts/referentials.js";
import { CDIAE_OPINIONS, type CdiaeOpinion } from "../../domain/financing/requestStates.js";
import { call, hrefOf } from "../api/client.js";
import type { SessionUser } from "../auth/session.js";
import { DataTable } from "../components/DataTable.js";
import { DdetsYearHeader, useDdetsYear } from "../components/DdetsYearHeader.js";
import { DocumentDownloads } from "../components/DocumentDownloads.js";
import { FrenchDateInput } from "../components/FrenchDateInput.js";
import { OPINION_LABELS, RequestStateBadge } from "../components/RequestStateBadge.js";
import { REQUEST_FIGURE_COLUMNS, RequestFigureCells } from "../components/RequestFigures.js";
import { Empty, ErrorState, Loading } from "../components/States.js";
import { num } from "../components/TableHead.js";
import { formatDate, formatEtp, formatEuros, formatRate } from "../format.js";

export function CdiaePage({ user }: { user: SessionUser }) {
  const { code = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const { year, ready } = useDdetsYear();
  const session = params.get("seance") ?? "";
  const pack = useQuery({
    enabled: ready,
    queryKey: ["cdiae", code, year, session],
    queryFn: async () =>
      (await call(getCdiaePack, {
        params: { departement: code },
        query: { year, ...(session ? { session } : {}) },
      })) as unknown as CdiaePack,
  });
  const canEdit = user.role === "departemental" || user.role === "admin";
  const doc = (format: "pdf" | "xlsx") =>
    hrefOf(getCdiaeDocument, { params: { departement: code }, query: { year, format, ...(session ? { session } : {}) } });
  const p = pack.data;
  return (
    <>
      <DdetsYearHeader code={code} year={year} page="cdiae" title="Dossier du CDIAE" />
      <div className="filters fr-mb-3w">
        <FrenchDateInput
          label="Date de la séance"
          name="seance"
          value={session}
          onChange={(iso) => {
            if (iso === session) return;
            const next = new URLSearchParams(params);
            if (iso) next.set("seance", iso);
            else next.delete("seance");
            next.set("annee", String(year));
            setParams(next);
          }}
        />
      </div>
      <DocumentDownloads label="Télécharger le dossier" href={doc} testIdPrefix="cdiae" />
      {(pack.isPending || !ready) && <Loading label="Préparation du dossier…" />}
      {pack.isError && <ErrorState error={pack.error} />}
      {p && <EnvelopeTable p={p} />}
      {p && canEdit && <EnvelopeForm code={code} year={year} p={p} />}
      {p && p.requests.length === 0 && <Empty>Aucune demande déposée pour cette année.</Empty>}
      {p && p.requests.length > 0 && <RequestsTable p={p} code={code} year={year} session={session} canEdit={canEdit} />}
    </>
  );
}

function EnvelopeTable({ p }: { p: CdiaePack }) {
  const e = p.envelope;
  const gap = (v: string | null) => (v === null ? "—" : <span className={Number(v) < 0 ? "flag-below" : undefined}>{formatEuros(v)}</span>);
  return (
    <>
      <h2 className="fr-h4">Demandes face à l'enveloppe notifiée</h2>
      <DataTable
        caption={`${p.totals.requests} demandes : ${formatEtp(p.totals.requestedEtp)} ETP demandés, ${formatEtp(p.totals.proposedEtp)} ETP proposés`}
        testId="cdiae-totals"
        columns={["Financeur", num("Enveloppe notifiée"), num("Proposé"), num("Écart (notifié − proposé)")]}
      >
        <tr data-testid="cdiae-row-state">
          <th scope="row">État</th>
          <td className="numeric">{formatEuros(e.notifiedState)}</td>
          <td className="numeric">{formatEuros(p.totals.proposedState)}</td>
          <td className="numeric">{gap(e.gapState)}</td>
        </tr>
        <tr data-testid="cdiae-row-departement">
          <th scope="row">Conseil départemental</th>
          <td className="numeric">{formatEuros(e.notifiedDepartement)}</td>
          <td className="numeric">{formatEuros(p.totals.proposedDepartement)}</td>
          <td className="numeric">{gap(e.gapDepartement)}</td>
        </tr>
        <tr data-testid="cdiae-row-total">
          <th scope="row">Total</th>
          <td className="numeric">{formatEuros(e.notifiedTotal)}</td>
          <td className="numeric">{formatEuros(p.totals.proposedAmount)}</td>
          <td className="numeric">{gap(e.gapTotal)}</td>
        </tr>
      </DataTable>
      {e.lines.length === 0 ? (
        <p className="fr-text--sm">Aucune enveloppe n'est saisie pour cette année : l'écart n'est pas calculé.</p>
      ) : (
        <p className="fr-text--sm">
          Lignes notifiées : {e.lines.map((l) => `${l.label} ${formatEuros(l.notified)}`).join(" ; ")}. Montant décidé à ce jour :{" "}
          {formatEuros(p.totals.decidedAmount)}.
        </p>
      )}
    </>
  );
}

function EnvelopeForm({ code, year, p }: { code: string; year: number; p: CdiaePack }) {
  const client = useQueryClient();
  const lines = useQuery({ queryKey: ["funding-lines"], queryFn: () => call(listFundingLines), staleTime: Number.POSITIVE_INFINITY });
  const [amounts, setAmounts] = useState<Record<string, string>>({});
  useEffect(() => {
    setAmounts(Object.fromEntries(p.envelope.lines.map((l) => [l.code, String(Number(l.notified)).replace(".", ",")])));
  }, [p.envelope.lines]);
  const save = useMutation({
    mutationFn: () =>
      call(setEnvelope, {
        params: { departement: code },
        body: {
          year,
          lines: Object.entries(amounts)
            .filter(([, v]) => v.trim() !== "")
            .map(([c, v]) => ({ code: c, amount: v.replace(/\s/g, "") })),
        },
      }),
    onSuccess: () => client.invalidateQueries({ queryKey: ["cdiae", code, year] }),
  });
  return (
    <details className="fr-mb-4w" data-testid="envelope-form">
      <summary>Saisir l'enveloppe notifiée {year}</summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <div className="filters">
          {(lines.data ?? []).map((l) => (
            <Input
              key={l.code}
              label={`${l.label} (€)`}
              nativeInputProps={{
                value: amounts[l.code] ?? "",
                onChange: (e) => setAmounts({ ...amounts, [l.code]: e.target.value }),
                name: `envelope-${l.code}`,
                inputMode: "decimal",
              }}
            />
          ))}
        </div>
        {save.isError && <ErrorState error={save.error} />}
        <button type="submit" className="fr-btn fr-btn--secondary fr-mt-2w" disabled={save.isPending}>
          Enregistrer l'enveloppe
        </button>
      </form>
    </details>
  );
}

function RequestsTable({
  p,
  code,
  year,
  session,
  canEdit,
}: {
  p: CdiaePack;
  code: string;
  year: number;
  session: string;
  canEdit: boolean;
}) {
  return (
    <>
      <h2 className="fr-h4 fr-mt-4w">Demandes présentées</h2>
      <DataTable
        caption={`Demandes ${year}, chiffres de l'année précédente et proposition de la DDETS`}
        testId="cdiae-requests"
        columns={[
          "Structure",
          "État",
          num("Réalisation N−1"),
          num("Sorties dynamiques N−1"),
          ...REQUEST_FIGURE_COLUMNS,
          num("Part modulée"),
          "Avis du CDIAE",
        ]}
      >
        {p.requests.map((r) => (
          <tr key={r.requestId} data-structure-id={r.structureId}>
            <td>
              <Link to={`/structures/${r.structureId}/demandes/${year}`}>{r.name}</Link> ({r.kind})
            </td>
            <td>
              <RequestStateBadge state={r.state} decision={r.decision} />
            </td>
            <td className="numeric">{formatRate(r.previousYear?.tauxRealisation ?? null)}</td>
            <td className="numeric">{formatRate(r.previousYear?.dynamicRate ?? null)}</td>
            <RequestFigureCells r={r} />
            <td className="numeric">{r.proposedModulationPercent ? `${r.proposedModulationPercent.replace(".", ",")} %` : "—"}</td>
            <td>
              {r.state === "proposee" && canEdit ? (
                <OpinionForm r={r} code={code} year={year} session={session} />
              ) : r.cdiaeOpinion ? (
                `${OPINION_LABELS[r.cdiaeOpinion] ?? r.cdiaeOpinion} (${formatDate(r.cdiaeSessionOn)})`
              ) : (
                "—"
              )}
            </td>
          </tr>
        ))}
      </DataTable>
    </>
  );
}

function OpinionForm({ r, code, year, session }: { r: CdiaeRequest; code: string; year: number; session: string }) {
  const client = useQueryClient();
  const [opinion, setOpinion] = useState<CdiaeOpinion>("favorable");
  const save = useMutation({
    mutationFn: () =>
      call(stepFinancingRequest, {
        params: { structureId: r.structureId },
        body: { year, action: "cdiae", opinion, ...(session ? { sessionOn: session } : {}) },
      }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ["cdiae", code, year] });
      void client.invalidateQueries({ queryKey: ["financing-request", String(r.structureId), year] });
    },
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <Select
        label={`Avis pour ${r.name}`}
        nativeSelectProps={{
          value: opinion,
          onChange: (e) => setOpinion(e.target.value as CdiaeOpinion),
          name: `opinion-${r.structureId}`,
        }}
      >
        {CDIAE_OPINIONS.map((o) => (
          <option key={o} value={o}>
            {OPINION_LABELS[o]}
          </option>
        ))}
      </Select>
      <button type="submit" className="fr-btn fr-btn--sm fr-btn--secondary" disabled={save.isPending}>
        Enregistrer l'avis
      </button>
      {save.isError && <ErrorState error={save.error} />}
    </form>
  );
}
