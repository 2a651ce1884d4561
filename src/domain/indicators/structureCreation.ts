import { addYears, type IsoDate, isWithin, parts } from "../calendar/isoDate.js";
import { SIAE_KINDS, type SiaeKind } from "../structures/kinds.js";
import { countingAfs, type StructureCounts } from "./formulas.js";
import type { AfRecord, Period } from "./records.js";

export interface StructureRecord {
  id: string;
  kind: SiaeKind;
  /** structure.created_on: first conventionnement; null when unknown (never counted as created). */
  createdOn: IsoDate | null;
}

const emptyByKind = () => Object.fromEntries(SIAE_KINDS.map((k) => [k, 0])) as Record<SiaeKind, number>;

// Rule: structures created in a period = structures whose first conventionnement (created_on) is in the period, by kind — iae-reference §10 (préfecture communiqués)
export function structuresCreated(structures: readonly StructureRecord[], period: Period): StructureCounts {
  const byKind = emptyByKind();
  let total = 0;
  for (const s of structures) {
    if (s.createdOn === null || !isWithin(s.createdOn, period.from, period.to)) continue;
    byKind[s.kind]++;
    total++;
  }
  return { total, byKind };
}

/** First day of the "last two years" window ending at `at`: 1 January of the previous year. */
export function lastTwoYearsStart(at: IsoDate): IsoDate {
  const [y] = parts(addYears(at, -1));
  return `${String(y).padStart(4, "0")}-01-01`;
}

// Rule: "créées au cours des deux dernières années" = conventioned at `at` (structuresByKindAt) and created_on between 1 January of the previous year and `at` — iae-reference §10
// Choice [M]: the communiqués say "created in the last two years" without a precise window; calendar years N-1 and N are used.
export function structuresCreatedLastTwoYears(structures: readonly StructureRecord[], afs: readonly AfRecord[], at: IsoDate): number {
  const active = new Set(
    countingAfs(afs)
      .filter((af) => isWithin(at, af.startDate, af.endDate))
      .map((af) => `${af.structureId}|${af.kind}`),
  );
  const from = lastTwoYearsStart(at);
  return structures.filter((s) => active.has(`${s.id}|${s.kind}`) && s.createdOn !== null && isWithin(s.createdOn, from, at)).length;
}
