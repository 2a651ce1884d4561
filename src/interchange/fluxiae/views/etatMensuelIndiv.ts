// fluxIAE_EtatMensuelIndiv (≈ 7 million rows nationally) → monthly_declaration, streamed:
// rows are parsed one at a time and COPYed into a temporary staging table (COPY on both engines), then
// one INSERT … SELECT … ON CONFLICT (annex_id, contract_id, month) DO UPDATE upserts them, only
// touching rows whose values changed (a plain INSERT when the delivery's contracts have no declaration yet).
// Memory stays flat whatever the size of the file.
//  - emi_afi_id → the AF (af_id_annexe_financiere, shared by its versions): the current version, i.e.
//    the version in force (highest VALIDE/PROVISOIRE/CLOTURE, as the indicators count it: view counting_annex),
//    else the highest not HISTORISE/ANNULE/REJETE, else the latest — a draft amendment never takes the hours;
//  - emi_ctr_id → contract (contrat_id_ctr); the person and structure are those of the contract;
//  - month = emi_sme_annee / emi_sme_mois; hours = emi_nb_heures_travail; billed = emi_nb_heures_facturees;
//    gross pay = emi_mt_salaire_brut; exit motif = emi_motif_sortie_code when the referential knows it.
// Rollups: statement triggers on monthly_declaration keep them right (src/db/rollups.ts: writers do nothing)
// — except for a bulk load (see mergeWithoutTriggers below), which rebuilds them once.
import { sql } from "kysely";
import { toCsvLine } from "../../../db/bulkLoad.js";
import type { Db } from "../../../db/schema.js";
import { canSkipTriggers, foreignKeyViolations, rebuildRollupsWithoutTriggers } from "../../../db/bulkWithoutTriggers.js";
import { type FluxImportContext, rejectRow, timed } from "../importContext.js";
import type { OpenedView } from "../reader.js";
import { RowFields } from "../rowFields.js";

const STAGE_COLUMNS = ["line", "afi", "ctr", "month", "hours", "billed", "pay", "state", "motif", "validated_at"] as const;

// Rule: an EMI is final once validated by the SIAE (emi_esm_etat_code VALIDE) [L: other state codes of
// RefEtatSuiviMensuel are taken as not yet validated] — iae-reference §7.1
function stateOf(code: string | null): "VALIDE" | "BROUILLON" {
  return code === null || code.toUpperCase().startsWith("VALID") ? "VALIDE" : "BROUILLON";
}

