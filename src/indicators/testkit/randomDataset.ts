// Random IAE datasets for the SQL-vs-twin equality tests (seeded PRNG: a failing seed is reproducible).
// The same dataset is inserted in the database and converted to the twin's plain records.
// Edge cases generated on purpose: AF versions (HISTORISE/BROUILLON/ANNULE rows beside the current one),
// AFs spanning two years, FDI annexes, declarations on non-current versions, people in two structures,
// renewals, exits below the examined thresholds, retraits, fractional hours (< 1 h over a period).
import { type Kysely, sql } from "kysely";
import type { Database } from "../../db/schema.js";
import { addDays, type IsoDate, monthKey, monthKeysBetween } from "../../domain/calendar/isoDate.js";
import { mulberry32 } from "../../domain/random.js";
import type { AfState } from "../../domain/conventions/states.js";
import type { RecruitmentExit } from "../../domain/indicators/exitHours.js";
import type { AfRecord, ContractRecord, DeclarationRecord, RsaFlag } from "../../domain/indicators/records.js";
import type { SiaeKind } from "../../domain/structures/kinds.js";

export interface DsStructure {
  id: number;
  kind: SiaeKind;
  departement: string;
  createdOn: IsoDate | null;
}
export interface DsAf {
  id: number;
  structureId: number;
  mesure: string;
  prefix: string;
  renewal: number;
  modification: number;
  state: AfState;
  startsOn: IsoDate;
  endsOn: IsoDate;
  etp: string;
  annualHours: string;
  total: string;
  cofinanced: string;
  modulated: string | null;
  funding: Record<string, string>;
}
export interface DsContract {
  id: number;
  personId: number;
  structureId: number;
  recruitmentId: number | null;
  rank: number;
  mesure: string;
  startsOn: IsoDate;
  plannedEndOn: IsoDate;
  exitOn: IsoDate | null;
  rsa: RsaFlag;
}
export interface DsDeclaration {
  id: number;
  annexId: number;
  contractId: number;
  personId: number;
  structureId: number;
  month: IsoDate;
  hours: string;
}
export interface DsExit {
  id: number;
  recruitmentId: number;
  personId: number;
  structureId: number;
  exitOn: IsoDate;
  motif: number;
}
export interface Dataset {
  structures: DsStructure[];
  groupMembers: number[];
  groupId: number;
  persons: number[];
  afs: DsAf[];
  contracts: DsContract[];
  declarations: DsDeclaration[];
  exits: DsExit[];
}

const KINDS: SiaeKind[] = ["ACI", "AI", "EI", "ETTI", "EITI"];
const DEPARTEMENTS = ["62", "59", "80", "75"];
const MOTIFS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 14, 16, 17, 19, 96];
const HOURS_BY_KIND: Record<SiaeKind, string> = { ACI: "1820", AI: "1607", EI: "1505", ETTI: "1505", EITI: "1607" };

export interface DatasetOptions {
  structures?: number;
  persons?: number;
  idBase?: number;
  /**
   * Share of declarations recorded on an annex of the structure whose own period does not cover the month (the
   * FluxIAE import does not refuse them): the indicators count hours by the month declared. 0 by default.
   */
  strayDeclarations?: number;
}

