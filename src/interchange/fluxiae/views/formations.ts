// fluxIAE_Formations → training (iae-reference §7.1 "Other views": formation_id_for, formation_id_ctr,
// formation_date_debut/_fin, formation_duree_jours/_heures/_minutes, formation_objectif_for_code,
// formation_type_for_code). Key: formation_id_for. The person and structure are those of the contract.
// [L] The view's columns are only partly documented: no title column is known, so the title is the
// type/objective codes; the duration is heures + minutes/60 (formation_duree_jours is not converted).
import { type FluxImportContext, rejectRow } from "../importContext.js";
import type { OpenedView } from "../reader.js";
import { RowFields } from "../rowFields.js";

const COMPARED = [
  "person_id",
  "structure_id",
  "contract_id",
  "title",
  "objective_code",
  "type_code",
  "starts_on",
  "ends_on",
  "hours",
] as const;

export async function importFormationsView(ctx: FluxImportContext, view: OpenedView): Promise<void> {
  const db = ctx.tx.db;
  for await (const record of view.records()) {
    ctx.tally.rowsRead++;
    const f = new RowFields(record.values);
    if (record.problem) f.problem(null, record.problem);
    const id = f.integer("formation_id_for", true);
    const ctr = f.integer("formation_id_ctr", true);
    const startsOn = f.date("formation_date_debut", true);
    let endsOn = f.date("formation_date_fin");
    const hours = f.integer("formation_duree_heures");
    const minutes = f.integer("formation_duree_minutes");
    if (minutes !== null && (minutes < 0 || minutes > 59)) f.problem("formation_duree_minutes", "minutes hors de 0 à 59");
    if (hours !== null && hours < 0) f.problem("formation_duree_heures", "durée négative");
    if (f.issues.length > 0 || id === null || ctr === null || startsOn === null) {
      rejectRow(ctx, view.file, record, f.issues);
      continue;
    }
    if (endsOn && endsOn < startsOn) {
      ctx.tally.warn({
        file: view.file,
        line: record.line,
        column: "formation_date_fin",
        reason: "fin avant le début : date de fin ignorée",
      });
      endsOn = null;
    }
    const contract = await db
      .selectFrom("contract")
      .select(["id", "person_id", "structure_id"])
      .where("asp_contract_id", "=", ctr)
      .executeTakeFirst();
    if (!contract) {
      ctx.tally.reject({
        file: view.file,
        line: record.line,
        column: "formation_id_ctr",
        reason: `contrat ASP n°${ctr} inconnu : importez la vue ContratMission`,
      });
      continue;
    }
    const objective = f.text("formation_objectif_for_code");
    const type = f.text("formation_type_for_code");
    const title = f.text("formation_intitule") ?? (["Formation", type, objective].filter((x) => x !== null).join(" ") || "Formation");
    const row = {
      person_id: contract.person_id,
      structure_id: contract.structure_id,
      contract_id: contract.id,
      title,
      objective_code: objective,
      type_code: type,
      starts_on: startsOn,
      ends_on: endsOn,
      hours: hours === null && minutes === null ? null : ((hours ?? 0) + (minutes ?? 0) / 60).toFixed(2),
    };
    const existing = await db.selectFrom("training").selectAll().where("asp_training_id", "=", id).executeTakeFirst();
    if (!existing) {
      await db
        .insertInto("training")
        .values({ ...row, asp_training_id: id })
        .execute();
      ctx.tally.inserted++;
      continue;
    }
    if (COMPARED.every((k) => String(existing[k] ?? "") === String(row[k] ?? ""))) {
      ctx.tally.unchanged++;
      continue;
    }
    await db.updateTable("training").set(row).where("id", "=", existing.id).execute();
    ctx.tally.updated++;
  }
}
