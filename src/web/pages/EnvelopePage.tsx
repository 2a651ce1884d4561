// In-year steering of a département: the envelope at a date of the year and its year-end forecast, from
// GET /api/v1/steering/departements/{code}/envelope (same figures as `passerelle envelope`, docs/steering.md).
// Year and date are in the URL (?annee=&date=) so that the page can be shared.
import { Badge } from "@codegouvfr/react-dsfr/Badge.js";
import { Input } from "@codegouvfr/react-dsfr/Input.js";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link, Navigate, useNavigate, useParams, useSearchParams } from "react-router-dom";
import { type Envelope, getDepartementEnvelope, getStructureEnvelope } from "../../contracts/steering.js";
import { call } from "../api/client.js";
import { useCalendar } from "../api/useCalendar.js";
import type { SessionUser } from "../auth/session.js";
import { FrenchDateInput } from "../components/FrenchDateInput.js";
import { ErrorState, Loading } from "../components/States.js";
import { formatDate, formatEtp, formatEuros, formatRate } from "../format.js";
import { RedeploymentSection } from "./RedeploymentSection.js";
import { UrlYearSelect } from "../components/YearSelect.js";
import { num } from "../components/TableHead.js";
import { DataTable } from "../components/DataTable.js";
import { FigureTile } from "../components/KpiTile.js";

/** /pilotage: a DDETS goes to its own département; the DGEFP and the DREETS choose one. */
export function EnvelopeHomePage({ user }: { user: SessionUser }) {
  const navigate = useNavigate();
  const [code, setCode] = useState("");
  if (user.departementCode) return <Navigate to={`/departement/${user.departementCode}/pilotage`} replace />;
  return (
    <>
      <h1>Pilotage de l'enveloppe</h1>
      <form
        className="fr-mb-4w"
        onSubmit={(e) => {
          e.preventDefault();
          if (code.trim()) navigate(`/departement/${encodeURIComponent(code.trim().toUpperCase())}/pilotage`);
        }}
      >
        <Input
          label="Département (code INSEE, ex. 62)"
          nativeInputProps={{ value: code, onChange: (e) => setCode(e.target.value), name: "departement" }}
        />
        <button type="submit" className="fr-btn">
          Afficher l'enveloppe
        </button>
      </form>
    </>
  );
}

/** Who may redeploy: the State agents (the API checks the département). */
const STATE_AGENTS: readonly string[] = ["departemental", "regional", "national", "admin"];

const ALERT_LABEL = { under: "Sous 90 %", over: "Au-dessus de 105 %" } as const;

export function EnvelopePage({ user }: { user: SessionUser }) {
  const { code = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const calendar = useCalendar();
  const today = calendar.data?.today ?? "";
  const currentYear = Number(today.slice(0, 4) || 0);
  const year = Number(params.get("annee") ?? calendar.data?.latestYear ?? currentYear);
  const at = params.get("date") ?? (today.startsWith(`${year}-`) ? today : `${year}-12-31`);
  const ready = calendar.isSuccess || calendar.isError;
  const [draftDate, setDraftDate] = useState<string | null>(null);
  const data = useQuery({
    enabled: ready && year > 0,
    queryKey: ["envelope", code, year, at],
    queryFn: () => call(getDepartementEnvelope, { params: { departement: code }, query: { year, at } }),
  });
  const years = Array.from({ length: Math.max(6, currentYear - 2014) }, (_, i) => currentYear - i);
  const set = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) next.delete(k);
      else next.set(k, v);
    }
    setParams(next);
  };
  const d = data.data;
  return (
    <>
      <h1>Pilotage de l'enveloppe</h1>
      <p className="fr-text--lg">{d ? d.scope : `Département ${code}`}</p>
      <div className="filters fr-mb-4w">
        <UrlYearSelect years={years} value={year} resets={["date"]} />
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (draftDate?.startsWith(`${year}-`)) set({ date: draftDate });
          }}
        >
          <FrenchDateInput
            label="Situation au"
            name="date"
            min={`${year}-01-01`}
            value={draftDate ?? at}
            onChange={(iso) => setDraftDate(iso)}
          />
          <p className="fr-hint-text">Seuls les mois déclarés jusqu'à cette date sont lus.</p>
          <button type="submit" className="fr-btn fr-btn--secondary fr-btn--sm">
            Recalculer
          </button>
        </form>
      </div>
      {(data.isPending || !ready) && <Loading label="Calcul de l'enveloppe et de la projection…" />}
      {data.isError && <ErrorState error={data.error} />}
      {d && <EnvelopeFigures d={d} />}
      {d && STATE_AGENTS.includes(user.role) && <RedeploymentSection code={code} year={year} at={at} />}
    </>
  );
}

/** A SIAE's own envelope: /structures/{id}/pilotage (its members, and the agents of its territory). */
export function StructureEnvelopePage() {
  const { structureId = "" } = useParams();
  const [params] = useSearchParams();
  const calendar = useCalendar();
  const today = calendar.data?.today ?? "";
  const year = Number(params.get("annee") ?? calendar.data?.latestYear ?? today.slice(0, 4));
  const at = params.get("date") ?? (today.startsWith(`${year}-`) ? today : `${year}-12-31`);
  const ready = calendar.isSuccess || calendar.isError;
  const data = useQuery({
    enabled: ready && year > 0,
    queryKey: ["structure-envelope", structureId, year, at],
    queryFn: () => call(getStructureEnvelope, { params: { structureId: Number(structureId) }, query: { year, at } }),
  });
  const currentYear = Number(today.slice(0, 4) || 0);
  const years = Array.from({ length: Math.max(6, currentYear - 2014) }, (_, i) => currentYear - i);
  const d = data.data;
  return (
    <>
      <h1>Réalisation et projection de l'année</h1>
      <p className="fr-text--lg">{d?.structures[0]?.name ?? d?.scope ?? ""}</p>
      <div className="filters fr-mb-4w">
        <UrlYearSelect years={years} value={year} resets={["date"]} />
      </div>
      {(data.isPending || !ready) && <Loading label="Calcul de la projection…" />}
      {data.isError && <ErrorState error={data.error} />}
      {d && <EnvelopeFigures d={d} />}
    </>
  );
}

