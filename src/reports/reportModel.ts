// The annual report of a territory (département, région, nation): the figures of a préfecture's yearly
// communiqué on the IAE, as data (paragraphs, tables, charts, definitions) rendered by html.ts, pdf.ts,
// csv.ts and xlsx.ts. Pure function of (db, params): every figure comes from computeIndicators /
// computeSeries / computeStructureTable (same definitions as the dashboards).
import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";
import { NATIONAL_TARGETS } from "../domain/exits/examined.js";
import { INDICATOR_DEFINITIONS, type IndicatorKey } from "../domain/indicators/definitions.js";
import { SIAE_KINDS } from "../domain/structures/kinds.js";
import { computeIndicators, computePeriodFigures, type Indicators, type PeriodFigures } from "../indicators/computeIndicators.js";
import { computeSeries, type Series } from "../indicators/computeSeries.js";
import { type Scope, ScopeError } from "../indicators/scope.js";
import { computeStructureTable, type StructureRow } from "../indicators/structureTable.js";
import { formatChange, formatEuros, formatMillions, formatNumber, formatPercent } from "./format.js";

export type ReportScope = Extract<Scope, { type: "nation" } | { type: "region" } | { type: "departement" }>;

export interface ReportParams {
  scope: ReportScope;
  year: number;
  /** Date printed as "généré le" (injected: reports are reproducible). */
  generatedOn: string;
}

export type Cell = string | number | null;

export interface ReportColumn {
  key: string;
  label: string;
  /** How a number is shown in HTML/PDF (CSV/XLSX keep the raw value). */
  format?: "integer" | "number" | "decimal1" | "decimal2" | "euros" | "percent" | "text";
}

export interface ReportTable {
  id: string;
  title: string;
  columns: ReportColumn[];
  rows: Cell[][];
  /** Definitions (keys of INDICATOR_DEFINITIONS) footnoted under the table. */
  definitions: IndicatorKey[];
  /** Shown in HTML/PDF only when the table is short enough (the per-structure table of a nation is CSV/XLSX only). */
  printable: boolean;
}

export interface ReportChart {
  id: string;
  title: string;
  kind: "bar" | "line";
  categories: string[];
  series: { name: string; values: (number | null)[] }[];
  unit: string;
  /** Horizontal reference line (e.g. the 60 % target). */
  target?: { value: number; label: string };
}

export interface ReportModel {
  title: string;
  subtitle: string;
  scopeLabel: string;
  scope: string;
  year: number;
  generatedOn: string;
  highlights: { label: string; value: string; definition: IndicatorKey }[];
  paragraphs: string[];
  tables: ReportTable[];
  charts: ReportChart[];
  definitions: { key: IndicatorKey; label: string; definition: string }[];
  indicators: Indicators;
  history: { year: number; figures: PeriodFigures }[];
  series: Series;
  structures: StructureRow[];
}

const KIND_LABELS: Record<(typeof SIAE_KINDS)[number], string> = {
  ACI: "Ateliers et chantiers d'insertion (ACI)",
  AI: "Associations intermédiaires (AI)",
  EI: "Entreprises d'insertion (EI)",
  ETTI: "Entreprises de travail temporaire d'insertion (ETTI)",
  EITI: "Entreprises d'insertion par le travail indépendant (EITI)",
};

const PRINTABLE_STRUCTURES = 400;
const MONTHS_FR = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."];

function territoryPhrase(scope: ReportScope, label: string): string {
  if (scope.type === "nation") return "en France";
  const name = label.replace(/ \((région )?[0-9AB]+\)$/, "");
  return scope.type === "departement"
    ? `dans le département ${name === label ? label : `${name} (${scope.code})`}`
    : `dans la région ${name}`;
}