export async function importEtatMensuelIndivView(ctx: FluxImportContext, view: OpenedView): Promise<void> {
  const db = ctx.tx.db;
  await sql`CREATE TEMP TABLE IF NOT EXISTS emi_stage (
    line integer NOT NULL, afi bigint NOT NULL, ctr bigint NOT NULL, month date NOT NULL, hours numeric(7, 2) NOT NULL,
    billed numeric(7, 2), pay numeric(10, 2), state text NOT NULL, motif integer, validated_at timestamp
  ) ON COMMIT DROP`.execute(db);
  await sql`TRUNCATE emi_stage`.execute(db);
  const tally = ctx.tally;
  const file = view.file;
  async function* lines(): AsyncGenerator<string> {
    for await (const record of view.records()) {
      tally.rowsRead++;
      const f = new RowFields(record.values);
      if (record.problem) f.problem(null, record.problem);
      const afi = f.integer("emi_afi_id", true);
      const ctr = f.integer("emi_ctr_id", true);
      f.integer("emi_pph_id", true);
      const month = f.integer("emi_sme_mois", true);
      const year = f.integer("emi_sme_annee", true);
      if (month !== null && (month < 1 || month > 12)) f.problem("emi_sme_mois", `mois ${month} hors de 1 à 12`);
      if (year !== null && (year < 1990 || year > 2100)) f.problem("emi_sme_annee", `année ${year} invalide`);
      const hours = f.decimal("emi_nb_heures_travail", 2, true);
      if (hours !== null && (Number(hours) < 0 || Number(hours) > 744))
        f.problem("emi_nb_heures_travail", `${hours} heures dans un mois (0 à 744)`);
      const billed = f.decimal("emi_nb_heures_facturees");
      if (billed !== null && Number(billed) < 0) f.problem("emi_nb_heures_facturees", "nombre d'heures négatif");
      const pay = f.decimal("emi_mt_salaire_brut");
      if (pay !== null && Number(pay) < 0) f.problem("emi_mt_salaire_brut", "montant négatif");
      const motifRaw = f.text("emi_motif_sortie_code");
      const validatedAt = f.timestamp("emi_date_validation");
      if (f.issues.length > 0 || afi === null || ctr === null || month === null || year === null || hours === null) {
        rejectRow(ctx, file, record, f.issues);
        continue;
      }
      const monthDate = `${year}-${String(month).padStart(2, "0")}-01`;
      const motif = motifRaw && /^\d{1,6}$/.test(motifRaw) ? Number(motifRaw) : null;
      yield toCsvLine([record.line, afi, ctr, monthDate, hours, billed, pay, stateOf(f.text("emi_esm_etat_code")), motif, validatedAt]);
    }
  }
  const staged = await timed(ctx, "lecture + COPY", () => ctx.tx.bulk.copyCsv("emi_stage", STAGE_COLUMNS, lines()));

  await sql`ANALYZE emi_stage`.execute(db);
  // The statements below sort and hash the whole staging table (millions of rows nationally): give them
  // memory for this transaction only, instead of spilling to disk by 4 MB runs.
  await sql`SET LOCAL work_mem = '64MB'`.execute(db);
  // Each AF id of the file resolved once to its current version (not once per row).
  await sql`DROP TABLE IF EXISTS emi_annex`.execute(db);
  await sql`CREATE TEMP TABLE emi_annex ON COMMIT DROP AS
    SELECT DISTINCT ON (s.afi) s.afi, a.id AS annex_id
    FROM (SELECT DISTINCT afi FROM emi_stage) s
    JOIN financial_annex a ON a.extra->>'af_id_annexe_financiere' = s.afi::text
    ORDER BY s.afi, (a.state IN ('VALIDE', 'PROVISOIRE', 'CLOTURE')) DESC, (a.state NOT IN ('HISTORISE', 'ANNULE', 'REJETE')) DESC, a.renewal DESC, a.modification DESC`.execute(
    db,
  );
  await sql`ANALYZE emi_annex`.execute(db);

  // Rows that cannot be attached (unknown AF or contract) are rejected with their line.
  const orphans = await sql<{ line: number; afi: string; ctr: string; missing: string }>`
    SELECT s.line, s.afi::text AS afi, s.ctr::text AS ctr, CASE WHEN ea.afi IS NULL THEN 'af' ELSE 'contract' END AS missing
    FROM emi_stage s LEFT JOIN emi_annex ea ON ea.afi = s.afi LEFT JOIN contract c ON c.asp_contract_id = s.ctr
    WHERE ea.afi IS NULL OR c.id IS NULL
    ORDER BY s.line`.execute(db);
  for (const o of orphans.rows) {
    tally.reject(
      o.missing === "af"
        ? {
            file,
            line: o.line,
            column: "emi_afi_id",
            reason: `annexe financière ASP n°${o.afi} inconnue : importez la vue AnnexeFinanciere`,
          }
        : { file, line: o.line, column: "emi_ctr_id", reason: `contrat ASP n°${o.ctr} inconnu : importez la vue ContratMission` },
    );
  }
  // The same (AF, contract, month) twice: the last line wins, the others are merged (reported).
  const duplicates = await sql<{ line: number; kept: number }>`
    SELECT line, kept FROM (
      SELECT line, max(line) OVER (PARTITION BY afi, ctr, month) AS kept FROM emi_stage
    ) d WHERE line <> kept ORDER BY line`.execute(db);
  for (const d of duplicates.rows) {
    tally.warn({
      file,
      line: d.line,
      column: "emi_sme_mois",
      reason: `même annexe, contrat et mois que la ligne ${d.kept} : la dernière ligne l'emporte`,
    });
  }
  tally.unchanged += duplicates.rows.length;
  // Keys attached (an AF and a contract found): every key of the file but the duplicates' and the orphans'.
  // A key is an orphan on all its lines or on none; its kept line is the one not listed as a duplicate.
  const duplicateLines = new Set(duplicates.rows.map((d) => d.line));
  const orphanKeys = orphans.rows.filter((o) => !duplicateLines.has(o.line)).length;
  const total = staged - duplicates.rows.length - orphanKeys;

  const bulk = await bulkMergePlan(db, ctx.bulkMinRows ?? 10_000);
  // Without repeated keys the staging table is read as it is, without sorting it for DISTINCT ON.
  const source =
    duplicates.rows.length === 0
      ? sql`emi_stage`
      : sql`(SELECT DISTINCT ON (afi, ctr, month) * FROM emi_stage ORDER BY afi, ctr, month, line DESC)`;
  const rows = sql`
    SELECT ea.annex_id, c.id, c.person_id, c.structure_id, s.month, s.hours, s.billed, s.pay, s.state, m.code, s.validated_at
    FROM ${source} s
    JOIN contract c ON c.asp_contract_id = s.ctr
    JOIN emi_annex ea ON ea.afi = s.afi
    LEFT JOIN ref_exit_motif m ON m.code = s.motif`;
  const columns = sql`(annex_id, contract_id, person_id, structure_id, month, hours, billed_hours, gross_pay, state, exit_motif_code, validated_at)`;
  // No declaration yet on the delivery's contracts (the key holds the contract): nothing can conflict, a plain
  // INSERT spares the speculative insertion of ON CONFLICT and the RETURNING rows. A concurrent writer of the
  // same keys would make it fail on the unique key, and the whole import roll back.
  const insertOnly = async () => {
    const r = await sql`INSERT INTO monthly_declaration ${columns} ${rows}`.execute(db);
    const n = Number(r.numAffectedRows ?? 0);
    return { rows: [{ inserted: n, written: n }] };
  };
  const merge = () =>
    sql<{ inserted: number; written: number }>`
    WITH w AS (
    INSERT INTO monthly_declaration ${columns}
    ${rows}
    ON CONFLICT (annex_id, contract_id, month) DO UPDATE SET
      hours = EXCLUDED.hours, billed_hours = EXCLUDED.billed_hours, gross_pay = EXCLUDED.gross_pay, state = EXCLUDED.state,
      exit_motif_code = EXCLUDED.exit_motif_code, validated_at = EXCLUDED.validated_at, person_id = EXCLUDED.person_id,
      structure_id = EXCLUDED.structure_id, updated_at = now(),
      -- An AI's company hours stated in Passerelle (the ASP's file has none) stay within the ASP's hours.
      company_hours = CASE WHEN monthly_declaration.company_hours > EXCLUDED.hours THEN EXCLUDED.hours ELSE monthly_declaration.company_hours END
    WHERE (monthly_declaration.hours, monthly_declaration.billed_hours, monthly_declaration.gross_pay, monthly_declaration.state,
           monthly_declaration.exit_motif_code, monthly_declaration.validated_at, monthly_declaration.person_id, monthly_declaration.structure_id)
      IS DISTINCT FROM (EXCLUDED.hours, EXCLUDED.billed_hours, EXCLUDED.gross_pay, EXCLUDED.state, EXCLUDED.exit_motif_code,
           EXCLUDED.validated_at, EXCLUDED.person_id, EXCLUDED.structure_id)
    RETURNING (xmax = 0) AS inserted)
    SELECT (count(*) FILTER (WHERE inserted))::int AS inserted, count(*)::int AS written FROM w`.execute(db);
  const written =
    bulk === null
      ? await timed(ctx, "INSERT … ON CONFLICT (+ agrégats)", merge)
      : bulk.fresh
        ? await mergeWithoutTriggers(ctx, db, bulk.structureIds, "INSERT (sans déclencheurs)", insertOnly)
        : await mergeWithoutTriggers(ctx, db, bulk.structureIds, "INSERT … ON CONFLICT (sans déclencheurs)", merge);
  const inserted = written.rows[0]?.inserted ?? 0;
  const writtenCount = written.rows[0]?.written ?? 0;
  tally.inserted += inserted;
  tally.updated += writtenCount - inserted;
  tally.unchanged += total - writtenCount;
  await sql`TRUNCATE emi_stage`.execute(db);
}

