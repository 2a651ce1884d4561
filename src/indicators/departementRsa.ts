// RSA beneficiaries in IAE in one département for a period (conseil départemental page): the SQL
// source of truth. The pure TypeScript twin is departementRsaTwin.ts; both produce the same RsaRaw and are
// compared on random data (departementRsa.db.test.ts). summariseRsa() turns RsaRaw into the API shape.
//
// Definitions (iae-reference §2.4, §3.2, §6.3, §10):
//  - present: distinct persons with ≥ 1 h over the period on counting AFs of the structures of the group;
//    presentRsa: those of them holding, in a structure of the group where they worked, a contract whose
//    contrat_salarie_rsa is OUI-M / OUI-NM (the RSA status recorded at hiring) running during the period
//    (hired by its end, exit — or planned end, or none — after its start). Read from the rollups, not the
//    monthly rows (design §1: rollups for aggregates).
//  - entered / enteredRsa: distinct persons with an initial contract (rank 0) hired in the period, mesure
//    counting for posts; RSA when that contract is OUI-M / OUI-NM.
//  - ETP co-financed by the département: Σ counting AF etp × months inside / 12 × (amount of the AF's funding
//    lines whose financer is the département) / AF total — PA's ETP conventionnés × af_mt_cofinance /
//    af_montant_total_annuel, with the co-financed amount read from the funding lines.
//  - cdAmount: Σ département funding-line amount × months inside / AF months (rounded to the cent at the end).
//  - exits: examined exits (same thresholds as figures.ts) of recruitments whose initial contract is RSA.
import { type Kysely, sql } from "kysely";
import { refreshPlannerStatistics } from "../db/rollups.js";
import { rsaContractRunning } from "../db/rsa.js";
import type { Database } from "../db/schema.js";
import { type ExitCounts, exitRates } from "../domain/exits/examined.js";
import { addProrated, mergeProrated, type ProratedAmount, proratedCents } from "../domain/indicators/proration.js";
import type { Period } from "../domain/indicators/records.js";
import { Decimal } from "../domain/money/money.js";
import { SIAE_KINDS, type SiaeKind } from "../domain/structures/kinds.js";
import { countingCtes } from "./countingAnnexes.js";
import { examinedExitRows } from "./examinedExits.js";
import { yearsAndMonths } from "./figures.js";
import type { DepartementRsa, RsaKindRow, RsaStructureRow } from "../contracts/departements.js";
import { parseDepartementCode } from "../contracts/target.js";
import { describeScope, ScopeError, scopeCondition } from "./scope.js";

export interface RsaPeople {
  present: number;
  presentRsa: number;
  entered: number;
  enteredRsa: number;
}

export interface RsaRawStructure {
  id: number;
  name: string;
  kind: SiaeKind;
  people: RsaPeople;
  /** Exact decimal strings. */
  etpConventionnes: string;
  etpCofinanced: string;
  cdAmount: ProratedAmount;
  /** Examined exits of RSA beneficiaries. */
  exits: ExitCounts;
}

export interface RsaRaw {
  structures: RsaRawStructure[];
  /** Distinct people per kind and over the département (a person in two structures counts once). */
  byKind: Record<SiaeKind, RsaPeople>;
  total: RsaPeople;
}

export const emptyPeople = (): RsaPeople => ({ present: 0, presentRsa: 0, entered: 0, enteredRsa: 0 });
export const emptyExits = (): ExitCounts => ({ examined: 0, durable: 0, transition: 0, positive: 0, other: 0 });
/** A structure's row before any figure is added. */
export const emptyRsaStructure = (s: { id: number; name: string; kind: SiaeKind }): RsaRawStructure => ({
  id: s.id,
  name: s.name,
  kind: s.kind,
  people: emptyPeople(),
  etpConventionnes: "0",
  etpCofinanced: "0",
  cdAmount: new Map(),
  exits: emptyExits(),
});

