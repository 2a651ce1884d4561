// DDETS / DREETS / DGEFP dashboard: KPI tiles for a scope and a year, charts, and the table of
// structures with their taux de réalisation and taux de sorties dynamiques. Scope and year live in
// the URL (?scope=departement:62&year=2025) so that the page can be shared.
import { Select } from "@codegouvfr/react-dsfr/Select.js";
import { ToggleSwitch } from "@codegouvfr/react-dsfr/ToggleSwitch.js";
import { useQuery } from "@tanstack/react-query";
import type { EChartsOption } from "echarts";
import { useMemo } from "react";
import { Link, useSearchParams } from "react-router-dom";
import {
  getIndicators,
  getIndicatorSeries,
  type Indicators,
  type IndicatorSeries,
  listStructurePerformance,
  type StructurePerformance,
} from "../../contracts/indicators.js";
import { listDepartements } from "../../contracts/referentials.js";
import { call, hrefOf } from "../api/client.js";
import { useCalendar } from "../api/useCalendar.js";
import type { SessionUser } from "../auth/session.js";
import { Chart } from "../components/Chart.js";
import { KpiTile } from "../components/KpiTile.js";
import { Empty, ErrorState, Loading } from "../components/States.js";
import { formatEtp, formatEuros, formatInt, formatRate } from "../format.js";
import { YearSelect } from "../components/YearSelect.js";
import { ExportLinks } from "../components/Pager.js";
import { num } from "../components/TableHead.js";
import { DataTable } from "../components/DataTable.js";

/** National target of the taux de sorties dynamiques — iae-reference §6.3 / §10. */
const DYNAMIC_RATE_TARGET = 0.6;
/**
 * Alert threshold of the taux de réalisation. [L] No official target was found (iae-reference §3, §10):
 * 90 % is a local choice, shown on screen and adjustable with ?seuil=.
 */
const DEFAULT_REALISATION_THRESHOLD = 0.9;

export function defaultScope(user: SessionUser): string {
  if (user.departementCode) return `departement:${user.departementCode}`;
  if (user.regionCode) return `region:${user.regionCode}`;
  return "nation";
}

