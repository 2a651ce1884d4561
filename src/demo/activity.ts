// Pure simulation of the demo département's activity (no I/O): financial annexes per structure and
// year, then month by month the people each structure hires to occupy its conventioned posts,
// their contracts, monthly hours and exits. Deterministic for a seed. The loader (loadDemo.ts)
// writes the result through the operations' own validation functions.
import type { BaremeRow } from "../domain/aid/bareme.js";
import type { AnnualHoursRow } from "../domain/aid/hours.js";
import { defaultAnnualHours } from "../domain/aid/hours.js";
import { addDays, addMonths, compareDates, diffDays, endOfMonth, type IsoDate, maxDate, minDate } from "../domain/calendar/isoDate.js";
import { cddiMaxEnd } from "../domain/contracts/cddi.js";
import { meetsExaminedThreshold } from "../domain/exits/examined.js";
import { type ExitGroup, type ExitReferential, exitGroupOfMotif } from "../domain/exits/referential.js";
import type { RsaFlag } from "../domain/indicators/records.js";
import { Decimal } from "../domain/money/money.js";
import { computeAnnexFigures } from "../operations/createFinancialAnnex.js";
import {
  CONSEIL_DEPARTEMENTAL_BY_YEAR,
  DEMO_DATA_END,
  DYNAMIC_EXIT_RATE,
  ERBM_BY_YEAR,
  ETP_BY_YEAR,
  FIRST_YEAR,
  LAST_YEAR,
  MINING_BASIN_POSTAL_CODES,
  MONTHLY_HOURS,
  PARCOURS_DAYS,
  PLAN_PAUVRETE_BY_YEAR,
  RETRAIT_SHARE,
  RSA_SHARE,
  TARGET_REALISATION,
} from "./calibration.js";
import { FIRST_NAMES_F, FIRST_NAMES_M, LAST_NAMES } from "./names.js";
import { Random } from "./random.js";

export type DemoKind = "ACI" | "AI" | "EI" | "ETTI";

export interface DemoStructure {
  key: string;
  kind: DemoKind;
  /** First day conventioned (AFs start there). */
  createdOn: IsoDate;
  postalCode: string | null;
  communeCode: string | null;
}

export interface AfPlan {
  structureKey: string;
  year: number;
  startsOn: IsoDate;
  endsOn: IsoDate;
  etp: string;
  total: Decimal;
  annualHours: number;
  funding: { code: string; amount: string }[];
}

export interface ContractPlan {
  type: "CDDI" | "MISE_A_DISPOSITION" | "MISSION";
  startsOn: IsoDate;
  plannedEndOn: IsoDate;
  weeklyHours: number;
}

export interface MonthPlan {
  month: IsoDate;
  hours: number;
  contractIndex: number;
  afYear: number;
}

export interface PersonPlan {
  index: number;
  structureKey: string;
  kind: DemoKind;
  sex: 1 | 2;
  firstName: string;
  lastName: string;
  birthDate: IsoDate;
  communeCode: string | null;
  educationLevel: string;
  orienteur: string;
  rsa: RsaFlag;
  rqth: boolean;
  diagnosisOn: IsoDate;
  criteria: string[];
  start: IsoDate;
  /** Exit date when ≤ DEMO_DATA_END, else the planned end of the parcours (no exit yet). */
  end: IsoDate;
  exitMotif: number | null;
  baseHours: number;
  contracts: ContractPlan[];
  months: MonthPlan[];
  supportAction: { kind: "social" | "professionnel"; startsOn: IsoDate; hours: number; barriers: string[] } | null;
  training: { title: string; qualifying: boolean; startsOn: IsoDate; endsOn: IsoDate; hours: number } | null;
}

export interface ActivityRefs {
  bareme: readonly BaremeRow[];
  annualHours: readonly AnnualHoursRow[];
  financers: ReadonlyMap<string, string>;
  exits: ExitReferential;
  communes: readonly string[];
  barriers: readonly string[];
}

export interface DemoActivity {
  afs: AfPlan[];
  people: PersonPlan[];
}

