// ASP referentials of a FluxIAE delivery (iae-reference §6.2, §7.1):
//  - RefCategorieSort (rcs_id, rcs_code, rcs_libelle) → ref_exit_category (code = rcs_code);
//  - RefMotifSort (rms_id, rms_code, rms_libelle, rcs_id) → ref_exit_motif (code = rms_code, category via
//    rcs_id → rcs_code of RefCategorieSort: never hard-coded);
//  - RefMontantIae (rmi_*) → ref_asp_amount, as delivered.
// Referentials delivered by the ASP are authoritative: their confidence becomes 'H'.
import { sql } from "kysely";
import { type FluxImportContext, rejectRow } from "../importContext.js";
import type { OpenedView } from "../reader.js";
import { RowFields } from "../rowFields.js";

// Rule: category groups by label (Emploi durable, Emploi de transition, Sorties positives, Autres sorties,
// Retrait des sorties constatées) — iae-reference §6.2
function groupOfCategory(label: string): "durable" | "transition" | "positive" | "other" | "retrait" | null {
  const l = label
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();
  if (l.includes("retrait")) return "retrait";
  if (l.includes("durable")) return "durable";
  if (l.includes("transition")) return "transition";
  if (l.includes("positive")) return "positive";
  if (l.includes("autre")) return "other";
  return null;
}

export async function importRefCategorieSortView(ctx: FluxImportContext, view: OpenedView): Promise<void> {
  const db = ctx.tx.db;
  for await (const record of view.records()) {
    ctx.tally.rowsRead++;
    const f = new RowFields(record.values);
    if (record.problem) f.problem(null, record.problem);
    const id = f.integer("rcs_id", true);
    const code = f.integer("rcs_code", true);
    const label = f.required("rcs_libelle");
    const existing =
      code === null ? undefined : await db.selectFrom("ref_exit_category").selectAll().where("code", "=", code).executeTakeFirst();
    const grp = label ? (groupOfCategory(label) ?? existing?.grp ?? null) : null;
    if (label && !grp)
      f.problem("rcs_libelle", `catégorie de sortie « ${label} » non reconnue (emploi durable, transition, positive, autre, retrait)`);
    if (f.issues.length > 0 || id === null || code === null || label === null || grp === null) {
      rejectRow(ctx, view.file, record, f.issues);
      continue;
    }
    ctx.exitCategoryById.set(id, code);
    if (existing && existing.label === label && existing.grp === grp && existing.confidence === "H") {
      ctx.tally.unchanged++;
      continue;
    }
    await db
      .insertInto("ref_exit_category")
      .values({ code, label, grp, confidence: "H" })
      .onConflict((oc) => oc.column("code").doUpdateSet({ label, grp, confidence: "H" }))
      .execute();
    if (existing) ctx.tally.updated++;
    else ctx.tally.inserted++;
  }
}

export async function importRefMotifSortView(ctx: FluxImportContext, view: OpenedView): Promise<void> {
  const db = ctx.tx.db;
  for await (const record of view.records()) {
    ctx.tally.rowsRead++;
    const f = new RowFields(record.values);
    if (record.problem) f.problem(null, record.problem);
    const code = f.integer("rms_code", true);
    const label = f.required("rms_libelle");
    const rcsId = f.integer("rcs_id", true);
    let category: number | null = null;
    if (rcsId !== null) {
      // Rule: motif → category through rcs_id of RefCategorieSort; without that view in the delivery,
      // rcs_id is taken as the category code [L: ids and codes coincide in the known data] — iae-reference §6.2
      category = ctx.exitCategoryById.get(rcsId) ?? rcsId;
      const known = await db.selectFrom("ref_exit_category").select("code").where("code", "=", category).executeTakeFirst();
      if (!known) {
        f.problem("rcs_id", `catégorie de sortie ${rcsId} inconnue : livrez aussi RefCategorieSort`);
        category = null;
      }
    }
    if (f.issues.length > 0 || code === null || label === null || category === null) {
      rejectRow(ctx, view.file, record, f.issues);
      continue;
    }
    const existing = await db.selectFrom("ref_exit_motif").selectAll().where("code", "=", code).executeTakeFirst();
    if (existing && existing.label === label && existing.category_code === category && existing.confidence === "H") {
      ctx.tally.unchanged++;
      continue;
    }
    await db
      .insertInto("ref_exit_motif")
      .values({ code, label, category_code: category, confidence: "H" })
      .onConflict((oc) => oc.column("code").doUpdateSet({ label, category_code: category, confidence: "H" }))
      .execute();
    if (existing) ctx.tally.updated++;
    else ctx.tally.inserted++;
  }
}

export async function importRefMontantIaeView(ctx: FluxImportContext, view: OpenedView): Promise<void> {
  const db = ctx.tx.db;
  for await (const record of view.records()) {
    ctx.tally.rowsRead++;
    const f = new RowFields(record.values);
    if (record.problem) f.problem(null, record.problem);
    const id = f.integer("rmi_id", true);
    const code = f.required("rmi_code");
    const value = f.decimal("rmi_valeur");
    const startsOn = f.date("rmi_date_debut_effet");
    const endsOn = f.date("rmi_date_fin_effet");
    const mesure = f.integer("rme_id");
    const label = f.text("rmi_libelle");
    const dpt = f.text("code_dpt");
    if (f.issues.length > 0 || id === null || code === null) {
      rejectRow(ctx, view.file, record, f.issues);
      continue;
    }
    const before = await sql<{ same: boolean }>`SELECT (code, label, value, starts_on, ends_on, mesure_asp_id, departement_code)
        IS NOT DISTINCT FROM (${code}::text, ${label}::text, ${value}::numeric, ${startsOn}::date, ${endsOn}::date, ${mesure}::integer, ${dpt}::text) AS same
      FROM ref_asp_amount WHERE rmi_id = ${id}`.execute(db);
    const old = before.rows[0];
    if (old?.same) {
      ctx.tally.unchanged++;
      continue;
    }
    await sql`INSERT INTO ref_asp_amount (rmi_id, code, label, value, starts_on, ends_on, mesure_asp_id, departement_code)
      VALUES (${id}, ${code}, ${label}, ${value}::numeric, ${startsOn}::date, ${endsOn}::date, ${mesure}, ${dpt})
      ON CONFLICT (rmi_id) DO UPDATE SET code = EXCLUDED.code, label = EXCLUDED.label, value = EXCLUDED.value, starts_on = EXCLUDED.starts_on,
        ends_on = EXCLUDED.ends_on, mesure_asp_id = EXCLUDED.mesure_asp_id, departement_code = EXCLUDED.departement_code, updated_at = now()`.execute(
      db,
    );
    if (old) ctx.tally.updated++;
    else ctx.tally.inserted++;
  }
}
