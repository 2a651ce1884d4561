// Referentials read from the database in the shapes the pure domain rules take (barème, hours per
// ETP, exit referential, eligibility criteria). The tables are loaded from data/reference/ by
// src/db/seedReference.ts; reading them here keeps one source of truth for operations.
import type { BaremeRow } from "../domain/aid/bareme.js";
import type { AnnualHoursRow } from "../domain/aid/hours.js";
import type { AdministrativeCriterion } from "../domain/eligibility/criteria.js";
import { type ExitReferential, exitReferentialFrom } from "../domain/exits/referential.js";
import { Decimal } from "../domain/money/money.js";
import { loadBareme } from "../reference/loadReferenceFiles.js";
import type { Db } from "../db/schema.js";

let baremeCache: BaremeRow[] | null = null;

/**
 * The barème of the aide au poste, read from data/reference/passerelle/bareme_aide_au_poste.csv (the
 * file ref_aid_rate is loaded from). Read from the file rather than the table because the table's
 * loader currently keeps a single row (seedReference dedupes ref_aid_rate on its generated id —
 * reported to the lead); same data, same parser as the domain tests.
 */
export async function loadBaremeRows(_db: Db): Promise<BaremeRow[]> {
  baremeCache ??= loadBareme();
  return baremeCache;
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
    motifs.map((m) => ({ code: String(m.code), label: m.label, categoryCode: String(m.category_code), confidence: m.confidence as "H" | "M" | "L" })),
  );
}

export async function loadCriteria(db: Db): Promise<AdministrativeCriterion[]> {
  const rows = await db.selectFrom("ref_eligibility_criterion").selectAll().execute();
  return rows.map((r, i) => ({ kind: r.code, level: r.level === 1 ? 1 : 2, name: r.label, writtenProof: r.written_proof ?? "", writtenProofValidity: r.proof_validity ?? "", uiRank: i }));
}
