import { compareDates, type IsoDate } from "../calendar/isoDate.js";
import { DomainRuleError } from "../errors.js";
import { Decimal, parseDecimal } from "../money/money.js";
import { mesureCountsForPosts, type SiaeKind } from "../structures/kinds.js";
import { countingAfs } from "./formulas.js";
import type { AfRecord, DeclarationRecord, ExitRecord } from "./records.js";

/** One exit as stored (table exit): a recruitment (initial contract id) that ended. */
export interface RecruitmentExit {
  recruitmentId: string;
  personKey: string;
  structureId: string;
  kind: SiaeKind;
  /** Mesure of the initial contract of the recruitment. */
  mesure: string;
  /** Hiring date of the initial contract. */
  recruitmentStart: IsoDate;
  exitDate: IsoDate;
  motifCode: string;
}

/**
 * Builds the exit candidates of the examined-exit rules from the stored exits, the declarations
 * (with their contract) and the recruitment of each contract (initial contract id = recruitment id).
 */
// Rule: exits of mesures that do not count for posts (FDI, ACIPA/EIPA) are not examined — iae-reference §6.3
// Rule: hours used by the thresholds come from the monthly declarations on counting AFs (VALIDE/PROVISOIRE/CLOTURE, current version) — iae-reference §6.3
// Rule: ACI/EI/EITI: hours in the calendar year of the exit — the Pilotage sums hours per salarié × AF × year and keeps
// the exit when ≥ 1 h was worked "dans l'année de sortie" (pilotage-airflow dbt/models/staging/properties.yml
// stg_sorties_aci_ei, stg_sorties_eiti.sql); an AF covers one calendar year (conventions/annexPeriod.ts), so these are the
// hours of the counting AFs whose period meets the exit year. AI/ETTI: hours "on the last AF" — iae-reference §6.3
// Choice [M]: "last AF" = the counting AF(s) with the latest start date among those on which the recruitment has at least one
// declaration (ties summed); the reference implementation's exact tie-break is not documented.
export function exitRecordsFor(
  exits: readonly RecruitmentExit[],
  declarations: readonly DeclarationRecord[],
  recruitmentOfContract: ReadonlyMap<string, string>,
  afs: readonly AfRecord[],
): ExitRecord[] {
  const counting = new Map(countingAfs(afs).map((af) => [af.id, af]));
  const byRecruitment = new Map<string, Map<string, Decimal>>();
  for (const d of declarations) {
    if (d.contractId === undefined) throw new DomainRuleError("indicators.declaration.contractId", d, "contrat de la déclaration inconnu");
    const af = counting.get(d.afId);
    if (!af) continue;
    const recruitment = recruitmentOfContract.get(d.contractId);
    if (recruitment === undefined)
      throw new DomainRuleError("indicators.declaration.contractId", d.contractId, "recrutement du contrat inconnu");
    const perAf = byRecruitment.get(recruitment) ?? new Map<string, Decimal>();
    perAf.set(af.id, (perAf.get(af.id) ?? new Decimal(0)).plus(parseDecimal(d.hours, "indicators.declaration.hours")));
    byRecruitment.set(recruitment, perAf);
  }
  const out: ExitRecord[] = [];
  for (const e of exits) {
    if (!mesureCountsForPosts(e.mesure)) continue;
    const perAf = byRecruitment.get(e.recruitmentId) ?? new Map<string, Decimal>();
    let hours = new Decimal(0);
    if (e.kind === "AI" || e.kind === "ETTI") {
      let lastStart: IsoDate | null = null;
      for (const afId of perAf.keys()) {
        const start = counting.get(afId)?.startDate;
        if (start !== undefined && (lastStart === null || compareDates(start, lastStart) > 0)) lastStart = start;
      }
      for (const [afId, h] of perAf) if (counting.get(afId)?.startDate === lastStart) hours = hours.plus(h);
    } else {
      const year = e.exitDate.slice(0, 4);
      for (const [afId, h] of perAf) {
        const af = counting.get(afId);
        if (af !== undefined && af.startDate.slice(0, 4) <= year && af.endDate.slice(0, 4) >= year) hours = hours.plus(h);
      }
    }
    out.push({
      personKey: e.personKey,
      structureId: e.structureId,
      kind: e.kind,
      recruitmentStart: e.recruitmentStart,
      exitDate: e.exitDate,
      hoursWorked: hours.toString(),
      motifCode: e.motifCode,
    });
  }
  return out;
}
