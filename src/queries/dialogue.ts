// Read model of the dialogue de gestion sheet of a structure and a year (docs/ddets-year.md) and of the part
// modulée of a département. The ETP, people and exit figures are those of the indicators
// (computePeriodsFigures, the code behind `passerelle indicators --scope structure:<id>`), so the sheet and the
// dashboard never disagree; peers are the structures of the same kind and département (computeStructureTable);
// the people served, support actions and trainings are read from contracts, diagnoses and person records, and
// every share says how many people the data describes (`known`), so what is missing shows.
import { type Kysely, sql } from "kysely";
import type { Database } from "../db/schema.js";
import { structureDepartement } from "../db/structureDepartement.js";
import { modulationTerritory } from "../domain/aid/territory.js";
import { compareWithTargets, NATIONAL_TARGETS } from "../domain/exits/examined.js";
import {
  DEFAULT_GRID,
  type MeasureValues,
  type ModulationGrid,
  type ModulationProposal,
  proposeModulation,
  validateGrid,
} from "../domain/financing/modulationGrid.js";
import type { SiaeKind } from "../domain/structures/kinds.js";
import { computePeriodsFigures, type PeriodFigures } from "../indicators/computeIndicators.js";
import { computeSeries } from "../indicators/computeSeries.js";
import { computeStructureTable, type StructureRow } from "../indicators/structureTable.js";
import { refreshPlannerStatistics } from "../db/rollups.js";
import { NotFoundError } from "../operations/types.js";

export interface Share {
  count: number;
  /** People the data describes for this item (denominator). */
  known: number;
  share: number | null;
}

export interface PublicServed {
  /** Distinct people entered in the year (initial contract), the denominator of every share. */
  entered: number;
  rsa: Share;
  deld: Share;
  detld: Share;
  young: Share;
  senior: Share;
  rqth: Share;
  qpv: Share;
  zrr: Share;
  /** Entrants with a level-1 criterion (RSA, ASS, AAH, DETLD) in the diagnosis before hiring. */
  priorityLevel1: Share;
  educationLevels: { code: string; label: string; count: number }[];
  /** Items the data does not describe for any entrant of the year. */
  missing: string[];
}

export interface SupportFigures {
  actions: number;
  hours: number;
  peopleSupported: number;
  hoursPerPerson: number | null;
  barriers: { code: string; label: string; actions: number }[];
  trainings: number;
  peopleTrained: number;
  trainingShare: number | null;
  qualifyingTrainings: number;
}

export interface Quartiles {
  n: number;
  q1: number | null;
  median: number | null;
  q3: number | null;
}

export interface DialogueSheet {
  structure: { id: number; name: string; kind: SiaeKind; departement: string; penitentiary: boolean };
  year: number;
  etp: {
    conventionnes: number;
    realises: number;
    tauxRealisation: number | null;
    byMonth: { month: string; conventionnes: number; realises: number }[];
  };
  people: { entered: number; present: number; rsaShare: number | null; medianParcoursMonths: number | null };
  exits: {
    examined: number;
    byCategory: PeriodFigures["exits"]["byCategory"];
    dynamicRate: number | null;
    durableRate: number | null;
    transitionRate: number | null;
    positiveRate: number | null;
    nationalTargets: ReturnType<typeof compareWithTargets>;
  };
  /** Objectives written in the AF(s) of the year (af_taux_prev_sorties_*), as ratios; null when the AF has none. */
  objectives: {
    dynamicRate: number | null;
    durableRate: number | null;
    transitionRate: number | null;
    positiveRate: number | null;
    dynamicReached: boolean | null;
    durableReached: boolean | null;
  };
  nationalTargets: { dynamicRate: number; durableRate: number };
  public: PublicServed;
  support: SupportFigures;
  peers: {
    kind: SiaeKind;
    departement: string;
    count: number;
    tauxRealisation: Quartiles;
    dynamicRate: Quartiles;
    durableRate: Quartiles;
    etpConventionnes: Quartiles;
  };
  history: {
    year: number;
    etpConventionnes: number;
    etpRealises: number;
    tauxRealisation: number | null;
    entered: number;
    examined: number;
    dynamicRate: number | null;
    durableRate: number | null;
  }[];
  modulation: ModulationProposal & {
    gridVersion: number | null;
    decidedPercent: string | null;
    amount: string | null;
    overrideReason: string | null;
  };
  agent: { conclusions: string; nextObjectives: Record<string, string>; updatedBy: string | null; updatedAt: string | null };
}