const TRAININGS = [
  "CACES R489 chariots élévateurs",
  "Habilitation électrique B0",
  "SST sauveteur secouriste du travail",
  "Titre professionnel agent de propreté et d'hygiène",
  "Permis B",
  "Remise à niveau français",
  "CQP agent de sécurité",
  "Titre professionnel ouvrier du paysage",
];

function yearOf(d: IsoDate): number {
  return Number(d.slice(0, 4));
}

/** Scale the structures' weights so that Σ etp × months/12 = target for each kind and year. */
function planAfs(structures: readonly DemoStructure[], refs: ActivityRefs, rnd: Random): AfPlan[] {
  const weight = new Map(structures.map((s) => [s.key, Math.exp(rnd.normal(0, 0.55, -1.4, 1.6))]));
  const growth = new Map(structures.map((s) => [s.key, rnd.range(-0.04, 0.04)]));
  const afs: AfPlan[] = [];
  for (let year = FIRST_YEAR; year <= LAST_YEAR; year++) {
    const table = ETP_BY_YEAR[year];
    if (!table) throw new Error(`no ETP calibration for ${year}`);
    for (const kind of ["ACI", "AI", "EI", "ETTI"] as const) {
      const rows = structures
        .filter((s) => s.kind === kind && yearOf(s.createdOn) <= year)
        .map((s) => {
          const startsOn = maxDate(`${year}-01-01`, `${s.createdOn.slice(0, 7)}-01`);
          const months = 12 - Number(startsOn.slice(5, 7)) + 1;
          const w = (weight.get(s.key) ?? 1) * (1 + (growth.get(s.key) ?? 0) * (year - FIRST_YEAR));
          return { s, startsOn, months, w };
        });
      const annualised = rows.reduce((acc, r) => acc + (r.w * r.months) / 12, 0);
      const factor = table[kind] / annualised;
      for (const r of rows) {
        const etp = Math.max(1, Math.round(r.w * factor * 100) / 100).toFixed(2);
        const figures = computeAnnexFigures({ startsOn: r.startsOn, endsOn: `${year}-12-31`, etp, penitentiary: false }, kind, refs);
        afs.push({
          structureKey: r.s.key,
          year,
          startsOn: r.startsOn,
          endsOn: `${year}-12-31`,
          etp,
          total: figures.total,
          annualHours: figures.annualHours.toNumber(),
          funding: [],
        });
      }
    }
  }
  // Funding lines: ERBM on structures of the mining basin, plan pauvreté and conseil départemental on ACI, the rest State droit commun.
  const byKey = new Map(structures.map((s) => [s.key, s]));
  for (let year = FIRST_YEAR; year <= LAST_YEAR; year++) {
    const ofYear = afs.filter((a) => a.year === year);
    const erbm = ofYear.filter((a) => MINING_BASIN_POSTAL_CODES.has(byKey.get(a.structureKey)?.postalCode ?? ""));
    const aci = ofYear.filter((a) => byKey.get(a.structureKey)?.kind === "ACI");
    const spread = (pool: AfPlan[], amount: number, code: string, maxShare: number) => {
      const base = pool.reduce((acc, a) => acc.plus(a.total), new Decimal(0));
      if (amount === 0 || base.isZero()) return;
      const share = Decimal.min(new Decimal(amount).dividedBy(base), maxShare);
      for (const a of pool) {
        const value = a.total.times(share).toDecimalPlaces(2, Decimal.ROUND_DOWN);
        if (value.greaterThan(0)) a.funding.push({ code, amount: value.toFixed(2) });
      }
    };
    spread(erbm, ERBM_BY_YEAR[year] ?? 0, "ERBM", 0.4);
    spread(aci, PLAN_PAUVRETE_BY_YEAR[year] ?? 0, "PLAN_PAUVRETE", 0.1);
    spread(aci, CONSEIL_DEPARTEMENTAL_BY_YEAR[year] ?? 0, "CONSEIL_DEPARTEMENTAL", 0.1);
    for (const a of ofYear) {
      const others = a.funding.reduce((acc, f) => acc.plus(f.amount), new Decimal(0));
      a.funding.unshift({ code: "ETAT_DROIT_COMMUN", amount: a.total.minus(others).toFixed(2) });
    }
  }
  return afs;
}

