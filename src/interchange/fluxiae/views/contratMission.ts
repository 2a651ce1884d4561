// fluxIAE_ContratMission (one row per contract, key contrat_id_ctr) → contract, plus person_asp_id
// (structure, contrat_id_pph) and, at the end of the import, the exits of the recruitments.
// Rule: a recruitment is an initial contract (contrat_type_contrat = 0) and its renewals (n = n-th
// renewal); its exit date is the latest contrat_date_sortie_definitive of the chain, its motif the
// contrat_motif_sortie_code of that contract (category through the referential) — iae-reference §6.3
// Initial contracts are imported first (second pass for renewals) so a renewal finds its chain
// whatever the order of the file. Every column not mapped stays in contract.extra.
import { type Insertable, sql } from "kysely";
import type { Database, StructureKind } from "../../../db/schema.js";
import { kindOfMesure, parseAspMesure } from "../../../domain/structures/index.js";
import { computeExtra, type MappedColumn, type StoredValue } from "../columnMap.js";
import { type FluxImportContext, rejectRow, stableJson } from "../importContext.js";
import type { FluxIaeRecord, OpenedView } from "../reader.js";
import { RowFields } from "../rowFields.js";

export const CONTRACT_COLUMNS: readonly MappedColumn[] = [
  { column: "contrat_id_ctr", field: "asp_contract_id", type: "integer" },
  { column: "contrat_mesure_disp_code", field: "mesure_code", type: "text" },
  { column: "contrat_type_contrat", field: "rank", type: "integer" },
  { column: "contrat_date_embauche", field: "starts_on", type: "date" },
  { column: "contrat_date_fin_contrat", field: "planned_end_on", type: "date" },
  { column: "contrat_date_sortie_definitive", field: "exit_on", type: "date" },
  { column: "contrat_remuneration_brute_mensuelle", field: "monthly_gross_pay", type: "decimal" },
  { column: "contrat_code_rome", field: "rome_code", type: "text" },
  { column: "contrat_salarie_rsa", field: "rsa", type: "text" },
  { column: "contrat_orienteur_code", field: "orienteur_code", type: "text" },
  { column: "contrat_niveau_de_formation_code", field: "education_level_code", type: "text" },
];

// Rule: contract type by kind — ACI/EI: CDDI; ETTI: contrat de mission; AI: mise à disposition;
// EITI: accompagnement of an independent worker (iae-reference §1.1/§1.3) [L: the FluxIAE
// contrat_format_contrat_code is not mapped, it stays in extra]
const CONTRACT_TYPE: Record<StructureKind, "CDDI" | "MISSION" | "MISE_A_DISPOSITION" | "ACCOMPAGNEMENT_TI"> = {
  ACI: "CDDI",
  EI: "CDDI",
  ETTI: "MISSION",
  AI: "MISE_A_DISPOSITION",
  EITI: "ACCOMPAGNEMENT_TI",
};

const COMPARED = ["person_id", "structure_id", "recruitment_id", "rank", "mesure_code", "contract_type", "starts_on", "planned_end_on", "exit_on", "weekly_hours", "monthly_gross_pay", "rome_code", "rsa", "rqth", "orienteur_code", "education_level_code"];

interface Lookups {
  orienteurs: Set<string>;
  levels: Set<string>;
}

export async function importContratMissionView(ctx: FluxImportContext, view: OpenedView): Promise<void> {
  const db = ctx.tx.db;
  const lookups: Lookups = {
    orienteurs: new Set((await db.selectFrom("ref_orienteur").select("code").execute()).map((r) => r.code)),
    levels: new Set((await db.selectFrom("ref_education_level").select("code").execute()).map((r) => r.code)),
  };
  let renewals = 0;
  for await (const record of view.records()) {
    ctx.tally.rowsRead++;
    const rank = record.values.contrat_type_contrat?.trim();
    if (!record.problem && rank && /^\d+$/.test(rank) && Number(rank) > 0) {
      renewals++;
      continue;
    }
    await importContract(ctx, view, record, lookups);
  }
  if (renewals > 0) {
    for await (const record of (await view.reopen()).records()) {
      const rank = record.values.contrat_type_contrat?.trim();
      if (!record.problem && rank && /^\d+$/.test(rank) && Number(rank) > 0) await importContract(ctx, view, record, lookups);
    }
  }
  ctx.touchedContracts = true;
}