function peerTable(
  db: Kysely<Database>,
  departement: string,
  kind: SiaeKind,
  year: number,
  cache?: Map<string, Promise<StructureRow[]>>,
): Promise<StructureRow[]> {
  const key = `${departement}/${kind}/${year}`;
  const hit = cache?.get(key);
  if (hit) return hit;
  const p = computeStructureTable(db, {
    scope: { type: "departement", code: departement },
    from: `${year}-01-01`,
    to: `${year}-12-31`,
    kind,
  });
  cache?.set(key, p);
  return p;
}

/** Quartiles by linear interpolation (percentile_cont); nulls ignored. */
export function quartiles(values: readonly (number | null)[]): Quartiles {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  const at = (p: number): number | null => {
    if (v.length === 0) return null;
    const pos = (v.length - 1) * p;
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    const a = v[lo] as number;
    const b = v[hi] as number;
    return a + (b - a) * (pos - lo);
  };
  return { n: v.length, q1: at(0.25), median: at(0.5), q3: at(0.75) };
}

const share = (count: number, known: number): Share => ({ count, known, share: known === 0 ? null : count / known });

export interface PublicRow {
  structure_id: number;
  entered: number;
  rsa: number;
  rqth: number;
  deld: number;
  detld: number;
  level1: number;
  diag_known: number;
  young: number;
  senior: number;
  age_known: number;
  qpv: number;
  qpv_known: number;
  zrr: number;
  zrr_known: number;
}

/** People served per structure of the scope (entrants of the year): one query. */
async function publicByStructure(db: Kysely<Database>, where: ReturnType<typeof sql>, year: number): Promise<Map<number, PublicRow>> {
  const from = `${year}-01-01`;
  const to = `${year}-12-31`;
  const { rows } = await sql<PublicRow>`
    WITH ent AS (
      SELECT DISTINCT ON (ct.structure_id, ct.person_id) ct.structure_id, ct.person_id, ct.starts_on, ct.rsa, ct.rqth,
        ct.aged_50_or_more, p.birth_date, p.birth_year, p.is_qpv, p.is_zrr,
        (SELECT d.id FROM eligibility_diagnosis d WHERE d.person_id = ct.person_id AND d.made_on <= ct.starts_on
          ORDER BY d.made_on DESC, d.id DESC LIMIT 1) AS diag_id
      FROM contract ct JOIN structure s ON s.id = ct.structure_id
      JOIN ref_mesure rm ON rm.code = ct.mesure_code AND rm.counts_for_posts
      JOIN person p ON p.id = ct.person_id
      WHERE ct.rank = 0 AND ct.starts_on BETWEEN ${from}::date AND ${to}::date AND ${where}
      ORDER BY ct.structure_id, ct.person_id, ct.starts_on),
    aged AS (
      SELECT e.*, CASE WHEN e.birth_date IS NOT NULL THEN extract(year FROM age(e.starts_on, e.birth_date))
        WHEN e.birth_year IS NOT NULL THEN extract(year FROM e.starts_on) - e.birth_year END AS age,
        (SELECT array_agg(c.criterion_code) FROM eligibility_diagnosis_criterion c WHERE c.diagnosis_id = e.diag_id) AS crit
      FROM ent e)
    SELECT structure_id::int AS structure_id, count(*)::int AS entered,
      count(*) FILTER (WHERE rsa <> 'NON')::int AS rsa,
      count(*) FILTER (WHERE rqth)::int AS rqth,
      count(*) FILTER (WHERE 'DELD' = ANY(crit))::int AS deld,
      count(*) FILTER (WHERE 'DETLD' = ANY(crit))::int AS detld,
      count(*) FILTER (WHERE crit && ARRAY['RSA', 'ASS', 'AAH', 'DETLD']::text[])::int AS level1,
      count(diag_id)::int AS diag_known,
      count(*) FILTER (WHERE age < 26)::int AS young,
      count(*) FILTER (WHERE age >= 50 OR aged_50_or_more)::int AS senior,
      count(*) FILTER (WHERE age IS NOT NULL OR aged_50_or_more IS NOT NULL)::int AS age_known,
      count(*) FILTER (WHERE is_qpv)::int AS qpv, count(is_qpv)::int AS qpv_known,
      count(*) FILTER (WHERE is_zrr)::int AS zrr, count(is_zrr)::int AS zrr_known
    FROM aged GROUP BY structure_id`.execute(db);
  return new Map(rows.map((r) => [Number(r.structure_id), r]));
}