function monthStarts(from: IsoDate, to: IsoDate): IsoDate[] {
  const out: IsoDate[] = [];
  for (let m = `${from.slice(0, 7)}-01`; m <= to; m = addMonths(m, 1)) out.push(m);
  return out;
}

/** Epoch day of an ISO date (fast path for the simulation's inner loops). */
function toDay(d: IsoDate): number {
  return Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10))) / 86_400_000;
}

/** Fraction of the month [mStart, mEnd] (epoch days) covered by [start, end]. */
function presenceDays(mStart: number, mEnd: number, start: number, end: number): number {
  const a = Math.max(mStart, start);
  const b = Math.min(mEnd, end);
  return a > b ? 0 : (b - a + 1) / (mEnd - mStart + 1);
}

function drawDays(rnd: Random, [min, mean, max]: readonly [number, number, number]): number {
  // exponential-like around the mean, clamped
  const v = min + -Math.log(1 - rnd.next()) * (mean - min);
  return Math.round(Math.min(max, v));
}

function contractsFor(kind: DemoKind, start: IsoDate, end: IsoDate, baseHours: number, rnd: Random): ContractPlan[] {
  const weekly = Math.round((baseHours / (52 / 12)) * 2) / 2;
  if (kind === "AI")
    return [{ type: "MISE_A_DISPOSITION", startsOn: start, plannedEndOn: end, weeklyHours: Math.max(1, Math.min(35, weekly)) }];
  if (kind === "ETTI") return [{ type: "MISSION", startsOn: start, plannedEndOn: end, weeklyHours: Math.max(1, Math.min(35, weekly)) }];
  // CDDI: initial 4–6 months, renewals of 6 months within the 24-month limit — iae-reference §1.4
  const w = Math.max(20, Math.min(35, weekly));
  const maxEnd = cddiMaxEnd(start, { kind: "NONE" });
  const out: ContractPlan[] = [];
  let s = start;
  let planned = addDays(addMonths(start, rnd.int(4, 6)), -1);
  const horizon = minDate(end, DEMO_DATA_END);
  for (;;) {
    out.push({ type: "CDDI", startsOn: s, plannedEndOn: minDate(planned, maxEnd), weeklyHours: w });
    if (compareDates(planned, horizon) >= 0 || compareDates(planned, maxEnd) >= 0) break;
    s = addDays(planned, 1);
    planned = addDays(addMonths(s, 6), -1);
  }
  return out;
}

export function simulateActivity(structures: readonly DemoStructure[], refs: ActivityRefs, seed: number): DemoActivity {
  const rnd = new Random(seed);
  rsaCounter.n = 0;
  rsaCounter.rsa = 0;
  const afs = planAfs(structures, refs, rnd);
  const afByKeyYear = new Map(afs.map((a) => [`${a.structureKey}|${a.year}`, a]));
  const people: PersonPlan[] = [];
  const simStart = `${FIRST_YEAR}-01-01`;
  const months = monthStarts(simStart, `${LAST_YEAR}-12-01`);
  for (const s of structures) {
    const hoursPerEtp = Number(defaultAnnualHours(refs.annualHours, s.kind));
    const mine: PersonPlan[] = [];
    let active: { p: PersonPlan; start: number; end: number }[] = [];
    let first = true;
    for (const m of months) {
      const af = afByKeyYear.get(`${s.key}|${yearOf(m)}`);
      if (!af || compareDates(m, `${af.startsOn.slice(0, 7)}-01`) < 0) continue;
      const target = (Number(af.etp) * hoursPerEtp * TARGET_REALISATION) / 12;
      const mStart = toDay(m);
      const mEnd = toDay(endOfMonth(m));
      active = active.filter((a) => a.end >= mStart);
      let capacity = 0;
      for (const a of active) capacity += a.p.baseHours * presenceDays(mStart, mEnd, a.start, a.end);
      while (capacity < target) {
        const days = drawDays(rnd, PARCOURS_DAYS[s.kind]);
        let start: IsoDate;
        if (first && m === simStart) start = addDays(m, -rnd.int(0, Math.max(0, days - 1)));
        else start = addDays(maxDate(m, af.startsOn), rnd.int(0, 27));
        const end = addDays(start, days - 1);
        const p = newPerson(people.length + mine.length, s, start, end, rnd, refs);
        mine.push(p);
        const entry = { p, start: toDay(start), end: toDay(end) };
        active.push(entry);
        capacity += p.baseHours * presenceDays(mStart, mEnd, entry.start, entry.end);
      }
      first = false;
    }
    for (const p of mine) fillMonths(p, afByKeyYear, rnd);
    people.push(...mine);
  }
  people.forEach((p, i) => {
    p.index = i;
  });
  assignExitMotifs(people, refs.exits, rnd);
  return { afs, people };
}