export async function buildReportModel(db: Kysely<Database>, params: ReportParams): Promise<ReportModel> {
  const { scope, year } = params;
  if (!Number.isInteger(year) || year < 1990 || year > 2199) throw new ScopeError(`année invalide : ${year}`);
  const from = `${year}-01-01`;
  const to = `${year}-12-31`;
  // Independent queries, concurrently (a PostgreSQL pool runs them on several connections). The year before is the
  // dashboard's previous period (same definition: whole year, observed on 31 December).
  const y2 = year - 2;
  const [ind, before, series, structures] = await Promise.all([
    computeIndicators(db, { scope, from, to }),
    computePeriodFigures(db, scope, { from: `${y2}-01-01`, to: `${y2}-12-31` }, `${y2}-12-31`),
    computeSeries(db, { scope, from, to, yearly: false }),
    computeStructureTable(db, { scope, from, to }),
  ]);
  const history: { year: number; figures: PeriodFigures }[] = [{ year: y2, figures: before }];
  history.push({
    year: year - 1,
    figures:
      ind.previous ?? (await computePeriodFigures(db, scope, { from: `${year - 1}-01-01`, to: `${year - 1}-12-31` }, `${year - 1}-12-31`)),
  });
  history.push({ year, figures: ind });
  const where = territoryPhrase(scope, ind.scopeLabel);
  const prev = ind.previous;

  const paragraphs: string[] = [];
  const byKindText = SIAE_KINDS.filter((k) => ind.structures.byKind[k] > 0)
    .map((k) => `${formatNumber(ind.structures.byKind[k])} ${k}`)
    .join(", ");
  paragraphs.push(
    `Au 31 décembre ${year}, ${formatNumber(ind.structures.total)} structures d'insertion par l'activité économique étaient conventionnées ${where}${byKindText ? ` (${byKindText})` : ""}` +
      `${ind.structures.createdLast2Years > 0 ? ` ; ${formatNumber(ind.structures.createdLast2Years)} d'entre elles ont été créées en ${year - 1} ou ${year}` : ""}.`,
  );
  paragraphs.push(
    `L'État a financé ${formatNumber(ind.etp.conventionnes, 0)} postes d'insertion en équivalent temps plein (ETP)` +
      (prev && prev.etp.conventionnes > 0
        ? `, soit ${formatNumber(Math.abs(ind.etp.conventionnes - prev.etp.conventionnes), 0)} de ${ind.etp.conventionnes >= prev.etp.conventionnes ? "plus" : "moins"} qu'en ${year - 1} (${formatChange(ind.change?.etpConventionnes.relative ?? null)})`
        : "") +
      `. ${formatNumber(ind.etp.realises, 0)} ETP ont été réalisés, soit un taux de réalisation des postes de ${formatPercent(ind.etp.tauxRealisation)}.`,
  );
  paragraphs.push(
    `${formatNumber(ind.people.entered)} personnes ont été recrutées en parcours d'insertion en ${year} et ${formatNumber(ind.people.present)} personnes ont travaillé au moins une heure dans une structure au cours de l'année.` +
      (ind.people.rsaShare !== null
        ? ` ${formatPercent(ind.people.rsaShare)} des personnes accompagnées étaient bénéficiaires du RSA`
        : "") +
      (ind.people.rsaShare !== null && ind.people.rsaShareEntered !== null
        ? ` (${formatPercent(ind.people.rsaShareEntered)} des personnes recrutées).`
        : ind.people.rsaShare !== null
          ? "."
          : ""),
  );
  const specific = ind.budget.fundingLines.filter((l) => l.financer === "etat" && l.code !== "ETAT_DROIT_COMMUN" && l.amount > 0);
  paragraphs.push(
    `L'enveloppe de l'État consacrée à l'aide au poste s'élève à ${formatMillions(ind.budget.state)}` +
      (specific.length > 0
        ? `, dont ${specific.map((l) => `${formatMillions(l.amount)} au titre de ${l.label.replace(/^État — /, "")}`).join(" et ")}`
        : "") +
      `. Le conseil départemental cofinance ${formatMillions(ind.budget.departement)} pour les bénéficiaires du RSA.` +
      (ind.budget.modulated > 0 ? ` La part modulée représente ${formatMillions(ind.budget.modulated)}.` : ""),
  );
  const rates = history.filter((h) => h.year < year && h.figures.exits.dynamicRate !== null);
  if (rates.length > 0)
    paragraphs.push(
      `Le taux de sorties dynamiques (emploi durable, emploi de transition et sorties positives) s'établit à ${rates.map((h) => `${formatPercent(h.figures.exits.dynamicRate)} en ${h.year}`).join(" et ")}` +
        `, pour un objectif national de ${formatPercent(NATIONAL_TARGETS.dynamic)}` +
        (ind.exits.dynamicRate !== null
          ? ` (${formatPercent(ind.exits.dynamicRate)} pour les sorties de ${year}, encore provisoire).`
          : "."),
    );

  const tables: ReportTable[] = [];
  tables.push({
    id: "structures",
    title: `Structures conventionnées au 31 décembre ${year}`,
    columns: [
      { key: "kind", label: "Type de structure", format: "text" },
      { key: "prev", label: `Au 31/12/${year - 1}`, format: "integer" },
      { key: "count", label: `Au 31/12/${year}`, format: "integer" },
      { key: "created", label: `Créées en ${year}`, format: "integer" },
    ],
    rows: [
      ...SIAE_KINDS.map(
        (k) =>
          [
            KIND_LABELS[k],
            prev?.structures.byKind[k] ?? null,
            ind.structures.byKind[k],
            ind.structures.createdInPeriod.byKind[k],
          ] as Cell[],
      ),
      ["Total", prev?.structures.total ?? null, ind.structures.total, ind.structures.createdInPeriod.total],
      [`dont créées en ${year - 1} ou ${year}`, null, ind.structures.createdLast2Years, null],
    ],
    definitions: ["structures", "structuresCreated", "structuresCreatedLast2Years"],
    printable: true,
  });
  const row = (label: string, a: number | null, b: number | null, rel: number | null): Cell[] => [label, a, b, rel];
  tables.push({
    id: "postes",
    title: "Postes d'insertion et salariés",
    columns: [
      { key: "indicator", label: "Indicateur", format: "text" },
      { key: "prev", label: String(year - 1), format: "number" },
      { key: "current", label: String(year), format: "number" },
      { key: "change", label: "Évolution", format: "percent" },
    ],
    rows: [
      row("ETP conventionnés", prev?.etp.conventionnes ?? null, ind.etp.conventionnes, ind.change?.etpConventionnes.relative ?? null),
      row("ETP réalisés", prev?.etp.realises ?? null, ind.etp.realises, ind.change?.etpRealises.relative ?? null),
      row(
        "Taux de réalisation (%)",
        prev?.etp.tauxRealisation == null ? null : prev.etp.tauxRealisation * 100,
        ind.etp.tauxRealisation === null ? null : ind.etp.tauxRealisation * 100,
        null,
      ),
      row("Salariés présents", prev?.people.present ?? null, ind.people.present, ind.change?.present.relative ?? null),
      row("Salariés entrés", prev?.people.entered ?? null, ind.people.entered, ind.change?.entered.relative ?? null),
      row(
        "Part de bénéficiaires du RSA parmi les présents (%)",
        prev?.people.rsaShare == null ? null : prev.people.rsaShare * 100,
        ind.people.rsaShare === null ? null : ind.people.rsaShare * 100,
        null,
      ),
      row(
        "Part de bénéficiaires du RSA parmi les entrés (%)",
        prev?.people.rsaShareEntered == null ? null : prev.people.rsaShareEntered * 100,
        ind.people.rsaShareEntered === null ? null : ind.people.rsaShareEntered * 100,
        null,
      ),
    ],
    definitions: [
      "etpConventionnes",
      "etpRealises",
      "tauxRealisation",
      "peoplePresent",
      "peopleEntered",
      "rsaShare",
      "rsaShareEntered",
      "change",
    ],
    printable: true,
  });
  tables.push({
    id: "enveloppe",
    title: `Enveloppe de l'aide au poste en ${year}`,
    columns: [
      { key: "line", label: "Ligne de financement", format: "text" },
      { key: "financer", label: "Financeur", format: "text" },
      { key: "amount", label: "Montant (€)", format: "euros" },
    ],
    rows: [
      ...ind.budget.fundingLines.map(
        (l) =>
          [l.label, l.financer === "etat" ? "État" : l.financer === "departement" ? "Conseil départemental" : "Autre", l.amount] as Cell[],
      ),
      ["Total des annexes financières", "", ind.budget.total],
      ["dont part État", "État", ind.budget.state],
      ["dont cofinancement du conseil départemental", "Conseil départemental", ind.budget.departement],
      ["Part modulée (en plus)", "État", ind.budget.modulated],
      ["Montant total par ETP conventionné", "", ind.budget.perEtp.total],
      ["Part État par ETP conventionné", "", ind.budget.perEtp.state],
    ],
    definitions: ["budget", "budgetByFundingLine", "modulatedPart", "amountPerEtp"],
    printable: true,
  });
  tables.push({
    id: "sorties",
    title: "Sorties examinées et taux de sorties dynamiques",
    columns: [
      { key: "year", label: "Année de sortie", format: "text" },
      { key: "examined", label: "Sorties examinées", format: "integer" },
      { key: "durable", label: "Emploi durable", format: "integer" },
      { key: "transition", label: "Emploi de transition", format: "integer" },
      { key: "positive", label: "Sorties positives", format: "integer" },
      { key: "other", label: "Autres sorties", format: "integer" },
      { key: "dynamic", label: "Taux de sorties dynamiques", format: "percent" },
      { key: "target", label: "Objectif", format: "percent" },
    ],
    rows: history.map((h) => [
      String(h.year),
      h.figures.exits.examined,
      h.figures.exits.byCategory.durable,
      h.figures.exits.byCategory.transition,
      h.figures.exits.byCategory.positive,
      h.figures.exits.byCategory.other,
      h.figures.exits.dynamicRate,
      NATIONAL_TARGETS.dynamic,
    ]),
    definitions: ["exitsExamined", "dynamicRate", "durableRate"],
    printable: true,
  });
  tables.push({
    id: "mensuel",
    title: `ETP conventionnés, réalisés et entrées par mois en ${year}`,
    columns: [
      { key: "month", label: "Mois", format: "text" },
      { key: "conv", label: "ETP conventionnés", format: "decimal1" },
      { key: "real", label: "ETP réalisés (annualisés)", format: "decimal1" },
      { key: "entered", label: "Salariés entrés", format: "integer" },
    ],
    rows: series.monthly.map((m) => [m.month, m.etpConventionnes, m.etpRealises, m.entered]),
    definitions: ["etpConventionnes", "etpRealises", "peopleEntered"],
    printable: true,
  });
  tables.push({
    id: "structures-detail",
    title: `Réalisation et sorties par structure en ${year}`,
    columns: [
      { key: "name", label: "Structure", format: "text" },
      { key: "kind", label: "Type", format: "text" },
      { key: "departement", label: "Département", format: "text" },
      { key: "conv", label: "ETP conventionnés", format: "decimal1" },
      { key: "real", label: "ETP réalisés", format: "decimal1" },
      { key: "taux", label: "Taux de réalisation", format: "percent" },
      { key: "exits", label: "Sorties examinées", format: "integer" },
      { key: "dynamic", label: "Taux de sorties dynamiques", format: "percent" },
      { key: "budget", label: "Enveloppe (€)", format: "euros" },
    ],
    rows: structures.map((s) => [
      s.name,
      s.kind,
      s.departement,
      s.etpConventionnes,
      s.etpRealises,
      s.tauxRealisation,
      s.exitsExamined,
      s.dynamicRate,
      s.budgetTotal,
    ]),
    definitions: ["etpConventionnes", "etpRealises", "tauxRealisation", "exitsExamined", "dynamicRate", "budget"],
    printable: structures.length <= PRINTABLE_STRUCTURES,
  });

  const charts: ReportChart[] = [
    {
      id: "etp-mensuels",
      title: `ETP conventionnés et réalisés par mois (${year})`,
      kind: "line",
      categories: series.monthly.map((m) => MONTHS_FR[Number(m.month.slice(5, 7)) - 1] ?? m.month),
      series: [
        { name: "ETP conventionnés", values: series.monthly.map((m) => m.etpConventionnes) },
        { name: "ETP réalisés", values: series.monthly.map((m) => m.etpRealises) },
      ],
      unit: "ETP",
    },
    {
      id: "sorties-dynamiques",
      title: "Taux de sorties dynamiques par année de sortie",
      kind: "bar",
      categories: history.map((h) => String(h.year)),
      series: [
        {
          name: "Taux de sorties dynamiques",
          values: history.map((h) => (h.figures.exits.dynamicRate === null ? null : h.figures.exits.dynamicRate * 100)),
        },
      ],
      unit: "%",
      target: { value: NATIONAL_TARGETS.dynamic * 100, label: "Objectif national 60 %" },
    },
    {
      id: "structures-par-type",
      title: "Structures conventionnées par type au 31 décembre",
      kind: "bar",
      categories: [...SIAE_KINDS],
      series: history.slice(1).map((h) => ({ name: String(h.year), values: SIAE_KINDS.map((k) => h.figures.structures.byKind[k]) })),
      unit: "structures",
    },
    {
      id: "enveloppe",
      title: `Enveloppe par ligne de financement (${year}, M€)`,
      kind: "bar",
      // The labels of the table beside it (funding_line.label), never the codes.
      categories: ind.budget.fundingLines.map((l) => l.label),
      series: [{ name: String(year), values: ind.budget.fundingLines.map((l) => Math.round(l.amount / 10_000) / 100) }],
      unit: "M€",
    },
  ];

  const highlights: ReportModel["highlights"] = [
    { label: "Structures conventionnées", value: formatNumber(ind.structures.total), definition: "structures" },
    { label: "ETP conventionnés", value: formatNumber(ind.etp.conventionnes, 0), definition: "etpConventionnes" },
    { label: "Salariés entrés", value: formatNumber(ind.people.entered), definition: "peopleEntered" },
    { label: "Enveloppe État", value: formatMillions(ind.budget.state), definition: "budget" },
    { label: "Bénéficiaires du RSA", value: formatPercent(ind.people.rsaShare), definition: "rsaShare" },
    { label: "Taux de réalisation", value: formatPercent(ind.etp.tauxRealisation), definition: "tauxRealisation" },
  ];
  const used = new Set<IndicatorKey>([...tables.flatMap((t) => t.definitions), ...highlights.map((h) => h.definition)]);
  const definitions = (Object.keys(INDICATOR_DEFINITIONS) as IndicatorKey[])
    .filter((k) => used.has(k))
    .map((key) => ({ key, label: INDICATOR_DEFINITIONS[key].label, definition: INDICATOR_DEFINITIONS[key].definition }));

  return {
    title: `L'insertion par l'activité économique — bilan ${year}`,
    subtitle: ind.scopeLabel,
    scopeLabel: ind.scopeLabel,
    scope: ind.scope,
    year,
    generatedOn: params.generatedOn,
    highlights,
    paragraphs,
    tables,
    charts,
    definitions,
    indicators: ind,
    history,
    series,
    structures,
  };
}

/** Formats a cell for HTML/PDF. */
export function formatCell(value: Cell, format: ReportColumn["format"]): string {
  if (value === null) return "—";
  if (typeof value === "string") return value;
  switch (format) {
    case "integer":
      return formatNumber(value);
    case "number":
      return formatNumber(value, Number.isInteger(value) ? 0 : 1);
    case "decimal1":
      return formatNumber(value, 1);
    case "decimal2":
      return formatNumber(value, 2);
    case "euros":
      return formatEuros(value);
    case "percent":
      return formatPercent(value);
    default:
      return String(value);
  }
}