export interface SupportRow {
  structure_id: number;
  actions: number;
  hours: string;
  people: number;
  trainings: number;
  trained: number;
  qualifying: number;
}

async function supportByStructure(db: Kysely<Database>, where: ReturnType<typeof sql>, year: number): Promise<Map<number, SupportRow>> {
  const from = `${year}-01-01`;
  const to = `${year}-12-31`;
  const { rows } = await sql<SupportRow>`
    WITH sa AS (
      SELECT a.structure_id, count(*)::int AS actions, coalesce(sum(a.hours), 0) AS hours, count(DISTINCT a.person_id)::int AS people
      FROM support_action a JOIN structure s ON s.id = a.structure_id
      WHERE a.starts_on BETWEEN ${from}::date AND ${to}::date AND ${where} GROUP BY a.structure_id),
    tr AS (
      SELECT t.structure_id, count(*)::int AS trainings, count(DISTINCT t.person_id)::int AS trained,
        count(*) FILTER (WHERE t.qualifying)::int AS qualifying
      FROM training t JOIN structure s ON s.id = t.structure_id
      WHERE t.starts_on BETWEEN ${from}::date AND ${to}::date AND ${where} GROUP BY t.structure_id)
    SELECT coalesce(sa.structure_id, tr.structure_id)::int AS structure_id, coalesce(sa.actions, 0) AS actions,
      coalesce(sa.hours, 0)::text AS hours, coalesce(sa.people, 0) AS people, coalesce(tr.trainings, 0) AS trainings,
      coalesce(tr.trained, 0) AS trained, coalesce(tr.qualifying, 0) AS qualifying
    FROM sa FULL JOIN tr ON tr.structure_id = sa.structure_id`.execute(db);
  return new Map(rows.map((r) => [Number(r.structure_id), r]));
}

/** People served and support actions of every structure matching `where` (alias s), one query each. */
export async function publicAndSupport(db: Kysely<Database>, where: ReturnType<typeof sql>, year: number) {
  const [pub, sup] = await Promise.all([publicByStructure(db, where, year), supportByStructure(db, where, year)]);
  return { pub, sup };
}

/** Grid in force for a département and year: the highest version, else the default grid (version null). */
export async function gridInForce(
  db: Kysely<Database>,
  departementCode: string,
  year: number,
): Promise<{ grid: ModulationGrid; version: number | null; id: number | null }> {
  const row = await db
    .selectFrom("modulation_grid")
    .select(["id", "version", "criteria"])
    .where("departement_code", "=", departementCode)
    .where("year", "=", year)
    .orderBy("version", "desc")
    .executeTakeFirst();
  if (!row) return { grid: DEFAULT_GRID, version: null, id: null };
  return { grid: validateGrid(row.criteria), version: row.version, id: row.id };
}

