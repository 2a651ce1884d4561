// A structure's page: identity, group, sites, conventions and AF versions (ETP, amounts, funding),
// monthly realisation of a year (chart + table), exits by category (indicators of the structure).
import { Badge } from "@codegouvfr/react-dsfr/Badge.js";
import { Select } from "@codegouvfr/react-dsfr/Select.js";
import { useQuery } from "@tanstack/react-query";
import type { EChartsOption } from "echarts";
import { Link, useParams, useSearchParams } from "react-router-dom";
import { getIndicators } from "../../contracts/indicators.js";
import { FollowUpRatesTable } from "../components/FollowUpRatesTable.js";
import { getRealisation, getStructure, type Realisation } from "../../contracts/structures.js";
import { call } from "../api/client.js";
import { useCalendar } from "../api/useCalendar.js";
import type { SessionUser } from "../auth/session.js";
import { Chart } from "../components/Chart.js";
import { Empty, ErrorState, Loading } from "../components/States.js";
import { formatDate, formatEtp, formatEuros, formatInt, formatRate } from "../format.js";
import { AnnexStateBadge } from "../components/AnnexStateBadge.js";
import { num, TableHead } from "../components/TableHead.js";
import { StructureBreadcrumb } from "../components/StructureBreadcrumb.js";

export function StructurePage({ user }: { user: SessionUser }) {
  const { structureId } = useParams();
  const [params, setParams] = useSearchParams();
  const calendar = useCalendar();
  const year = Number(params.get("year") ?? calendar.data?.latestYear ?? new Date().getFullYear());
  const detail = useQuery({
    queryKey: ["structure", structureId],
    queryFn: () => call(getStructure, { params: { structureId: structureId ?? "" } }),
  });
  const realisation = useQuery({
    enabled: calendar.isSuccess,
    queryKey: ["realisation", structureId, year],
    queryFn: () => call(getRealisation, { params: { structureId: structureId ?? "" }, query: { year } }),
  });
  const indicators = useQuery({
    enabled: calendar.isSuccess,
    queryKey: ["indicators", `structure:${structureId}`, year],
    queryFn: () => call(getIndicators, { query: { scope: `structure:${structureId}`, year } }),
  });
  if (detail.isPending) return <Loading />;
  if (detail.isError) return <ErrorState error={detail.error} />;
  const s = detail.data;
  const canWrite = user.role === "departemental" || user.role === "regional" || user.role === "national" || user.role === "admin";
  const allAnnexes = [...s.conventions.flatMap((c) => c.annexes), ...s.annexesWithoutConvention];
  return (
    <>
      <StructureBreadcrumb structure={s} />
      <h1>
        {s.name} <Badge severity="info">{s.kind}</Badge>
      </h1>
      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-12 fr-col-md-6">
          <h2 className="fr-h5">Identité</h2>
          <dl>
            <dt className="fr-text--bold">SIRET</dt>
            <dd>{s.siret ?? "—"}</dd>
            <dt className="fr-text--bold">Identifiant ASP</dt>
            <dd>{s.aspId ?? "—"}</dd>
            <dt className="fr-text--bold">Adresse</dt>
            <dd>{[s.address, s.postalCode, s.commune].filter(Boolean).join(" ") || "—"}</dd>
            <dt className="fr-text--bold">Département</dt>
            <dd>
              {s.departement} — {s.departementName}
            </dd>
            {s.conventionDepartement !== null && s.conventionDepartement !== s.departement && (
              <>
                <dt className="fr-text--bold">Département de la convention</dt>
                <dd>{s.conventionDepartement} (DDETS signataire de ses annexes financières : ses chiffres y sont comptés)</dd>
              </>
            )}
            <dt className="fr-text--bold">Conventionnée depuis</dt>
            <dd>{formatDate(s.createdOn)}</dd>
          </dl>
        </div>
        <div className="fr-col-12 fr-col-md-6">
          <h2 className="fr-h5">Groupe et sites</h2>
          {s.groups.length === 0 && <p>Cette structure n'appartient à aucun groupe.</p>}
          {s.groups.map((g) => (
            <p key={g.id}>
              Groupe <strong>{g.name}</strong> :{" "}
              {g.members.map((m, i) => (
                <span key={m.id}>
                  {i > 0 && ", "}
                  <Link to={`/structures/${m.id}`}>
                    {m.name} ({m.kind})
                  </Link>
                </span>
              ))}
            </p>
          ))}
          {s.sites.length === 0 ? (
            <p>Aucun site enregistré.</p>
          ) : (
            <ul>
              {s.sites.map((site) => (
                <li key={site.id}>
                  {site.name}
                  {site.postalCode ? ` (${site.postalCode})` : ""}
                  {site.sharedByGroup ? " — partagé par le groupe" : ""}
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>

      <h2 className="fr-h4 fr-mt-4w">Conventions et annexes financières</h2>
      <ul className="fr-links-group fr-mb-2w" aria-label="L'année de la DDETS">
        <li>
          <Link className="fr-link" to={`/structures/${s.id}/demandes`}>
            Demandes de financement
          </Link>
        </li>
        <li>
          <Link className="fr-link" to={`/structures/${s.id}/dialogue/${year}`} data-testid="dialogue-link">
            Fiche de dialogue de gestion {year}
          </Link>
        </li>
      </ul>
      {canWrite && (
        <p>
          <Link className="fr-btn fr-btn--secondary fr-icon-add-line fr-btn--icon-left" to={`/structures/${s.id}/annexes/nouvelle`}>
            Nouvelle annexe financière
          </Link>
        </p>
      )}
      {allAnnexes.length === 0 ? (
        <Empty>Aucune annexe financière.</Empty>
      ) : (
        <div className="fr-table" data-testid="annexes-table">
          <table>
            <caption>Versions des annexes financières</caption>
            <TableHead
              columns={[
                "Numéro",
                "Convention",
                "État",
                "Période",
                num("ETP"),
                num("Montant unitaire"),
                num("Montant total"),
                num("Part modulée"),
                "Financements",
              ]}
            />
            <tbody>
              {s.conventions
                .flatMap((c) => c.annexes.map((a) => ({ a, convention: c.number })))
                .concat(s.annexesWithoutConvention.map((a) => ({ a, convention: "—" })))
                .map(({ a, convention }) => (
                  <tr key={a.id}>
                    <td>
                      <Link to={`/structures/${s.id}/annexes/${a.id}`}>{a.number}</Link>
                    </td>
                    <td>{convention}</td>
                    <td>
                      <AnnexStateBadge state={a.state} />
                    </td>
                    <td>
                      {formatDate(a.startsOn)} – {formatDate(a.endsOn)}
                    </td>
                    <td className="numeric">{formatEtp(a.etp)}</td>
                    <td className="numeric">{formatEuros(a.unitAmount)}</td>
                    <td className="numeric">{formatEuros(a.totalAmount)}</td>
                    <td className="numeric">{formatEuros(a.modulatedAmount)}</td>
                    <td>{a.funding.map((f) => `${f.label} : ${formatEuros(f.amount)}`).join(" ; ") || "—"}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      )}

      <h2 className="fr-h4 fr-mt-4w">Réalisation mensuelle</h2>
      <Select
        label="Année"
        className="fr-mb-2w"
        nativeSelectProps={{
          value: String(year),
          onChange: (e) => {
            const next = new URLSearchParams(params);
            next.set("year", e.target.value);
            setParams(next);
          },
        }}
      >
        {Array.from({ length: 10 }, (_, i) => (calendar.data?.latestYear ?? year) - i).map((y) => (
          <option key={y} value={y}>
            {y}
          </option>
        ))}
      </Select>
      {realisation.isPending && <Loading />}
      {realisation.isError && <ErrorState error={realisation.error} />}
      {realisation.data && <RealisationView data={realisation.data} />}

      <h2 className="fr-h4 fr-mt-4w">Sorties {year}</h2>
      {indicators.isPending && <Loading />}
      {indicators.isError && <ErrorState error={indicators.error} />}
      {indicators.data && (
        <div className="fr-table" data-testid="structure-exits">
          <table>
            <caption>Sorties examinées par catégorie</caption>
            <TableHead
              columns={[
                "Sorties examinées",
                "Emploi durable",
                "Emploi de transition",
                "Sorties positives",
                "Autres",
                "Taux de sorties dynamiques",
              ]}
            />
            <tbody>
              <tr>
                <td>{formatInt(indicators.data.exits.examined)}</td>
                <td>{formatInt(indicators.data.exits.byCategory.durable)}</td>
                <td>{formatInt(indicators.data.exits.byCategory.transition)}</td>
                <td>{formatInt(indicators.data.exits.byCategory.positive)}</td>
                <td>{formatInt(indicators.data.exits.byCategory.other)}</td>
                <td>{formatRate(indicators.data.exits.dynamicRate)}</td>
              </tr>
            </tbody>
          </table>
        </div>
      )}
      {indicators.data && (
        <FollowUpRatesTable
          f={indicators.data.followUp}
          caption={`Situation 6 et 12 mois après la sortie (suivis échus en ${year}), par catégorie de sortie`}
          testId="structure-follow-up"
        />
      )}
    </>
  );
}

function RealisationView({ data }: { data: Realisation }) {
  const option: EChartsOption = {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    xAxis: { type: "category", data: data.months.map((m) => m.month) },
    yAxis: { type: "value", name: "ETP" },
    series: [
      { name: "ETP conventionnés", type: "line", data: data.months.map((m) => m.etpConventionnes) },
      { name: "ETP réalisés", type: "bar", data: data.months.map((m) => m.etpRealises) },
    ],
  };
  return (
    <>
      <Chart title="ETP conventionnés et réalisés par mois" option={option} testId="chart-realisation" />
      <div className="fr-table fr-table--sm" data-testid="realisation-table">
        <table>
          <caption>Réalisation par mois</caption>
          <TableHead columns={["Mois", num("Heures déclarées"), num("ETP réalisés"), num("ETP conventionnés"), num("Taux")]} />
          <tbody>
            {data.months.map((m) => (
              <tr key={m.month}>
                <td>{m.month}</td>
                <td className="numeric">{formatEtp(m.hours)}</td>
                <td className="numeric">{formatEtp(m.etpRealises)}</td>
                <td className="numeric">{formatEtp(m.etpConventionnes)}</td>
                <td className="numeric">{m.etpConventionnes > 0 ? formatRate(m.etpRealises / m.etpConventionnes) : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