/**
 * A bulk load — the session may switch triggers off (superuser: session_replication_role) and most rows of
 * the file are new (no declaration yet for ≥ 90 % of them: a first national load) — merges without the
 * per-row foreign-key checks and the rollup triggers, then checks and rebuilds set-based. The structures
 * whose rollups are rebuilt (those of the contracts, of the annexes, and of the declarations already
 * attached to these contracts, which an update may move) are listed BEFORE the merge. null: the usual
 * path (an incremental delivery changes few rows, which the triggers handle for less than a rebuild).
 */
async function bulkMergePlan(db: Db, minRows: number): Promise<{ structureIds: number[]; fresh: boolean } | null> {
  if (!(await canSkipTriggers(db))) return null;
  const sizes = await sql<{ staged: number; existing: number }>`
    SELECT (SELECT count(*)::int FROM emi_stage) AS staged,
      (SELECT count(*)::int FROM monthly_declaration d
        WHERE d.contract_id IN (SELECT c.id FROM contract c WHERE c.asp_contract_id IN (SELECT DISTINCT ctr FROM emi_stage))) AS existing`.execute(
    db,
  );
  const staged = sizes.rows[0]?.staged ?? 0;
  const existing = sizes.rows[0]?.existing ?? 0;
  if (staged === 0 || staged < minRows || existing > staged * 0.1) return null;
  const { rows } = await sql<{ id: number }>`
    WITH k AS (SELECT c.id, c.structure_id FROM contract c WHERE c.asp_contract_id IN (SELECT DISTINCT ctr FROM emi_stage))
    SELECT structure_id::int AS id FROM k
    UNION SELECT a.structure_id::int FROM financial_annex a WHERE a.id IN (SELECT annex_id FROM emi_annex)
    UNION SELECT d.structure_id::int FROM monthly_declaration d WHERE d.contract_id IN (SELECT id FROM k)
    ORDER BY 1`.execute(db);
  return { structureIds: rows.map((r) => Number(r.id)), fresh: existing === 0 };
}