const rsaCounter = { n: 0, rsa: 0 };

function newPerson(index: number, s: DemoStructure, start: IsoDate, end: IsoDate, rnd: Random, refs: ActivityRefs): PersonPlan {
  const sex: 1 | 2 = rnd.chance(s.kind === "AI" ? 0.55 : 0.35) ? 2 : 1;
  const age = Math.round(rnd.normal(36, 11, 18, 62));
  const birthDate = addDays(addMonths(start, -12 * age), -rnd.int(1, 360));
  const [hMin, hMean, hMax] = MONTHLY_HOURS[s.kind];
  const baseHours = Math.round(rnd.normal(hMean, (hMax - hMin) / 5, hMin, hMax));
  // RSA at entry: error diffusion over the hires (deterministic share), majoré for 1 in 5.
  const isRsa = rsaCounter.rsa < RSA_SHARE * (rsaCounter.n + 1);
  rsaCounter.n++;
  if (isRsa) rsaCounter.rsa++;
  const rsa: RsaFlag = isRsa ? (rnd.chance(0.2) ? "OUI-M" : "OUI-NM") : "NON";
  const rqth = rnd.chance(0.08);
  const criteria =
    rsa !== "NON"
      ? ["RSA"]
      : rnd.chance(0.4)
        ? ["DETLD"]
        : ["DELD", rnd.chance(0.5) ? "CAP_BEP" : "QPV", age >= 50 ? "SENIOR" : age < 26 ? "JEUNE" : "PM"];
  const p: PersonPlan = {
    index,
    structureKey: s.key,
    kind: s.kind,
    sex,
    firstName: rnd.pick(sex === 2 ? FIRST_NAMES_F : FIRST_NAMES_M),
    lastName: rnd.pick(LAST_NAMES),
    birthDate,
    communeCode: rnd.chance(0.6) && s.communeCode !== null ? s.communeCode : refs.communes.length > 0 ? rnd.pick(refs.communes) : null,
    educationLevel: rnd.weighted(["60", "50", "51", "70", "40", "41", "30", "00", "01"], [30, 20, 8, 10, 15, 5, 4, 5, 3]),
    orienteur: rnd.weighted(["03", "01", "02", "99"], [65, 18, 5, 12]),
    rsa,
    rqth,
    diagnosisOn: addDays(start, -rnd.int(1, 60)),
    criteria,
    start,
    end,
    exitMotif: null,
    baseHours,
    contracts: [],
    months: [],
    supportAction: null,
    training: null,
  };
  p.contracts = contractsFor(s.kind, start, end, baseHours, rnd);
  if (rnd.chance(0.45) && refs.barriers.length > 0) {
    const barriers = [rnd.pick(refs.barriers)];
    if (rnd.chance(0.4)) {
      const b = rnd.pick(refs.barriers);
      if (!barriers.includes(b)) barriers.push(b);
    }
    p.supportAction = {
      kind: rnd.chance(0.7) ? "social" : "professionnel",
      startsOn: addDays(start, rnd.int(0, 30)),
      hours: rnd.int(2, 30),
      barriers,
    };
  }
  if (rnd.chance(s.kind === "ACI" || s.kind === "EI" ? 0.18 : 0.05) && diffDays(start, end) > 40) {
    const ts = addDays(start, rnd.int(10, 30));
    p.training = {
      title: rnd.pick(TRAININGS),
      qualifying: rnd.chance(0.4),
      startsOn: ts,
      endsOn: addDays(ts, rnd.int(1, 20)),
      hours: rnd.int(7, 140),
    };
  }
  return p;
}