export function randomDataset(seed: number, options: DatasetOptions = {}): Dataset {
  const rnd = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const base = options.idBase ?? 1000;
  let next = base;
  const id = () => ++next;
  const date = (y: number, m: number, d = 1) => `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;

  const structures: DsStructure[] = [];
  for (let i = 0; i < (options.structures ?? 8); i++) {
    const created = rnd() < 0.2 ? null : date(int(2014, 2019), int(1, 12), int(1, 28));
    structures.push({ id: id(), kind: pick(KINDS), departement: pick(DEPARTEMENTS), createdOn: created });
  }
  const afs: DsAf[] = [];
  let prefixNo = seed % 1000;
  for (const s of structures) {
    const prefixes = int(1, 2);
    for (let p = 0; p < prefixes; p++) {
      const fdi = s.kind === "ACI" && rnd() < 0.15;
      const mesure = fdi ? "FDI_DC" : `${s.kind}_DC`;
      // The AF number carries the département of the convention (migration 0411): the structure's own here.
      const prefix = `${s.kind}0${s.departement}${String(++prefixNo).padStart(6, "0")}`;
      const spanning = rnd() < 0.3;
      for (let renewal = 0; renewal < 3; renewal++) {
        const year = 2017 + renewal;
        const startsOn = spanning ? date(year, 7) : date(year, 1);
        const endsOn = spanning ? `${year + 1}-06-30` : `${year}-12-31`;
        const versions = int(1, 3);
        for (let m = 0; m < versions; m++) {
          const last = m === versions - 1;
          // Below the last version: mostly historised ones, sometimes a validated one — a draft amendment
          // (BROUILLON/SAISI) above a VALIDE version must leave the VALIDE one counting.
          const state: AfState = last
            ? pick(["VALIDE", "VALIDE", "VALIDE", "PROVISOIRE", "CLOTURE", "BROUILLON", "SAISI"] as const)
            : pick(["HISTORISE", "HISTORISE", "ANNULE", "REJETE", "VALIDE", "PROVISOIRE"] as const);
          const etp = (int(50, 2000) / 100).toFixed(2);
          const total = (int(100000, 9000000) / 100).toFixed(2);
          const cof = rnd() < 0.5 ? "0.00" : (Math.floor(Number(total) * rnd() * 30) / 100).toFixed(2);
          const funding: Record<string, string> = {};
          const erbm = rnd() < 0.3 ? (Math.floor((Number(total) - Number(cof)) * 10 * rnd()) / 100).toFixed(2) : "0.00";
          funding.ETAT_DROIT_COMMUN = (Number(total) - Number(cof) - Number(erbm)).toFixed(2);
          if (erbm !== "0.00") funding.ERBM = erbm;
          if (cof !== "0.00") funding.CONSEIL_DEPARTEMENTAL = cof;
          afs.push({
            id: id(),
            structureId: s.id,
            mesure,
            prefix,
            renewal,
            modification: m,
            state,
            startsOn,
            endsOn,
            etp,
            annualHours: HOURS_BY_KIND[s.kind],
            total,
            cofinanced: cof,
            modulated: rnd() < 0.5 ? (int(0, 500000) / 100).toFixed(2) : null,
            funding,
          });
        }
      }
    }
  }
  const groupMembers = structures.filter(() => rnd() < 0.4).map((s) => s.id);
  const groupId = id();
  const persons = Array.from({ length: options.persons ?? 30 }, () => id());
  const contracts: DsContract[] = [];
  const declarations: DsDeclaration[] = [];
  const exits: DsExit[] = [];
  const declKeys = new Set<string>();
  for (const personId of persons) {
    const recruitments = rnd() < 0.3 ? 2 : 1; // some people in two structures
    for (let r = 0; r < recruitments; r++) {
      const s = pick(structures);
      const start = date(int(2017, 2019), int(1, 12), int(1, 28));
      const chain = rnd() < 0.3 ? 2 : 1;
      const rsa = pick(["NON", "NON", "OUI-M", "OUI-NM"] as const);
      let chainStart = start;
      let recruitmentId: number | null = null;
      const exitAtAll = rnd() < 0.6;
      for (let rank = 0; rank < chain; rank++) {
        const lengthDays = int(20, 300);
        const plannedEnd = addDays(chainStart, lengthDays);
        const exitOn = exitAtAll ? addDays(chainStart, int(0, lengthDays)) : null;
        const c: DsContract = {
          id: id(),
          personId,
          structureId: s.id,
          recruitmentId,
          rank,
          mesure: rnd() < 0.05 ? "FDI_DC" : `${s.kind}_DC`,
          startsOn: chainStart,
          plannedEndOn: plannedEnd,
          exitOn,
          rsa,
        };
        contracts.push(c);
        if (recruitmentId === null) recruitmentId = c.id;
        const structureAfs = afs.filter((a) => a.structureId === s.id);
        for (const month of monthKeysBetween(chainStart, exitOn ?? plannedEnd)) {
          const covering = structureAfs.filter((a) => monthKey(a.startsOn) <= month && monthKey(a.endsOn) >= month);
          if (covering.length === 0 || rnd() < 0.1) continue;
          const stray = (options.strayDeclarations ?? 0) > 0 && rnd() < (options.strayDeclarations ?? 0);
          const af = pick(stray ? structureAfs : covering);
          const key = `${af.id}|${c.id}|${month}`;
          if (declKeys.has(key)) continue;
          declKeys.add(key);
          const hours = rnd() < 0.15 ? (int(0, 99) / 100).toFixed(2) : (int(100, 15167) / 100).toFixed(2);
          declarations.push({ id: id(), annexId: af.id, contractId: c.id, personId, structureId: s.id, month: `${month}-01`, hours });
        }
        chainStart = addDays(exitOn ?? plannedEnd, 1);
      }
      if (exitAtAll && recruitmentId !== null) {
        const chainContracts = contracts.filter((c) => (c.recruitmentId ?? c.id) === recruitmentId);
        const exitOn =
          chainContracts
            .map((c) => c.exitOn ?? c.startsOn)
            .sort()
            .at(-1) ?? start;
        exits.push({ id: id(), recruitmentId, personId, structureId: s.id, exitOn, motif: pick(MOTIFS) });
      }
    }
  }
  return { structures, groupMembers, groupId, persons, afs, contracts, declarations, exits };
}

const csvDate = (d: string | null) => d;

/** Inserts the dataset (ids forced) through plain INSERTs; triggers maintain the rollups. */
export async function insertDataset(db: Kysely<Database>, ds: Dataset): Promise<void> {
  const values = <T>(rows: readonly T[], f: (r: T) => ReturnType<typeof sql>) => sql.join(rows.map(f));
  await sql`INSERT INTO structure (id, kind, asp_id, name, departement_code, created_on) OVERRIDING SYSTEM VALUE VALUES ${values(
    ds.structures,
    (s) => sql`(${s.id}, ${s.kind}, ${s.id}, ${`Structure ${s.id}`}, ${s.departement}, ${csvDate(s.createdOn)}::date)`,
  )}`.execute(db);
  await sql`INSERT INTO structure_group (id, name) OVERRIDING SYSTEM VALUE VALUES (${ds.groupId}, ${`Groupe ${ds.groupId}`})`.execute(db);
  if (ds.groupMembers.length > 0)
    await sql`INSERT INTO structure_group_member (group_id, structure_id) VALUES ${values(ds.groupMembers, (m) => sql`(${ds.groupId}, ${m})`)}`.execute(
      db,
    );
  await sql`INSERT INTO financial_annex (id, structure_id, number_prefix, renewal, modification, mesure_code, state, starts_on, ends_on, etp,
      annual_hours, total_amount, cofinanced, cofinanced_amount, modulated_amount) OVERRIDING SYSTEM VALUE VALUES ${values(
        ds.afs,
        (a) =>
          sql`(${a.id}, ${a.structureId}, ${a.prefix}, ${a.renewal}, ${a.modification}, ${a.mesure}, ${a.state}, ${a.startsOn}::date, ${a.endsOn}::date,
          ${a.etp}::numeric, ${a.annualHours}::numeric, ${a.total}::numeric, ${a.cofinanced !== "0.00"}, ${a.cofinanced}::numeric, ${a.modulated}::numeric)`,
      )}`.execute(db);
  const funding = ds.afs.flatMap((a) => Object.entries(a.funding).map(([line, amount]) => ({ annexId: a.id, line, amount })));
  if (funding.length > 0)
    await sql`INSERT INTO financial_annex_funding (annex_id, funding_line_code, amount) VALUES ${values(funding, (f) => sql`(${f.annexId}, ${f.line}, ${f.amount}::numeric)`)}`.execute(
      db,
    );
  await sql`INSERT INTO person (id, nir_hash) OVERRIDING SYSTEM VALUE VALUES ${values(ds.persons, (p) => sql`(${p}, ${p.toString(16).padStart(64, "0")})`)}`.execute(
    db,
  );
  await sql`INSERT INTO contract (id, person_id, structure_id, recruitment_id, rank, mesure_code, contract_type, starts_on, planned_end_on, exit_on, rsa)
    OVERRIDING SYSTEM VALUE VALUES ${values(
      ds.contracts,
      (c) =>
        sql`(${c.id}, ${c.personId}, ${c.structureId}, ${c.recruitmentId}, ${c.rank}, ${c.mesure}, 'CDDI', ${c.startsOn}::date, ${c.plannedEndOn}::date, ${c.exitOn}::date, ${c.rsa})`,
    )}`.execute(db);
  for (let i = 0; i < ds.declarations.length; i += 500) {
    const chunk = ds.declarations.slice(i, i + 500);
    await sql`INSERT INTO monthly_declaration (id, annex_id, contract_id, person_id, structure_id, month, hours) OVERRIDING SYSTEM VALUE VALUES ${values(
      chunk,
      (d) => sql`(${d.id}, ${d.annexId}, ${d.contractId}, ${d.personId}, ${d.structureId}, ${d.month}::date, ${d.hours}::numeric)`,
    )}`.execute(db);
  }
  if (ds.exits.length > 0)
    await sql`INSERT INTO exit (id, recruitment_id, person_id, structure_id, exit_on, motif_code) OVERRIDING SYSTEM VALUE VALUES ${values(
      ds.exits,
      (e) => sql`(${e.id}, ${e.recruitmentId}, ${e.personId}, ${e.structureId}, ${e.exitOn}::date, ${e.motif})`,
    )}`.execute(db);
}

/** The twin's records for the dataset. */
export function twinRecords(ds: Dataset): { afs: AfRecord[]; declarations: DeclarationRecord[]; contracts: ContractRecord[] } {
  const kindOf = new Map(ds.structures.map((s) => [s.id, s.kind]));
  const afs: AfRecord[] = ds.afs.map((a) => ({
    id: String(a.id),
    structureId: String(a.structureId),
    kind: kindOf.get(a.structureId) as SiaeKind,
    mesure: a.mesure,
    prefix: a.prefix,
    renewal: a.renewal,
    modification: a.modification,
    state: a.state,
    startDate: a.startsOn,
    endDate: a.endsOn,
    etp: a.etp,
    total: a.total,
    cofinancedAmount: a.cofinanced,
    hoursPerEtp: a.annualHours,
    modulatedAmount: a.modulated,
    funding: a.funding,
  }));
  const declarations: DeclarationRecord[] = ds.declarations.map((d) => ({
    afId: String(d.annexId),
    personKey: String(d.personId),
    structureId: String(d.structureId),
    month: d.month.slice(0, 7),
    hours: d.hours,
    contractId: String(d.contractId),
  }));
  const contracts: ContractRecord[] = ds.contracts.map((c) => ({
    id: String(c.id),
    personKey: String(c.personId),
    structureId: String(c.structureId),
    kind: kindOf.get(c.structureId) as SiaeKind,
    mesure: c.mesure,
    rank: c.rank,
    hiringDate: c.startsOn,
    endDate: c.plannedEndOn,
    exitDate: c.exitOn,
    rsa: c.rsa,
  }));
  return { afs, declarations, contracts };
}

/** The twin's exits of the dataset (those of the structures `keep` accepts) and each contract's recruitment. */
export function twinExits(
  ds: Dataset,
  keep: (structureId: number) => boolean = () => true,
): { exits: RecruitmentExit[]; recruitmentOf: Map<string, string> } {
  const contractById = new Map(ds.contracts.map((c) => [c.id, c]));
  const kindOf = new Map(ds.structures.map((s) => [s.id, s.kind]));
  const exits = ds.exits
    .filter((e) => keep(e.structureId))
    .map((e): RecruitmentExit => {
      const initial = contractById.get(e.recruitmentId);
      if (!initial) throw new Error("exit without contract");
      return {
        recruitmentId: String(e.recruitmentId),
        personKey: String(e.personId),
        structureId: String(e.structureId),
        kind: kindOf.get(e.structureId) as SiaeKind,
        mesure: initial.mesure,
        recruitmentStart: initial.startsOn,
        exitDate: e.exitOn,
        motifCode: String(e.motif),
      };
    });
  const recruitmentOf = new Map(ds.contracts.map((c) => [String(c.id), String(c.recruitmentId ?? c.id)]));
  return { exits, recruitmentOf };
}