/**
 * The merge with triggers off (SET LOCAL: this transaction only; a failure rolls everything back, SET
 * included). Its rows come from joins to contract, emi_annex and ref_exit_motif, so every foreign key
 * holds by construction; the rows it references are first locked FOR KEY SHARE (as the per-row checks
 * would: a concurrent deletion waits for this import), and the keys of monthly_declaration are checked
 * again afterwards by one anti-join each (read from pg_constraint: a key added later is checked too).
 * Then the rollups of the touched structures are rebuilt from the base tables, once.
 */
async function mergeWithoutTriggers<T>(
  ctx: FluxImportContext,
  db: Db,
  structureIds: number[],
  step: string,
  merge: () => Promise<T>,
): Promise<T> {
  await timed(ctx, "verrou des lignes référencées", async () => {
    await sql`SELECT count(*) FROM (SELECT 1 FROM contract c WHERE c.asp_contract_id IN (SELECT DISTINCT ctr FROM emi_stage) FOR KEY SHARE) l`.execute(
      db,
    );
    await sql`SELECT count(*) FROM (SELECT 1 FROM financial_annex a WHERE a.id IN (SELECT annex_id FROM emi_annex) FOR KEY SHARE) l`.execute(
      db,
    );
  });
  await sql`SET LOCAL session_replication_role = replica`.execute(db);
  const result = await timed(ctx, step, merge);
  await sql`SET LOCAL session_replication_role = origin`.execute(db);
  const problems = await timed(ctx, "contrôle des clés étrangères", () => foreignKeyViolations(db, ["monthly_declaration"]));
  if (problems.length > 0) throw new Error(`EtatMensuelIndiv : clés étrangères violées — ${problems.join(" ; ")}`);
  await timed(ctx, "reconstruction des agrégats", () => rebuildRollupsWithoutTriggers(db, structureIds));
  return result;
}