export function DashboardPage({ user }: { user: SessionUser }) {
  const [params, setParams] = useSearchParams();
  const calendar = useCalendar();
  // The server's today (the demo's date on a demo database), never the browser's clock.
  const currentYear = Number(calendar.data?.today.slice(0, 4) ?? params.get("year") ?? 0);
  const year = Number(params.get("year") ?? calendar.data?.latestYear ?? currentYear);
  const scope = params.get("scope") ?? defaultScope(user);
  const threshold = Number(params.get("seuil") ?? DEFAULT_REALISATION_THRESHOLD * 100) / 100;
  const alertsFirst = params.get("alertes") === "1";
  const update = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    next.set(key, value);
    if (!next.has("scope")) next.set("scope", scope);
    if (!next.has("year")) next.set("year", String(year));
    setParams(next);
  };

  const departements = useQuery({
    queryKey: ["departements"],
    queryFn: () => call(listDepartements),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const ready = calendar.isSuccess || calendar.isError;
  const indicators = useQuery({
    enabled: ready,
    queryKey: ["indicators", scope, year],
    queryFn: () => call(getIndicators, { query: { scope, year } }),
  });
  const series = useQuery({
    enabled: ready,
    queryKey: ["indicators-series", scope, year],
    queryFn: () => call(getIndicatorSeries, { query: { scope, year } }),
  });
  const table = useQuery({
    enabled: ready,
    queryKey: ["indicators-structures", scope, year],
    queryFn: () => call(listStructurePerformance, { query: { scope, year, pageSize: 500 } }),
  });

  const scopeOptions = useMemo(() => {
    const options: { value: string; label: string }[] = [];
    if (user.role === "national" || user.role === "admin") options.push({ value: "nation", label: "France entière" });
    for (const d of departements.data ?? []) {
      const allowed =
        user.role === "national" ||
        user.role === "admin" ||
        (user.role === "regional" && d.regionCode === user.regionCode) ||
        d.code === user.departementCode;
      if (allowed) options.push({ value: `departement:${d.code}`, label: `${d.code} — ${d.name}` });
    }
    if (!options.some((o) => o.value === scope)) options.unshift({ value: scope, label: scope });
    return options;
  }, [departements.data, user, scope]);

  const years = Array.from({ length: Math.max(8, currentYear - 2014) }, (_, i) => currentYear - i);

  return (
    <>
      <h1>Tableau de bord</h1>
      <div className="filters fr-mb-4w">
        <Select label="Territoire" nativeSelectProps={{ value: scope, onChange: (e) => update("scope", e.target.value), name: "scope" }}>
          {scopeOptions.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </Select>
        <YearSelect years={years} value={year} name="year" onChange={(value) => update("year", value)} />
      </div>

      <h2 className="fr-h4">Indicateurs {year}</h2>
      {indicators.isPending && <Loading label="Calcul des indicateurs…" />}
      {indicators.isError && <ErrorState error={indicators.error} />}
      {indicators.data && <KpiTiles data={indicators.data} />}

      <h2 className="fr-h4 fr-mt-6w">Évolution</h2>
      {series.isPending && <Loading label="Chargement des séries…" />}
      {series.isError && <ErrorState error={series.error} />}
      {series.data && indicators.data && <Charts series={series.data} indicators={indicators.data} />}
      {indicators.data && <p className="fr-text--xs fr-mt-1w">Périmètre : {indicators.data.scopeLabel ?? indicators.data.scope}.</p>}

      <h2 className="fr-h4 fr-mt-6w">Structures</h2>
      <p className="fr-text--sm">
        Signalées (icône d'alerte) : taux de réalisation sous {formatRate(threshold)} (seuil local, pas de cible nationale publiée) ou taux
        de sorties dynamiques sous l'objectif national de {formatRate(DYNAMIC_RATE_TARGET)}.
      </p>
      {table.isPending && <Loading label="Chargement des structures…" />}
      {table.isError && <ErrorState error={table.error} />}
      <ToggleSwitch
        label="Structures signalées d'abord"
        inputTitle="Structures signalées d'abord"
        checked={alertsFirst}
        onChange={(checked) => update("alertes", checked ? "1" : "0")}
        showCheckedHint={false}
        className="fr-mb-2w"
      />
      {table.data && <StructureTable rows={table.data.items} threshold={threshold} scope={scope} year={year} alertsFirst={alertsFirst} />}
    </>
  );
}

function KpiTiles({ data }: { data: Indicators }) {
  return (
    <div className="kpi-grid">
      <KpiTile indicator="structures" testId="kpi-structures" value={formatInt(data.structures.total)} />
      <KpiTile indicator="etpConventionnes" testId="kpi-etp-conventionnes" value={formatEtp(data.etp.conventionnes)} />
      <KpiTile indicator="etpRealises" testId="kpi-etp-realises" value={formatEtp(data.etp.realises)} />
      <KpiTile indicator="tauxRealisation" testId="kpi-taux-realisation" value={formatRate(data.etp.tauxRealisation)} />
      <KpiTile indicator="peoplePresent" testId="kpi-present" value={formatInt(data.people.present)} />
      <KpiTile indicator="peopleEntered" testId="kpi-entered" value={formatInt(data.people.entered)} />
      <KpiTile indicator="rsaShare" testId="kpi-rsa" value={formatRate(data.people.rsaShare)} />
      <KpiTile indicator="exitsExamined" testId="kpi-exits" value={formatInt(data.exits.examined)} />
      <KpiTile indicator="dynamicRate" testId="kpi-dynamic-rate" value={formatRate(data.exits.dynamicRate)} />
      <KpiTile indicator="durableRate" testId="kpi-durable-rate" value={formatRate(data.exits.durableRate)} />
      <KpiTile indicator="budget" testId="kpi-budget" value={formatEuros(data.budget.total)} />
      <FollowUpTile data={data} />
    </div>
  );
}

/** Employed 6 and 12 months after exit; the unknown share always beside it, the small-count rule said. */
function FollowUpTile({ data }: { data: Indicators }) {
  const { at6Months: six, at12Months: twelve } = data.followUp;
  const unknown = `situations inconnues : ${formatRate(six.unknownShare)} à 6 mois, ${formatRate(twelve.unknownShare)} à 12 mois`;
  return (
    <KpiTile
      indicator="followUpEmployedRate"
      testId="kpi-follow-up"
      value={`${formatRate(six.employedRate)} · ${formatRate(twelve.employedRate)}`}
      note={six.withheld || twelve.withheld ? `${unknown} ; ${six.withheldReason ?? twelve.withheldReason}` : unknown}
    />
  );
}

function Charts({ series, indicators }: { series: IndicatorSeries; indicators: Indicators }) {
  const months = series.monthly.map((m) => m.month);
  const etp: EChartsOption = {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    xAxis: { type: "category", data: months },
    yAxis: { type: "value", name: "ETP" },
    series: [
      { name: "ETP conventionnés", type: "line", data: series.monthly.map((m) => m.etpConventionnes) },
      { name: "ETP réalisés", type: "bar", data: series.monthly.map((m) => m.etpRealises) },
    ],
  };
  const entries: EChartsOption = {
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: months },
    yAxis: { type: "value", name: "Entrées" },
    series: [{ name: "Salariés entrés", type: "bar", data: series.monthly.map((m) => m.entered) }],
  };
  const categories = [
    ["durable", "Emploi durable"],
    ["transition", "Emploi de transition"],
    ["positive", "Sorties positives"],
    ["other", "Autres sorties"],
  ] as const;
  const exits: EChartsOption = {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    xAxis: { type: "category", data: series.yearly.map((e) => String(e.year)) },
    yAxis: { type: "value", name: "Sorties" },
    series: categories.map(([key, label]) => ({
      name: label,
      type: "bar" as const,
      stack: "sorties",
      data: series.yearly.map((e) => e.exitsByCategory[key]),
    })),
  };
  // The part modulée decided after the year's review is paid on top of the AF lines: its own bar.
  const lines = [
    ...indicators.budget.fundingLines.filter((l) => l.amount > 0).map((l) => [l.label, l.amount] as const),
    ...(indicators.budget.modulated > 0 ? [["Part modulée décidée (en plus du socle)", indicators.budget.modulated] as const] : []),
  ];
  // Horizontal bars, labels wrapped on the axis: a donut's outside labels overlapped each other.
  const budget: EChartsOption = {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    grid: { left: 8, right: 24, top: 8, bottom: 24, containLabel: true },
    xAxis: {
      type: "value",
      name: "€",
      axisLabel: { formatter: (v: number) => `${(v / 1_000_000).toLocaleString("fr-FR", { maximumFractionDigits: 1 })} M€` },
    },
    yAxis: {
      type: "category",
      inverse: true,
      data: lines.map(([name]) => name),
      axisLabel: { width: 170, overflow: "break", lineHeight: 14 },
    },
    series: [{ name: "Enveloppe", type: "bar", data: lines.map(([, value]) => value), barMaxWidth: 28 }],
  };
  return (
    <div className="chart-grid">
      <Chart title="ETP conventionnés et réalisés par mois" option={etp} testId="chart-etp" />
      <Chart title="Salariés entrés par mois" option={entries} testId="chart-entries" />
      <Chart title="Sorties par catégorie et par année" option={exits} testId="chart-exits" />
      {lines.length > 0 ? (
        <Chart title="Enveloppe par ligne de financement" option={budget} testId="chart-budget" />
      ) : (
        <Empty>Aucun financement sur la période.</Empty>
      )}
    </div>
  );
}

function StructureTable({
  rows,
  threshold,
  scope,
  year,
  alertsFirst,
}: {
  rows: StructurePerformance[];
  threshold: number;
  scope: string;
  year: number;
  alertsFirst: boolean;
}) {
  if (rows.length === 0) return <Empty>Aucune structure conventionnée sur la période.</Empty>;
  const exportHref = (format: "csv" | "xlsx") => hrefOf(listStructurePerformance, { query: { scope, year, format } });
  const isFlagged = (r: StructurePerformance) =>
    (r.tauxRealisation !== null && r.tauxRealisation < threshold) || (r.dynamicRate !== null && r.dynamicRate < DYNAMIC_RATE_TARGET);
  const flagged = rows.filter(isFlagged).length;
  // The signalled structures first when asked (stable: the server's order within each group).
  const shown = alertsFirst ? [...rows.filter(isFlagged), ...rows.filter((r) => !isFlagged(r))] : rows;
  return (
    <>
      <p data-testid="structures-flagged">
        {formatInt(rows.length)} structures, dont {formatInt(flagged)} signalées.
      </p>
      <DataTable
        caption="Structures du territoire"
        testId="structures-table"
        className="fr-table--no-caption"
        columns={[
          "Structure",
          "Type",
          "Département",
          num("ETP conventionnés"),
          num("ETP réalisés"),
          num("Taux de réalisation"),
          num("Sorties examinées"),
          num("Sorties dynamiques"),
        ]}
      >
        {shown.map((r) => {
          const lowReal = r.tauxRealisation !== null && r.tauxRealisation < threshold;
          const lowDyn = r.dynamicRate !== null && r.dynamicRate < DYNAMIC_RATE_TARGET;
          return (
            <tr key={r.id} data-below-target={lowReal || lowDyn ? "true" : "false"}>
              <td>
                <Link to={`/structures/${r.id}?year=${year}`}>{r.name}</Link>
              </td>
              <td>{r.kind}</td>
              <td>{r.departement}</td>
              <td className="numeric">{formatEtp(r.etpConventionnes)}</td>
              <td className="numeric">{formatEtp(r.etpRealises)}</td>
              <td className={`numeric${lowReal ? " flag-below" : ""}`}>
                {lowReal && <span className="fr-icon-warning-fill fr-icon--sm fr-mr-1v" aria-hidden="true" />}
                {formatRate(r.tauxRealisation)}
                {lowReal && <span className="fr-sr-only"> (sous le seuil)</span>}
              </td>
              <td className="numeric">{formatInt(r.exitsExamined)}</td>
              <td className={`numeric${lowDyn ? " flag-below" : ""}`}>
                {lowDyn && <span className="fr-icon-warning-fill fr-icon--sm fr-mr-1v" aria-hidden="true" />}
                {formatRate(r.dynamicRate)}
                {lowDyn && <span className="fr-sr-only"> (sous l'objectif)</span>}
              </td>
            </tr>
          );
        })}
      </DataTable>
      <ExportLinks href={exportHref} className="" />
    </>
  );
}
