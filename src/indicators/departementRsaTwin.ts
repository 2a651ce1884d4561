// Pure TypeScript twin of queryDepartementRsa (departementRsa.ts): the same RsaRaw from plain records, with
// the domain rules of src/domain/indicators (counting AFs, ≥ 1 h, entrants, examined exits). No I/O; used by
// the random-data equality test to check the SQL.
import { isWithin, monthKey, monthsCovered, monthsOverlap } from "../domain/calendar/isoDate.js";
import { countExaminedExits } from "../domain/exits/examined.js";
import type { ExitReferential } from "../domain/exits/referential.js";
import { exitRecordsFor, type RecruitmentExit } from "../domain/indicators/exitHours.js";
import { countingAfs } from "../domain/indicators/formulas.js";
import { addProrated } from "../domain/indicators/proration.js";
import type { AfRecord, ContractRecord, DeclarationRecord, Period } from "../domain/indicators/records.js";
import { Decimal, parseDecimal } from "../domain/money/money.js";
import { mesureCountsForPosts, SIAE_KINDS, type SiaeKind } from "../domain/structures/kinds.js";
import { emptyPeople, emptyRsaStructure, type RsaPeople, type RsaRaw, type RsaRawStructure } from "./departementRsa.js";

export interface TwinStructure {
  id: number;
  name: string;
  kind: SiaeKind;
  departement: string;
}

export interface RsaTwinInput {
  departement: string;
  period: Period;
  structures: readonly TwinStructure[];
  afs: readonly AfRecord[];
  declarations: readonly DeclarationRecord[];
  contracts: readonly ContractRecord[];
  exits: readonly RecruitmentExit[];
  /** Initial contract (recruitment) of every contract id. */
  recruitmentOf: ReadonlyMap<string, string>;
  /** Funding line codes whose financer is the département. */
  departementLines: ReadonlySet<string>;
  referential: ExitReferential;
}

const isRsa = (flag: string | null) => flag === "OUI-M" || flag === "OUI-NM";

