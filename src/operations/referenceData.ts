// Referentials read from the database in the shapes the pure domain rules take (barème, hours per
// ETP, exit referential, eligibility criteria). The tables are loaded from data/reference/ by
// src/db/seedReference.ts; reading them here keeps one source of truth for operations.
import type { BaremeKind, BaremeRow, Territory } from "../domain/aid/bareme.js";
import type { AnnualHoursRow } from "../domain/aid/hours.js";
import type { AdministrativeCriterion } from "../domain/eligibility/criteria.js";
import { type ExitReferential, exitReferentialFrom } from "../domain/exits/referential.js";
import { Decimal } from "../domain/money/money.js";
import type { Db } from "../db/schema.js";

/** The barème of the aide au poste (ref_aid_rate, loaded from bareme_aide_au_poste.csv). */
export async function loadBaremeRows(db: Db): Promise<BaremeRow[]> {
  const rows = await db.selectFrom("ref_aid_rate").selectAll().orderBy("kind").orderBy("territory").orderBy("valid_from").execute();
  return rows.map((r) => ({
    kind: r.kind as BaremeKind,
    territory: r.territory as Territory,
    validFrom: r.valid_from,
    validTo: r.valid_to,
    unitAmount: new Decimal(r.unit_amount),
    accompanimentAmount: r.accompaniment_amount === null ? null : new Decimal(r.accompaniment_amount),
    confidence: r.confidence as "H" | "M" | "L",
    source: r.source,
  }));
}

export async function loadAnnualHoursRows(db: Db): Promise<AnnualHoursRow[]> {
  const rows = await db.selectFrom("ref_annual_hours").selectAll().execute();
  return rows.map((r) => ({ kind: r.kind, hours: new Decimal(r.hours), confidence: r.confidence, source: "ref_annual_hours" }));
}

export async function loadExitReferentialFromDb(db: Db): Promise<ExitReferential> {
  const categories = await db.selectFrom("ref_exit_category").selectAll().execute();
  const motifs = await db.selectFrom("ref_exit_motif").selectAll().execute();
  return exitReferentialFrom(
    categories.map((c) => ({ code: String(c.code), label: c.label, group: c.grp, confidence: c.confidence as "H" | "M" | "L" })),
    motifs.map((m) => ({
      code: String(m.code),
      label: m.label,
      categoryCode: String(m.category_code),
      confidence: m.confidence as "H" | "M" | "L",
    })),
  );
}

export async function loadCriteria(db: Db): Promise<AdministrativeCriterion[]> {
  const rows = await db.selectFrom("ref_eligibility_criterion").selectAll().execute();
  return rows.map((r, i) => ({
    kind: r.code,
    level: r.level === 1 ? 1 : 2,
    name: r.label,
    writtenProof: r.written_proof ?? "",
    writtenProofValidity: r.proof_validity ?? "",
    uiRank: i,
  }));
}