function fillMonths(p: PersonPlan, afByKeyYear: ReadonlyMap<string, AfPlan>, rnd: Random): void {
  const last = minDate(p.end, DEMO_DATA_END);
  const start = toDay(p.start);
  const end = toDay(p.end);
  for (const m of monthStarts(maxDate(p.start, `${FIRST_YEAR}-01-01`), last)) {
    const af = afByKeyYear.get(`${p.structureKey}|${yearOf(m)}`);
    const mEnd = endOfMonth(m);
    if (!af || compareDates(mEnd, af.startsOn) < 0) continue;
    const f = presenceDays(toDay(m), toDay(mEnd), start, end);
    if (f <= 0) continue;
    const hours = Math.round(p.baseHours * f * rnd.range(0.9, 1.06) * 2) / 2;
    let contractIndex = 0;
    p.contracts.forEach((c, i) => {
      if (c.startsOn <= mEnd) contractIndex = i;
    });
    p.months.push({ month: m, hours: Math.max(0, hours), contractIndex, afYear: af.year });
  }
}

/**
 * Exit motifs, chosen so that the taux de sorties dynamiques of each exit year lands on its target:
 * among the exits that will be examined (domain rule meetsExaminedThreshold — iae-reference §6.3),
 * a running ratio decides dynamic vs other (error diffusion, deterministic); motif → group always
 * comes from the referential (never from the code).
 */
function assignExitMotifs(people: PersonPlan[], referential: ExitReferential, rnd: Random): void {
  const byGroup = new Map<ExitGroup, number[]>();
  for (const code of referential.motifs.keys()) {
    const g = exitGroupOfMotif(referential, code);
    const n = Number(code);
    if (n === 96) continue; // CDI inclusion: stays in the IAE, not a demo exit
    byGroup.set(g, [...(byGroup.get(g) ?? []), n]);
  }
  const pool = (g: ExitGroup): number[] => {
    const list = byGroup.get(g);
    if (!list || list.length === 0) throw new Error(`no exit motif of group ${g} in the referential`);
    return list;
  };
  const state = new Map<number, { examined: number; dynamic: number }>();
  const exiting = people
    .filter((p) => compareDates(p.end, DEMO_DATA_END) <= 0)
    .sort((a, b) => compareDates(a.end, b.end) || a.index - b.index);
  for (const p of exiting) {
    const year = yearOf(p.end);
    const lastYear = p.months.length > 0 ? (p.months[p.months.length - 1]?.afYear ?? year) : year;
    // Hours of the thresholds as the indicators count them (exitHours.ts): the exit year for ACI/EI/EITI, the last AF for AI/ETTI.
    const hours = p.months
      .filter((m) => (p.kind === "AI" || p.kind === "ETTI" ? m.afYear === lastYear : m.afYear === year))
      .reduce((acc, m) => acc + m.hours, 0);
    const examined = meetsExaminedThreshold({
      kind: p.kind,
      recruitmentStart: p.start,
      exitDate: p.end,
      hoursWorked: hours.toFixed(2),
      motifCode: "",
    });
    if (rnd.chance(RETRAIT_SHARE)) {
      p.exitMotif = rnd.pick(pool("retrait"));
      continue;
    }
    const s = state.get(year) ?? { examined: 0, dynamic: 0 };
    const target = DYNAMIC_EXIT_RATE[year] ?? 0.6;
    const dynamic = examined ? s.dynamic < target * (s.examined + 1) : rnd.chance(target);
    if (examined) {
      s.examined++;
      if (dynamic) s.dynamic++;
      state.set(year, s);
    }
    const group: ExitGroup = dynamic ? rnd.weighted(["durable", "transition", "positive"] as const, [40, 35, 25]) : "other";
    p.exitMotif = rnd.pick(pool(group));
  }
}