async function importContract(ctx: FluxImportContext, view: OpenedView, record: FluxIaeRecord, lookups: Lookups): Promise<void> {
  const db = ctx.tx.db;
  const f = new RowFields(record.values);
  if (record.problem) f.problem(null, record.problem);
  const aspId = f.integer("contrat_id_ctr", true);
  const pph = f.integer("contrat_id_pph", true);
  const aspStructure = f.integer("contrat_id_structure", true);
  const mesureRaw = f.required("contrat_mesure_disp_code");
  let kind: StructureKind | null = null;
  if (mesureRaw) {
    try {
      kind = kindOfMesure(parseAspMesure(mesureRaw));
      if (!kind) f.problem("contrat_mesure_disp_code", `mesure ${mesureRaw} sans postes d'insertion : pas de contrat`);
    } catch {
      f.problem("contrat_mesure_disp_code", `mesure ASP inconnue « ${mesureRaw} »`);
    }
  }
  let rank = f.integer("contrat_type_contrat") ?? 0;
  if (rank < 0) f.problem("contrat_type_contrat", "rang de renouvellement négatif");
  const startsOn = f.date("contrat_date_embauche", true);
  let plannedEnd = f.date("contrat_date_fin_contrat");
  let exitOn = f.date("contrat_date_sortie_definitive");
  const pay = f.decimal("contrat_remuneration_brute_mensuelle");
  let weekly: string | null = null;
  // Rule: contrat_duree_hebdo_travail is "dirty" (HH:MM or hours): unreadable or above 48 h → not stored,
  // the raw value stays in extra — iae-reference §7.1
  const weeklyRaw = f.text("contrat_duree_hebdo_travail");
  if (weeklyRaw) {
    const probe = new RowFields({ v: weeklyRaw });
    const d = probe.duration("v");
    weekly = d !== null && Number(d) <= 48 ? d : null;
  }
  const rqth = f.boolean("contrat_salarie_rqth");
  if (f.issues.length > 0 || aspId === null || pph === null || aspStructure === null || !kind || !startsOn || !mesureRaw) {
    rejectRow(ctx, view.file, record, f.issues);
    return;
  }
  if (plannedEnd && plannedEnd < startsOn) plannedEnd = null;
  if (exitOn && exitOn < startsOn) exitOn = null;
  const rsaRaw = f.text("contrat_salarie_rsa")?.toUpperCase() ?? "NON";
  const rsa = rsaRaw === "OUI-M" || rsaRaw === "OUI-NM" ? rsaRaw : "NON";
  const rome = f.text("contrat_code_rome")?.toUpperCase() ?? null;
  const orienteur = f.text("contrat_orienteur_code");
  const level = f.text("contrat_niveau_de_formation_code");
  const structure = await db.selectFrom("structure").select("id").where("asp_id", "=", aspStructure).where("kind", "=", kind).executeTakeFirst();
  if (!structure) {
    ctx.tally.reject({ file: view.file, line: record.line, column: "contrat_id_structure", reason: `structure ASP n°${aspStructure} (${kind}) inconnue : importez ses annexes financières` });
    return;
  }
  const link = await sql<{ person_id: number }>`SELECT person_id FROM asp_person WHERE asp_pph_id = ${pph}`.execute(db);
  const personId = link.rows[0]?.person_id;
  if (personId === undefined) {
    ctx.tally.reject({ file: view.file, line: record.line, column: "contrat_id_pph", reason: `salarié ${pph} inconnu : livrez la vue Salarie` });
    return;
  }
  let recruitmentId: number | null = null;
  if (rank > 0) {
    const initial = await db
      .selectFrom("contract")
      .select("id")
      .where("person_id", "=", personId)
      .where("structure_id", "=", structure.id)
      .where("mesure_code", "=", mesureRaw.toUpperCase())
      .where("rank", "=", 0)
      .where("starts_on", "<=", startsOn)
      .orderBy("starts_on", "desc")
      .executeTakeFirst();
    if (initial) recruitmentId = initial.id;
    else {
      ctx.tally.warn({ file: view.file, line: record.line, column: "contrat_type_contrat", reason: `renouvellement n°${rank} sans contrat initial connu : enregistré comme un recrutement` });
      rank = 0;
    }
  }
  const row: Record<string, StoredValue> = {
    asp_contract_id: aspId,
    person_id: personId,
    structure_id: structure.id,
    recruitment_id: recruitmentId,
    rank,
    mesure_code: mesureRaw.toUpperCase(),
    contract_type: CONTRACT_TYPE[kind],
    starts_on: startsOn,
    planned_end_on: plannedEnd,
    exit_on: exitOn,
    weekly_hours: weekly,
    monthly_gross_pay: pay,
    rome_code: rome && /^[A-N][0-9]{4}$/.test(rome) ? rome : null,
    rsa,
    rqth: rqth ?? false,
    orienteur_code: orienteur && lookups.orienteurs.has(orienteur) ? orienteur : null,
    education_level_code: level && lookups.levels.has(level) ? level : null,
  };
  const extra = computeExtra(record.values, CONTRACT_COLUMNS, row);
  await sql`INSERT INTO person_asp_id (structure_id, asp_pph_id, person_id) VALUES (${structure.id}, ${pph}, ${personId}) ON CONFLICT (structure_id, asp_pph_id) DO UPDATE SET person_id = EXCLUDED.person_id`.execute(db);
  ctx.touchedStructures.add(structure.id);
  const values = { ...row, extra: JSON.stringify(extra) } as unknown as Insertable<Database["contract"]>;
  const existing = await db.selectFrom("contract").selectAll().where("asp_contract_id", "=", aspId).executeTakeFirst();
  if (!existing) {
    await db.insertInto("contract").values(values).execute();
    ctx.tally.inserted++;
    return;
  }
  const same = COMPARED.every((k) => String((existing as Record<string, unknown>)[k] ?? "") === String(row[k] ?? "")) && stableJson(existing.extra) === stableJson(extra);
  if (same) {
    ctx.tally.unchanged++;
    return;
  }
  await db
    .updateTable("contract")
    .set({ ...values, updated_at: new Date() })
    .where("id", "=", existing.id)
    .execute();
  ctx.tally.updated++;
}