/** The raw figures of the département (code already validated) over the period, read in SQL. */
export async function queryDepartementRsa(db: Kysely<Database>, departement: string, period: Period): Promise<RsaRaw> {
  const scope = { type: "departement", code: departement } as const;
  const ctes = countingCtes(scope, period);
  const from = sql`${period.from}::date`;
  const to = sql`${period.to}::date`;

  const rows = new Map<number, RsaRawStructure>();
  const names = await sql<{ id: number; name: string; kind: SiaeKind }>`
    SELECT s.id, s.name, s.kind FROM structure s WHERE ${scopeCondition(scope)}`.execute(db);
  const info = new Map(names.rows.map((r) => [Number(r.id), r]));
  const row = (id: number): RsaRawStructure => {
    let r = rows.get(id);
    if (!r) {
      const s = info.get(id);
      if (!s) throw new Error(`structure ${id} hors du département ${departement}`);
      r = emptyRsaStructure({ id, name: s.name, kind: s.kind });
      rows.set(id, r);
    }
    return r;
  };

  // ETP conventionnés, ETP co-financed by the département, département amount (numerators per AF months).
  const af = await sql<{ structure_id: number; months: number; etp: string; etp_cd: string; cd: string }>`
    WITH ${ctes},
    cd AS (
      SELECT f.annex_id, sum(f.amount) AS amount
      FROM financial_annex_funding f JOIN funding_line l ON l.code = f.funding_line_code AND l.financer = 'departement'
      WHERE f.annex_id IN (SELECT id FROM counting) GROUP BY f.annex_id)
    SELECT c.structure_id, c.months,
      sum(c.etp * c.inside / 12) AS etp,
      sum(CASE WHEN c.total_amount > 0 THEN c.etp * c.inside / 12 * coalesce(cd.amount, 0) / c.total_amount ELSE 0 END) AS etp_cd,
      sum(coalesce(cd.amount, 0) * c.inside) AS cd
    FROM counting c LEFT JOIN cd ON cd.annex_id = c.id
    WHERE c.inside > 0 GROUP BY c.structure_id, c.months ORDER BY 1, 2`.execute(db);
  for (const r of af.rows) {
    const s = row(Number(r.structure_id));
    s.etpConventionnes = new Decimal(s.etpConventionnes).plus(r.etp).toString();
    s.etpCofinanced = new Decimal(s.etpCofinanced).plus(r.etp_cd).toString();
    addProrated(s.cdAmount, r.cd, 1, r.months);
  }

  // People present (≥ 1 h) and RSA among them, per structure, per kind and overall.
  const byKind = Object.fromEntries(SIAE_KINDS.map((k) => [k, emptyPeople()])) as Record<SiaeKind, RsaPeople>;
  const total = emptyPeople();
  // Level g: 0 = per structure, 2 = per kind, 3 = overall.
  const target = (g: number, sid: number | null, kind: SiaeKind | null): RsaPeople =>
    g === 0 && sid !== null ? row(Number(sid)).people : g === 2 && kind !== null ? byKind[kind] : total;
  // Hours per (structure, person): whole years from rollup_person_year, edge months from monthly_declaration
  // (as figures.ts); RSA = a contract of the person in that structure flagged RSA and running in the period.
  const parts = yearsAndMonths(
    period,
    (y0, y1) =>
      sql`SELECT c.structure_id AS sid, py.person_id, py.hours FROM rollup_person_year py JOIN counting c ON c.id = py.annex_id WHERE py.year BETWEEN ${y0} AND ${y1}`,
    (a, b) =>
      sql`SELECT c.structure_id AS sid, d.person_id, d.hours FROM monthly_declaration d JOIN counting c ON c.id = d.annex_id WHERE d.month BETWEEN ${a}::date AND ${b}::date`,
  );
  const pres =
    parts.length === 0
      ? { rows: [] }
      : await sql<{ sid: number | null; kind: SiaeKind | null; g: number; present: number; rsa: number }>`
    WITH ${ctes},
    sp AS MATERIALIZED (
      SELECT sid, person_id, sum(hours) AS hours FROM (${sql.join(parts, sql` UNION ALL `)}) x GROUP BY sid, person_id),
    rsa AS MATERIALIZED (
      SELECT DISTINCT k.structure_id AS sid, k.person_id FROM contract k JOIN scoped s ON s.id = k.structure_id
      WHERE ${rsaContractRunning("k", from, to)}),
    spr AS MATERIALIZED (
      SELECT sp.sid, s.kind, sp.person_id, sp.hours, r.sid IS NOT NULL AS rsa
      FROM sp JOIN scoped s ON s.id = sp.sid LEFT JOIN rsa r ON r.sid = sp.sid AND r.person_id = sp.person_id),
    k AS (SELECT kind, person_id, sum(hours) AS hours, bool_or(rsa) AS rsa FROM spr GROUP BY kind, person_id),
    t AS (SELECT person_id, sum(hours) AS hours, bool_or(rsa) AS rsa FROM spr GROUP BY person_id)
    SELECT 0 AS g, sid, kind, count(*) FILTER (WHERE hours >= 1)::int AS present, count(*) FILTER (WHERE hours >= 1 AND rsa)::int AS rsa
    FROM spr GROUP BY sid, kind
    UNION ALL
    SELECT 2, NULL, kind, count(*) FILTER (WHERE hours >= 1)::int, count(*) FILTER (WHERE hours >= 1 AND rsa)::int FROM k GROUP BY kind
    UNION ALL
    SELECT 3, NULL, NULL, count(*) FILTER (WHERE hours >= 1)::int, count(*) FILTER (WHERE hours >= 1 AND rsa)::int FROM t`.execute(db);
  for (const r of pres.rows) {
    if (r.present === 0) continue;
    const t = target(r.g, r.sid, r.kind);
    t.present = r.present;
    t.presentRsa = r.rsa;
  }

  // People entered in the period (initial contract), RSA at hiring.
  const ent = await sql<{ sid: number | null; kind: SiaeKind | null; g: number; entered: number; rsa: number }>`
    WITH ${ctes}
    SELECT s.id AS sid, s.kind, GROUPING(s.id, s.kind)::int AS g,
      count(DISTINCT c.person_id)::int AS entered,
      count(DISTINCT c.person_id) FILTER (WHERE c.rsa <> 'NON')::int AS rsa
    FROM contract c JOIN scoped s ON s.id = c.structure_id JOIN ref_mesure m ON m.code = c.mesure_code AND m.counts_for_posts
    WHERE c.rank = 0 AND c.starts_on BETWEEN ${from} AND ${to}
    GROUP BY GROUPING SETS ((s.id, s.kind), (s.kind), ())`.execute(db);
  for (const r of ent.rows) {
    const t = target(r.g, r.sid, r.kind);
    t.entered = r.entered;
    t.enteredRsa = r.rsa;
  }

  // Examined exits of RSA beneficiaries (same thresholds as figures.ts; recruitment RSA at hiring).
  const ex = await sql<{ structure_id: number; grp: keyof ExitCounts; n: number }>`
    WITH ${ctes}
    SELECT structure_id, grp, count(*)::int AS n FROM (${examinedExitRows(period, { rsaOnly: true })}) x
    GROUP BY structure_id, grp`.execute(db);
  for (const r of ex.rows) {
    const e = row(Number(r.structure_id)).exits;
    e[r.grp] += r.n;
    e.examined += r.n;
  }

  return { structures: [...rows.values()].sort((a, b) => a.id - b.id), byKind, total };
}