/** Measures of the grid for one structure, from its figures (null when the data does not give them). */
export function measuresOf(
  f: {
    etp: { tauxRealisation: number | null };
    exits: { dynamicRate: number | null; durableRate: number | null };
    people: { present: number };
  },
  pub: PublicRow | undefined,
  sup: SupportRow | undefined,
  objectiveDynamic: number | null,
): MeasureValues {
  const present = f.people.present;
  return {
    rsaShareEntered: pub && pub.entered > 0 ? pub.rsa / pub.entered : null,
    priorityPublicShare: pub && pub.diag_known > 0 ? pub.level1 / pub.diag_known : null,
    supportHoursPerPerson: sup && sup.actions > 0 && present > 0 ? Number(sup.hours) / present : null,
    trainingShare: present > 0 ? (sup?.trained ?? 0) / present : null,
    tauxRealisation: f.etp.tauxRealisation,
    dynamicRate: f.exits.dynamicRate,
    durableRate: f.exits.durableRate,
    dynamicRateVsObjective:
      f.exits.dynamicRate === null || objectiveDynamic === null ? null : (f.exits.dynamicRate - objectiveDynamic) * 100,
  };
}

async function structureInfo(db: Kysely<Database>, structureId: number, year: number) {
  const s = await db
    .selectFrom("structure as s")
    .select(["s.id", "s.name", "s.kind", sql<string>`${structureDepartement("s")}`.as("departement")])
    .where("s.id", "=", structureId)
    .executeTakeFirst();
  if (!s) throw new NotFoundError("structure", structureId);
  const afs = await db
    .selectFrom("financial_annex")
    .select(["penitentiary", "forecast_dynamic_rate", "forecast_durable_rate", "forecast_transition_rate", "forecast_positive_rate", "etp"])
    .where("structure_id", "=", structureId)
    .where("state", "in", ["VALIDE", "PROVISOIRE", "CLOTURE"])
    .where("starts_on", "<=", `${year}-12-31`)
    .where("ends_on", ">=", `${year}-01-01`)
    .orderBy("starts_on", "desc")
    .execute();
  const firstNonNull = (k: "forecast_dynamic_rate" | "forecast_durable_rate" | "forecast_transition_rate" | "forecast_positive_rate") => {
    const v = afs.find((a) => a[k] !== null)?.[k];
    return v === undefined || v === null ? null : Number(v) / 100;
  };
  return {
    structure: {
      id: Number(s.id),
      name: s.name,
      kind: s.kind as SiaeKind,
      departement: s.departement,
      penitentiary: afs.some((a) => a.penitentiary),
    },
    objectives: {
      dynamicRate: firstNonNull("forecast_dynamic_rate"),
      durableRate: firstNonNull("forecast_durable_rate"),
      transitionRate: firstNonNull("forecast_transition_rate"),
      positiveRate: firstNonNull("forecast_positive_rate"),
    },
  };
}