/**
 * Exits of the recruitments that have ASP contracts: exit date = latest definitive exit of the chain,
 * motif = contrat_motif_sortie_code of that contract when the referential knows it — iae-reference §6.3.
 * Returns the number of exits written (inserted or changed).
 */
export async function deriveExits(ctx: FluxImportContext): Promise<number> {
  const result = await sql<{ n: number }>`
    WITH chains AS (
      SELECT DISTINCT ON (coalesce(c.recruitment_id, c.id))
        coalesce(c.recruitment_id, c.id) AS recruitment_id, c.person_id, c.structure_id, c.exit_on,
        CASE WHEN c.extra->>'contrat_motif_sortie_code' ~ '^[0-9]{1,6}$' THEN (c.extra->>'contrat_motif_sortie_code')::int END AS motif
      FROM contract c
      WHERE c.exit_on IS NOT NULL AND coalesce(c.recruitment_id, c.id) IN (SELECT coalesce(recruitment_id, id) FROM contract WHERE asp_contract_id IS NOT NULL)
      ORDER BY coalesce(c.recruitment_id, c.id), c.exit_on DESC, c.rank DESC
    ), written AS (
      INSERT INTO exit (recruitment_id, person_id, structure_id, exit_on, motif_code)
      SELECT ch.recruitment_id, ch.person_id, ch.structure_id, ch.exit_on, ch.motif
      FROM chains ch JOIN ref_exit_motif m ON m.code = ch.motif
      ON CONFLICT (recruitment_id) DO UPDATE SET exit_on = EXCLUDED.exit_on, motif_code = EXCLUDED.motif_code
        WHERE (exit.exit_on, exit.motif_code) IS DISTINCT FROM (EXCLUDED.exit_on, EXCLUDED.motif_code)
      RETURNING 1
    )
    SELECT count(*)::int AS n FROM written`.execute(ctx.tx.db);
  return result.rows[0]?.n ?? 0;
}
