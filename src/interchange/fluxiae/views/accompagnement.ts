// fluxIAE_Accompagnement (acc_*: per AF, number of salariés concerned / supported internally or externally
// per difficulty — iae-reference §7.1 "Other views") → asp_support_summary, every column kept as
// delivered, with the AF resolved when known. [L] The exact columns are not documented: the AF is read
// from the first of acc_afi_id / acc_af_id / acc_id_annexe_financiere (the ASP's af_id_annexe_financiere),
// and a row is identified by acc_id when present, else by the digest of its values.
import { createHash } from "node:crypto";
import { sql } from "kysely";
import { type FluxImportContext, rejectRow, stableJson } from "../importContext.js";
import type { OpenedView } from "../reader.js";
import { RowFields } from "../rowFields.js";

export const ACCOMPAGNEMENT_AF_COLUMNS = ["acc_afi_id", "acc_af_id", "acc_id_annexe_financiere"] as const;

export async function importAccompagnementView(ctx: FluxImportContext, view: OpenedView): Promise<void> {
  const db = ctx.tx.db;
  const afColumn = ACCOMPAGNEMENT_AF_COLUMNS.find((c) => view.header.includes(c));
  for await (const record of view.records()) {
    ctx.tally.rowsRead++;
    const f = new RowFields(record.values);
    if (record.problem) f.problem(null, record.problem);
    if (!afColumn) f.problem(null, `colonne de l'annexe financière introuvable (attendu : ${ACCOMPAGNEMENT_AF_COLUMNS.join(", ")})`);
    const afId = afColumn ? f.integer(afColumn, true) : null;
    if (f.issues.length > 0 || afId === null) {
      rejectRow(ctx, view.file, record, f.issues);
      continue;
    }
    const rowKey = f.text("acc_id") ?? createHash("sha256").update(stableJson(record.values)).digest("hex");
    const annex = await sql<{ id: number }>`SELECT id FROM financial_annex WHERE extra->>'af_id_annexe_financiere' = ${String(afId)}
      ORDER BY (state IN ('VALIDE', 'PROVISOIRE', 'CLOTURE')) DESC, (state NOT IN ('HISTORISE', 'ANNULE', 'REJETE')) DESC, renewal DESC, modification DESC LIMIT 1`.execute(
      db,
    );
    const annexId = annex.rows[0]?.id ?? null;
    if (annexId === null)
      ctx.tally.warn({
        file: view.file,
        line: record.line,
        column: afColumn ?? null,
        reason: `annexe financière ASP n°${afId} inconnue : ligne gardée, rattachée plus tard`,
      });
    const before = await sql<{
      raw: unknown;
      annex_id: number | null;
    }>`SELECT raw, annex_id FROM asp_support_summary WHERE asp_af_id = ${afId} AND row_key = ${rowKey}`.execute(db);
    const old = before.rows[0];
    if (old && stableJson(old.raw) === stableJson(record.values) && old.annex_id === annexId) {
      ctx.tally.unchanged++;
      continue;
    }
    await sql`INSERT INTO asp_support_summary (asp_af_id, row_key, annex_id, raw) VALUES (${afId}, ${rowKey}, ${annexId}, ${JSON.stringify(record.values)}::jsonb)
      ON CONFLICT (asp_af_id, row_key) DO UPDATE SET annex_id = EXCLUDED.annex_id, raw = EXCLUDED.raw, updated_at = now()`.execute(db);
    if (old) ctx.tally.updated++;
    else ctx.tally.inserted++;
  }
}