/** The dialogue de gestion sheet of a structure for a year. */
export async function computeDialogue(
  db: Kysely<Database>,
  structureId: number,
  year: number,
  /** Peer tables by "departement/kind/year", shared by a caller computing many sheets (the CDIAE pack, tests). */
  peerCache?: Map<string, Promise<StructureRow[]>>,
): Promise<DialogueSheet> {
  await refreshPlannerStatistics(db);
  const info = await structureInfo(db, structureId, year);
  const scope = { type: "structure", id: structureId } as const;
  const years = [year, year - 1, year - 2];
  const figures = await computePeriodsFigures(
    db,
    scope,
    years.map((y) => ({ period: { from: `${y}-01-01`, to: `${y}-12-31` }, at: `${y}-12-31` })),
  );
  const current = figures[0] as PeriodFigures;
  const where = sql`s.id = ${structureId}::bigint`;
  const [pubMap, supMap, series, peerRows, grid, decided, sheet, durations, barriers, education] = await Promise.all([
    publicByStructure(db, where, year),
    supportByStructure(db, where, year),
    computeSeries(db, { scope, from: `${year}-01-01`, to: `${year}-12-31`, yearly: false }),
    peerTable(db, info.structure.departement, info.structure.kind, year, peerCache),
    gridInForce(db, info.structure.departement, year),
    db.selectFrom("structure_modulation").selectAll().where("structure_id", "=", structureId).where("year", "=", year).executeTakeFirst(),
    db.selectFrom("dialogue_sheet").selectAll().where("structure_id", "=", structureId).where("year", "=", year).executeTakeFirst(),
    sql<{ median: string | null }>`
      SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY (x.exit_on - c.starts_on) / 30.4375) AS median
      FROM exit x JOIN contract c ON c.id = x.recruitment_id
      WHERE x.structure_id = ${structureId}::bigint AND x.exit_on BETWEEN ${`${year}-01-01`}::date AND ${`${year}-12-31`}::date`.execute(
      db,
    ),
    sql<{ code: string; label: string; actions: number }>`
      SELECT b.barrier_code AS code, coalesce(r.label, b.barrier_code) AS label, count(*)::int AS actions
      FROM support_action a JOIN support_action_barrier b ON b.action_id = a.id LEFT JOIN ref_barrier r ON r.code = b.barrier_code
      WHERE a.structure_id = ${structureId}::bigint AND a.starts_on BETWEEN ${`${year}-01-01`}::date AND ${`${year}-12-31`}::date
      GROUP BY 1, 2 ORDER BY 3 DESC, 1`.execute(db),
    sql<{ code: string; label: string; count: number }>`
      SELECT coalesce(ct.education_level_code, p.education_level_code) AS code, coalesce(r.label, '?') AS label, count(DISTINCT ct.person_id)::int AS count
      FROM contract ct JOIN person p ON p.id = ct.person_id
      LEFT JOIN ref_education_level r ON r.code = coalesce(ct.education_level_code, p.education_level_code)
      WHERE ct.structure_id = ${structureId}::bigint AND ct.rank = 0 AND ct.starts_on BETWEEN ${`${year}-01-01`}::date AND ${`${year}-12-31`}::date
        AND coalesce(ct.education_level_code, p.education_level_code) IS NOT NULL
      GROUP BY 1, 2 ORDER BY 1`.execute(db),
  ]);
  const pub = pubMap.get(structureId);
  const sup = supMap.get(structureId);
  const entered = pub?.entered ?? 0;
  const publicServed: PublicServed = {
    entered,
    rsa: share(pub?.rsa ?? 0, entered),
    deld: share(pub?.deld ?? 0, pub?.diag_known ?? 0),
    detld: share(pub?.detld ?? 0, pub?.diag_known ?? 0),
    young: share(pub?.young ?? 0, pub?.age_known ?? 0),
    senior: share(pub?.senior ?? 0, pub?.age_known ?? 0),
    rqth: share(pub?.rqth ?? 0, entered),
    qpv: share(pub?.qpv ?? 0, pub?.qpv_known ?? 0),
    zrr: share(pub?.zrr ?? 0, pub?.zrr_known ?? 0),
    priorityLevel1: share(pub?.level1 ?? 0, pub?.diag_known ?? 0),
    educationLevels: education.rows,
    missing: [],
  };
  if (entered > 0) {
    const known: [string, number][] = [
      ["diagnostics d'éligibilité (DELD, DETLD, critères de niveau 1)", pub?.diag_known ?? 0],
      ["âge (date ou année de naissance)", pub?.age_known ?? 0],
      ["résidence en QPV", pub?.qpv_known ?? 0],
      ["résidence en ZRR", pub?.zrr_known ?? 0],
      ["niveau de formation", education.rows.reduce((a, r) => a + r.count, 0)],
    ];
    publicServed.missing = known.filter(([, n]) => n === 0).map(([label]) => label);
  }
  const present = current.people.present;
  const support: SupportFigures = {
    actions: sup?.actions ?? 0,
    hours: Number(sup?.hours ?? 0),
    peopleSupported: sup?.people ?? 0,
    hoursPerPerson: present > 0 && sup ? Number(sup.hours) / present : null,
    barriers: barriers.rows,
    trainings: sup?.trainings ?? 0,
    peopleTrained: sup?.trained ?? 0,
    trainingShare: present > 0 ? (sup?.trained ?? 0) / present : null,
    qualifyingTrainings: sup?.qualifying ?? 0,
  };
  const territory = modulationTerritory({ departementCode: info.structure.departement, penitentiary: info.structure.penitentiary });
  const proposal = proposeModulation(grid.grid, measuresOf(current, pub, sup, info.objectives.dynamicRate), territory);
  const reached = (rate: number | null, objective: number | null) => (rate === null || objective === null ? null : rate >= objective);
  const peers = peerRows.filter((r: StructureRow) => r.etpConventionnes > 0);
  const medianRaw = durations.rows[0]?.median;
  return {
    structure: info.structure,
    year,
    etp: {
      conventionnes: current.etp.conventionnes,
      realises: current.etp.realises,
      tauxRealisation: current.etp.tauxRealisation,
      byMonth: series.monthly.map((m) => ({ month: m.month, conventionnes: m.etpConventionnes, realises: m.etpRealises })),
    },
    people: {
      entered: current.people.entered,
      present,
      rsaShare: current.people.rsaShare,
      medianParcoursMonths: medianRaw === null || medianRaw === undefined ? null : Math.round(Number(medianRaw) * 10) / 10,
    },
    exits: {
      examined: current.exits.examined,
      byCategory: current.exits.byCategory,
      dynamicRate: current.exits.dynamicRate,
      durableRate: current.exits.durableRate,
      transitionRate: current.exits.transitionRate,
      positiveRate: current.exits.positiveRate,
      nationalTargets: compareWithTargets({
        dynamic: current.exits.dynamicRate,
        durable: current.exits.durableRate,
        transition: current.exits.transitionRate,
        positive: current.exits.positiveRate,
      }),
    },
    objectives: {
      ...info.objectives,
      dynamicReached: reached(current.exits.dynamicRate, info.objectives.dynamicRate),
      durableReached: reached(current.exits.durableRate, info.objectives.durableRate),
    },
    nationalTargets: { dynamicRate: NATIONAL_TARGETS.dynamic, durableRate: NATIONAL_TARGETS.durable },
    public: publicServed,
    support,
    peers: {
      kind: info.structure.kind,
      departement: info.structure.departement,
      count: peers.length,
      tauxRealisation: quartiles(peers.map((r) => r.tauxRealisation)),
      dynamicRate: quartiles(peers.map((r) => r.dynamicRate)),
      durableRate: quartiles(peers.map((r) => r.durableRate)),
      etpConventionnes: quartiles(peers.map((r) => r.etpConventionnes)),
    },
    history: figures.map((f, i) => ({
      year: years[i] as number,
      etpConventionnes: f.etp.conventionnes,
      etpRealises: f.etp.realises,
      tauxRealisation: f.etp.tauxRealisation,
      entered: f.people.entered,
      examined: f.exits.examined,
      dynamicRate: f.exits.dynamicRate,
      durableRate: f.exits.durableRate,
    })),
    modulation: {
      ...proposal,
      gridVersion: grid.version,
      decidedPercent: decided?.decided_percent ?? null,
      amount: decided?.amount ?? null,
      overrideReason: decided?.override_reason ?? null,
    },
    agent: {
      conclusions: sheet?.conclusions ?? "",
      nextObjectives: (sheet?.next_objectives ?? {}) as Record<string, string>,
      updatedBy: sheet?.updated_by ?? null,
      updatedAt: sheet ? sheet.updated_at.toISOString() : null,
    },
  };
}