function EnvelopeFigures({ d }: { d: Envelope }) {
  return (
    <>
      <h2 className="fr-h4">Situation au {formatDate(d.at)}</h2>
      <div className="kpi-grid" data-testid="envelope-tiles">
        {[
          { testId: "env-conventionnes", label: "ETP conventionnés", value: formatEtp(d.etp.conventionnes) },
          { testId: "env-realises", label: "ETP réalisés à date", value: formatEtp(d.etp.realisesToDate) },
          {
            testId: "env-projected",
            label: "ETP réalisés projetés en fin d'année",
            value: formatEtp(d.etp.projectedYearEnd),
            note: `Intervalle : ${formatEtp(d.etp.projectedInterval.low)} à ${formatEtp(d.etp.projectedInterval.high)}`,
          },
          { testId: "env-rate", label: "Taux de réalisation projeté", value: formatRate(d.etp.projectedRate) },
          { testId: "env-paid", label: "Aide au poste versée à date", value: formatEuros(d.budget.paidToDate) },
          {
            testId: "env-unused",
            label: "Montant non consommé projeté",
            value: formatEuros(d.budget.projectedUnused),
            note: `Sur ${formatEuros(d.budget.conventionne)} conventionnés ; projeté ${formatEuros(d.budget.projectedYearEnd)}`,
          },
        ].map((tile) => (
          <FigureTile key={tile.testId} {...tile} />
        ))}
      </div>
      <p className="fr-mt-2w">
        Projection : mois déclarés jusqu'à la date choisie, prolongés par le profil mensuel propre à chaque structure sur ses années
        précédentes. Alertes : taux projeté sous 90 % ou au-dessus de 105 % ({d.alerts.under} sous 90 %, {d.alerts.over} au-dessus de 105
        %).
      </p>
      <h2 className="fr-h4 fr-mt-6w">Lignes de financement</h2>
      <p>
        Montants des annexes financières répartis au prorata de leurs lignes de financement ; la projection de chaque annexe est répartie au
        prorata du montant conventionné de chaque ligne.
      </p>
      <DataTable
        caption={`Aide au poste par ligne de financement au ${formatDate(d.at)}`}
        testId="envelope-funding-lines"
        columns={[
          "Ligne de financement",
          num("Conventionné"),
          num("Versé à date"),
          num("Projeté en fin d'année"),
          num("Non consommé projeté"),
        ]}
      >
        {d.fundingLines.map((l) => (
          <tr key={l.code} data-funding-line={l.code}>
            <td>{l.label}</td>
            <td className="numeric">{formatEuros(l.conventionne)}</td>
            <td className="numeric">{formatEuros(l.paidToDate)}</td>
            <td className="numeric">{formatEuros(l.projectedYearEnd)}</td>
            <td className="numeric">{formatEuros(l.projectedUnused)}</td>
          </tr>
        ))}
      </DataTable>
      <h2 className="fr-h4 fr-mt-6w">Structures</h2>
      <DataTable
        caption={`Projection par structure au ${formatDate(d.at)}`}
        testId="envelope-structures"
        columns={[
          "Structure",
          "Type",
          num("ETP conventionnés"),
          num("ETP réalisés à date"),
          num("Projection (intervalle)"),
          num("Taux projeté"),
          "Alerte",
          num("Versé à date"),
          num("Aide au poste conventionnée, par ligne"),
        ]}
      >
        {d.structures.map((s) => (
          <tr key={s.structureId} data-structure-id={s.structureId}>
            <td>
              <Link to={`/structures/${s.structureId}`}>{s.name}</Link>
            </td>
            <td>{s.kind}</td>
            <td className="numeric">{formatEtp(s.etpConventionnes)}</td>
            <td className="numeric">{formatEtp(s.etpRealisesToDate)}</td>
            <td className="numeric">
              {formatEtp(s.projectedYearEnd)} ({formatEtp(s.projectedInterval.low)} – {formatEtp(s.projectedInterval.high)})
            </td>
            <td className="numeric">{formatRate(s.projectedRate)}</td>
            <td>
              {s.alert ? (
                <Badge severity={s.alert === "under" ? "warning" : "info"} small noIcon>
                  {ALERT_LABEL[s.alert]}
                </Badge>
              ) : (
                "—"
              )}
            </td>
            <td className="numeric">{formatEuros(s.paidToDate)}</td>
            <td className="numeric" data-testid="structure-funding">
              {formatEuros(s.conventionne)}
              {s.fundingLines
                .filter((l) => l.conventionne !== 0)
                .map((l) => (
                  <span key={l.code} className="fr-text--xs fr-mb-0" style={{ display: "block" }} data-funding-line={l.code}>
                    {l.label} : {formatEuros(l.conventionne)}
                  </span>
                ))}
            </td>
          </tr>
        ))}
      </DataTable>
    </>
  );
}