export function departementRsaTwin(input: RsaTwinInput): RsaRaw {
  const { period } = input;
  const inScope = new Map(input.structures.filter((s) => s.departement === input.departement).map((s) => [String(s.id), s]));
  const rows = new Map<string, RsaRawStructure>();
  const row = (sid: string): RsaRawStructure => {
    let r = rows.get(sid);
    if (!r) {
      const s = inScope.get(sid);
      if (!s) throw new Error(`structure ${sid} hors du département`);
      r = emptyRsaStructure(s);
      rows.set(sid, r);
    }
    return r;
  };

  // ETP conventionnés, co-financed ETP and département amount of the counting AFs inside the period.
  const counting = countingAfs(input.afs.filter((a) => inScope.has(a.structureId)));
  for (const af of counting) {
    const inside = monthsOverlap(af.startDate, af.endDate, period.from, period.to);
    if (inside === 0) continue;
    const r = row(af.structureId);
    const etp = parseDecimal(af.etp, "rsa.af.etp").times(inside).dividedBy(12);
    const cd = Object.entries(af.funding ?? {})
      .filter(([code]) => input.departementLines.has(code))
      .reduce((acc, [, amount]) => acc.plus(parseDecimal(amount, "rsa.af.funding")), new Decimal(0));
    const total = parseDecimal(af.total, "rsa.af.total");
    r.etpConventionnes = new Decimal(r.etpConventionnes).plus(etp).toString();
    if (total.greaterThan(0)) r.etpCofinanced = new Decimal(r.etpCofinanced).plus(etp.times(cd).dividedBy(total)).toString();
    addProrated(r.cdAmount, cd, inside, monthsCovered(af.startDate, af.endDate));
  }

  // Present people (≥ 1 h over the group) and RSA among them.
  const afById = new Map(counting.map((a) => [a.id, a]));
  const contractById = new Map(input.contracts.map((c) => [c.id, c]));
  const first = monthKey(period.from);
  const last = monthKey(period.to);
  type Acc = Map<string, { hours: Decimal; rsa: boolean }>;
  const perStructure = new Map<string, Acc>();
  const perKind = new Map<SiaeKind, Acc>();
  const overall: Acc = new Map();
  const add = (acc: Acc, person: string, hours: Decimal, rsa: boolean) => {
    const p = acc.get(person) ?? { hours: new Decimal(0), rsa: false };
    acc.set(person, { hours: p.hours.plus(hours), rsa: p.rsa || rsa });
  };
  // RSA: a contract of the person in the structure flagged RSA and running in the period.
  const rsaIn = new Set(
    input.contracts
      .filter((c) => isRsa(c.rsa) && c.hiringDate <= period.to && (c.exitDate ?? c.endDate ?? period.to) >= period.from)
      .map((c) => `${c.structureId}|${c.personKey}`),
  );
  for (const d of input.declarations) {
    if (d.month < first || d.month > last) continue;
    const af = afById.get(d.afId);
    if (!af) continue;
    const s = inScope.get(af.structureId);
    if (!s) continue;
    const rsa = rsaIn.has(`${af.structureId}|${d.personKey}`);
    const hours = parseDecimal(d.hours, "rsa.declaration.hours");
    const sAcc = perStructure.get(af.structureId) ?? new Map();
    perStructure.set(af.structureId, sAcc);
    const kAcc = perKind.get(s.kind) ?? new Map();
    perKind.set(s.kind, kAcc);
    add(sAcc, d.personKey, hours, rsa);
    add(kAcc, d.personKey, hours, rsa);
    add(overall, d.personKey, hours, rsa);
  }
  const countInto = (target: RsaPeople, acc: Acc) => {
    const present = [...acc.values()].filter((p) => p.hours.greaterThanOrEqualTo(1));
    target.present = present.length;
    target.presentRsa = present.filter((p) => p.rsa).length;
  };
  const byKind = Object.fromEntries(SIAE_KINDS.map((k) => [k, emptyPeople()])) as Record<SiaeKind, RsaPeople>;
  const total = emptyPeople();
  for (const [sid, acc] of perStructure) {
    const people = emptyPeople();
    countInto(people, acc);
    if (people.present > 0) Object.assign(row(sid).people, { present: people.present, presentRsa: people.presentRsa });
  }
  for (const [kind, acc] of perKind) countInto(byKind[kind], acc);
  countInto(total, overall);

  // Entrants: initial contract hired in the period, mesure counting for posts.
  const entrants = input.contracts.filter(
    (c) => inScope.has(c.structureId) && c.rank === 0 && isWithin(c.hiringDate, period.from, period.to) && mesureCountsForPosts(c.mesure),
  );
  const countEntrants = (target: RsaPeople, list: readonly ContractRecord[]) => {
    target.entered = new Set(list.map((c) => c.personKey)).size;
    target.enteredRsa = new Set(list.filter((c) => isRsa(c.rsa)).map((c) => c.personKey)).size;
  };
  for (const sid of new Set(entrants.map((c) => c.structureId)))
    countEntrants(
      row(sid).people,
      entrants.filter((c) => c.structureId === sid),
    );
  for (const kind of SIAE_KINDS)
    countEntrants(
      byKind[kind],
      entrants.filter((c) => inScope.get(c.structureId)?.kind === kind),
    );
  countEntrants(total, entrants);

  // Examined exits of recruitments whose initial contract is RSA.
  const rsaExits = input.exits.filter((e) => inScope.has(e.structureId) && isRsa(contractById.get(e.recruitmentId)?.rsa ?? null));
  const records = exitRecordsFor(rsaExits, input.declarations, input.recruitmentOf, input.afs);
  for (const sid of new Set(records.map((r) => r.structureId))) {
    const counts = countExaminedExits(
      records.filter((r) => r.structureId === sid),
      input.referential,
      period.from,
      period.to,
    );
    if (counts.examined > 0) row(sid).exits = counts;
  }

  return { structures: [...rows.values()].sort((a, b) => a.id - b.id), byKind, total };
}