const share = (n: number, d: number) => (d === 0 ? null : n / d);
const etp4 = (d: Decimal) => Number(d.toFixed(4));

function rowOf(
  people: RsaPeople,
  etpConv: Decimal,
  etpCd: Decimal,
  cd: ProratedAmount,
  exits: ExitCounts,
): Omit<RsaStructureRow, "id" | "name" | "kind"> {
  return {
    ...people,
    rsaShare: share(people.presentRsa, people.present),
    etpConventionnes: etp4(etpConv),
    etpCofinances: etp4(etpCd),
    montantDepartement: proratedCents(cd).toNumber(),
    exitsExamined: exits.examined,
    exitsByCategory: { durable: exits.durable, transition: exits.transition, positive: exits.positive, other: exits.other },
    dynamicRate: exitRates(exits).dynamic,
  };
}

/** The API shape of the raw figures (one function for the SQL and the twin's output). */
export function summariseRsa(raw: RsaRaw, departement: string, departementLabel: string, period: Period): DepartementRsa {
  const structures = raw.structures
    .map((s) => ({
      id: s.id,
      name: s.name,
      kind: s.kind,
      ...rowOf(s.people, new Decimal(s.etpConventionnes), new Decimal(s.etpCofinanced), s.cdAmount, s.exits),
    }))
    .sort((a, b) => a.name.localeCompare(b.name, "fr") || a.id - b.id);
  const sumOf = (list: readonly RsaRawStructure[]) => {
    const cd: ProratedAmount = new Map();
    const exits = emptyExits();
    let conv = new Decimal(0);
    let etpCd = new Decimal(0);
    for (const s of list) {
      mergeProrated(cd, s.cdAmount);
      conv = conv.plus(s.etpConventionnes);
      etpCd = etpCd.plus(s.etpCofinanced);
      for (const k of Object.keys(exits) as (keyof ExitCounts)[]) exits[k] += s.exits[k];
    }
    return { cd, exits, conv, etpCd };
  };
  const byKind: RsaKindRow[] = SIAE_KINDS.map((kind) => {
    const list = raw.structures.filter((s) => s.kind === kind);
    const t = sumOf(list);
    return { kind, structures: list.length, ...rowOf(raw.byKind[kind], t.conv, t.etpCd, t.cd, t.exits) };
  }).filter((k) => k.structures > 0);
  const all = sumOf(raw.structures);
  const rates = exitRates(all.exits);
  return {
    departement,
    departementLabel,
    period,
    people: {
      ...raw.total,
      rsaShare: share(raw.total.presentRsa, raw.total.present),
      rsaShareEntered: share(raw.total.enteredRsa, raw.total.entered),
    },
    etp: {
      conventionnes: etp4(all.conv),
      cofinances: etp4(all.etpCd),
      cofinancedShare: all.conv.isZero() ? null : all.etpCd.dividedBy(all.conv).toNumber(),
    },
    montantDepartement: proratedCents(all.cd).toNumber(),
    exits: {
      examined: all.exits.examined,
      byCategory: { durable: all.exits.durable, transition: all.exits.transition, positive: all.exits.positive, other: all.exits.other },
      dynamicRate: rates.dynamic,
      durableRate: rates.durable,
    },
    byKind,
    structures,
  };
}

/** The département's RSA figures for a calendar year (API / web page). */
export async function computeDepartementRsa(db: Kysely<Database>, params: { departement: string; year: number }): Promise<DepartementRsa> {
  const departement = parseDepartementCode(params.departement);
  if (!Number.isInteger(params.year) || params.year < 2000 || params.year > 2100) throw new ScopeError(`année invalide : ${params.year}`);
  const label = await describeScope(db, { type: "departement", code: departement });
  await refreshPlannerStatistics(db);
  const period = { from: `${params.year}-01-01`, to: `${params.year}-12-31` };
  return summariseRsa(await queryDepartementRsa(db, departement, period), departement, label, period);
}
