// fluxIAE_AnnexeFinanciere → financial_annex, one row per AF version, keyed by the ASP id of the version
// (af_id_avenant_modification; af_id_annexe_financiere is shared by the versions of one AF and is what
// EtatMensuelIndiv.emi_afi_id points to — it stays in `extra`). Every column not mapped below is kept in
// `extra` (columnMap.ts) so that exporting the view gives every row back unchanged.
// The structure is (af_id_structure, kind of the mesure); FDI_DC annexes (grants, no kind) are attached
// to a structure of the same ASP id, after the other rows of the file.
import type { Insertable } from "kysely";
import type { AnnexState, Database, StructureKind } from "../../../db/schema.js";
import { validateAfPrefix } from "../../../domain/identifiers/index.js";
import { type AspMesure, kindOfMesure, parseAspMesure } from "../../../domain/structures/index.js";
import { type MappedColumn, computeExtra, type StoredValue } from "../columnMap.js";
import { type FluxImportContext, rejectRow, stableJson } from "../importContext.js";
import type { FluxIaeRecord, OpenedView } from "../reader.js";
import { RowFields } from "../rowFields.js";
import { findStructureOfAnyKind, resolveStructure } from "./structureResolver.js";

export const AF_COLUMNS: readonly MappedColumn[] = [
  { column: "af_id_avenant_modification", field: "asp_af_id", type: "integer" },
  { column: "af_numero_annexe_financiere", field: "number_prefix", type: "text" },
  { column: "af_numero_avenant_renouvellement", field: "renewal", type: "integer" },
  { column: "af_numero_avenant_modification", field: "modification", type: "integer" },
  { column: "af_mesure_dispositif_code", field: "mesure_code", type: "text" },
  { column: "af_etat_annexe_financiere_code", field: "state", type: "text" },
  { column: "af_date_debut_effet", field: "starts_on", type: "date" },
  { column: "af_date_fin_effet", field: "ends_on", type: "date" },
  { column: "af_etp_postes_insertion", field: "etp", type: "decimal" },
  { column: "af_duree_heure_annuel_etp_valeur", field: "annual_hours", type: "decimal" },
  { column: "af_montant_unitaire_annuel_valeur", field: "unit_amount", type: "decimal" },
  { column: "af_montant_total_annuel", field: "total_amount", type: "decimal" },
  { column: "af_indic_cofinancement", field: "cofinanced", type: "boolean" },
  { column: "af_mt_cofinance", field: "cofinanced_amount", type: "decimal" },
  { column: "af_id_financeur_code", field: "financer_code", type: "text" },
  { column: "af_indic_perimetre_milieu_penitentiaire", field: "penitentiary", type: "boolean" },
  { column: "af_nb_prev_sorties", field: "forecast_exits", type: "integer" },
  { column: "af_taux_prev_sorties_dynamiques", field: "forecast_dynamic_rate", type: "decimal" },
  { column: "af_taux_prev_sorties_durable", field: "forecast_durable_rate", type: "decimal" },
  { column: "af_taux_prev_sorties_trans", field: "forecast_transition_rate", type: "decimal" },
  { column: "af_taux_prev_sorties_positives", field: "forecast_positive_rate", type: "decimal" },
  { column: "af_date_signature", field: "signed_on", type: "date" },
];

// Rule: AF states as written by the ASP (af_etat_annexe_financiere_code) — iae-reference §2.1/§7.1
const STATES: Record<string, AnnexState> = {
  BROUILLON: "BROUILLON",
  SAISI: "SAISI",
  SAISIE_TERMINE: "SAISI",
  VALIDE: "VALIDE",
  PROVISOIRE: "PROVISOIRE",
  REJETE: "REJETE",
  HISTORISE: "HISTORISE",
  ANNULE: "ANNULE",
  DDE_ANNULATION: "DEMANDE_ANNULATION",
  DEMANDE_ANNULATION: "DEMANDE_ANNULATION",
  CLOTURE: "CLOTURE",
};

const STATE_DATE_COLUMNS = ["brouillon", "saisie_termine", "rejete", "provisoire", "valide", "historise", "dde_annulation", "annule", "cloture"];

// Rule: without a duration in the AF, the reference annual hours of an ETP are 1,820 h [L for FDI rows,
// which carry none; the raw empty value stays in `extra`] — iae-reference §3.1
const DEFAULT_ANNUAL_HOURS = "1820.00";

interface ParsedAf {
  aspAfId: number;
  aspStructureId: number;
  mesure: AspMesure;
  kind: StructureKind | null;
  row: Record<string, StoredValue>;
  stateDates: Record<string, string>;
}

function parseAf(f: RowFields): ParsedAf | null {
  const aspAfId = f.integer("af_id_avenant_modification", true);
  const aspStructureId = f.integer("af_id_structure", true);
  const mesureRaw = f.required("af_mesure_dispositif_code");
  let mesure: AspMesure | null = null;
  if (mesureRaw) {
    try {
      mesure = parseAspMesure(mesureRaw);
    } catch {
      f.problem("af_mesure_dispositif_code", `mesure ASP inconnue « ${mesureRaw} »`);
    }
  }
  const prefixRaw = f.required("af_numero_annexe_financiere");
  let prefix: string | null = null;
  if (prefixRaw) {
    try {
      prefix = validateAfPrefix(prefixRaw, { allowFdi: true });
    } catch (error) {
      f.problem("af_numero_annexe_financiere", `numéro d'annexe invalide « ${prefixRaw} » (${(error as Error).message})`);
    }
  }
  const renewal = f.integer("af_numero_avenant_renouvellement", true);
  const modification = f.integer("af_numero_avenant_modification", true);
  for (const [col, v] of [["af_numero_avenant_renouvellement", renewal], ["af_numero_avenant_modification", modification]] as const) {
    if (v !== null && (v < 0 || v > 9)) f.problem(col, "rang d'avenant hors de 0 à 9");
  }
  const stateRaw = f.required("af_etat_annexe_financiere_code");
  const state = stateRaw ? STATES[stateRaw.toUpperCase()] : undefined;
  if (stateRaw && !state) f.problem("af_etat_annexe_financiere_code", `état d'annexe inconnu « ${stateRaw} »`);
  const startsOn = f.date("af_date_debut_effet", true);
  const endsOn = f.date("af_date_fin_effet", true);
  if (startsOn && endsOn && endsOn < startsOn) f.problem("af_date_fin_effet", "fin d'effet avant le début d'effet");
  const etp = f.decimal("af_etp_postes_insertion");
  const annualHours = f.decimal("af_duree_heure_annuel_etp_valeur");
  if (annualHours !== null && Number(annualHours) <= 0) f.problem("af_duree_heure_annuel_etp_valeur", "durée annuelle d'un ETP nulle");
  const unit = f.decimal("af_montant_unitaire_annuel_valeur");
  const total = f.decimal("af_montant_total_annuel");
  const cofinanced = f.boolean("af_indic_cofinancement");
  const cofinancedAmount = f.decimal("af_mt_cofinance");
  const penitentiary = f.boolean("af_indic_perimetre_milieu_penitentiaire");
  const forecastExits = f.integer("af_nb_prev_sorties");
  const rates = ["af_taux_prev_sorties_dynamiques", "af_taux_prev_sorties_durable", "af_taux_prev_sorties_trans", "af_taux_prev_sorties_positives"].map((c) => {
    const v = f.decimal(c);
    if (v !== null && (Number(v) < 0 || Number(v) > 100)) {
      f.problem(c, "taux hors de 0 à 100");
      return null;
    }
    return v;
  });
  for (const [c, v] of [["af_etp_postes_insertion", etp], ["af_montant_unitaire_annuel_valeur", unit], ["af_montant_total_annuel", total], ["af_mt_cofinance", cofinancedAmount]] as const) {
    if (v !== null && Number(v) < 0) f.problem(c, "montant négatif");
  }
  if (forecastExits !== null && forecastExits < 0) f.problem("af_nb_prev_sorties", "nombre négatif");
  const stateDates: Record<string, string> = {};
  for (const name of STATE_DATE_COLUMNS) {
    const d = f.date(`af_date_etat_${name}`);
    if (d) stateDates[name] = d;
  }
  const signedOn = f.date("af_date_signature");
  if (f.issues.length > 0 || aspAfId === null || aspStructureId === null || !mesure || !prefix || renewal === null || modification === null || !state || !startsOn || !endsOn) {
    return null;
  }
  if (aspAfId <= 0) {
    f.problem("af_id_avenant_modification", "identifiant ASP invalide");
    return null;
  }
  // The schema's checks (cofinanced amount only when cofinanced, never above the total): a value
  // that does not fit is stored as 0 and its raw text stays in `extra`.
  let storedCofinanced = cofinancedAmount ?? "0.00";
  if (!(cofinanced ?? false) || (total !== null && Number(storedCofinanced) > Number(total))) storedCofinanced = "0.00";
  return {
    aspAfId,
    aspStructureId,
    mesure,
    kind: kindOfMesure(mesure),
    stateDates,
    row: {
      asp_af_id: aspAfId,
      number_prefix: prefix,
      renewal,
      modification,
      mesure_code: mesure,
      state,
      starts_on: startsOn,
      ends_on: endsOn,
      etp: etp ?? "0.00",
      annual_hours: annualHours ?? DEFAULT_ANNUAL_HOURS,
      unit_amount: unit,
      total_amount: total,
      cofinanced: cofinanced ?? false,
      cofinanced_amount: storedCofinanced,
      financer_code: f.text("af_id_financeur_code"),
      penitentiary: penitentiary ?? false,
      forecast_exits: forecastExits,
      forecast_dynamic_rate: rates[0] ?? null,
      forecast_durable_rate: rates[1] ?? null,
      forecast_transition_rate: rates[2] ?? null,
      forecast_positive_rate: rates[3] ?? null,
      signed_on: signedOn,
    },
  };
}

const COMPARED = AF_COLUMNS.map((c) => c.field);

// Three passes over the file (it is small: one row per AF version), so that memory stays flat:
//  1. the last line of each af_id_avenant_modification (a key read twice: lines merged, the last one wins);
//  2. every row: rejections, and the rows of the kinds ACI/AI/EI/ETTI/EITI (they create the structures);
//  3. the FDI_DC rows, attached to a structure of their ASP id.
export async function importAnnexeFinanciereView(ctx: FluxImportContext, view: OpenedView): Promise<void> {
  const lastLine = new Map<number, number>();
  for await (const record of (await view.reopen()).records()) {
    const raw = record.values.af_id_avenant_modification;
    const key = raw && /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : null;
    if (key === null || record.problem) continue;
    const previous = lastLine.get(key);
    if (previous !== undefined) {
      ctx.tally.warn({
        file: view.file,
        line: record.line,
        column: "af_id_avenant_modification",
        reason: `annexe ${record.values.af_numero_annexe_financiere ?? "?"}A${record.values.af_numero_avenant_renouvellement ?? "?"}M${record.values.af_numero_avenant_modification ?? "?"} (id ${key}) déjà lue ligne ${previous} : lignes fusionnées, la dernière l'emporte`,
      });
    }
    lastLine.set(key, record.line);
  }
  let fdiRows = 0;
  for await (const record of view.records()) {
    ctx.tally.rowsRead++;
    if (record.problem) {
      rejectRow(ctx, view.file, record, [{ column: null, reason: record.problem }]);
      continue;
    }
    const f = new RowFields(record.values);
    const parsed = parseAf(f);
    if (!parsed) {
      rejectRow(ctx, view.file, record, f.issues);
      continue;
    }
    if (lastLine.get(parsed.aspAfId) !== record.line) {
      ctx.tally.unchanged++; // merged into the later line of the same AF version
      continue;
    }
    if (parsed.kind === null) {
      fdiRows++;
      continue;
    }
    await upsertAf(ctx, view, record, parsed);
  }
  if (fdiRows === 0) return;
  for await (const record of (await view.reopen()).records()) {
    if (record.problem || record.values.af_mesure_dispositif_code?.trim().toUpperCase() !== "FDI_DC") continue;
    const parsed = parseAf(new RowFields(record.values));
    if (parsed && parsed.kind === null && lastLine.get(parsed.aspAfId) === record.line) await upsertAf(ctx, view, record, parsed);
  }
}

async function upsertAf(ctx: FluxImportContext, view: OpenedView, record: FluxIaeRecord, parsed: ParsedAf): Promise<void> {
  const db = ctx.tx.db;
  const prefix = String(parsed.row.number_prefix);
  let structureId: number | null;
  if (parsed.kind) {
    const resolved = await resolveStructure(ctx, parsed.aspStructureId, parsed.kind, prefix);
    if ("error" in resolved) {
      ctx.tally.reject({ file: view.file, line: record.line, column: "af_id_structure", reason: resolved.error });
      return;
    }
    structureId = resolved.id;
  } else {
    structureId = await findStructureOfAnyKind(ctx, parsed.aspStructureId);
    if (structureId === null) {
      ctx.tally.reject({
        file: view.file,
        line: record.line,
        column: "af_id_structure",
        reason: `annexe ${parsed.mesure} d'une structure ASP n°${parsed.aspStructureId} inconnue : importez d'abord une annexe ACI/AI/EI/ETTI/EITI de cette structure`,
      });
      return;
    }
  }
  const extra = computeExtra(record.values, AF_COLUMNS, parsed.row);
  // parsed.row holds exactly the mapped fields of AF_COLUMNS, with the column types of financial_annex.
  const values = {
    ...parsed.row,
    structure_id: structureId,
    state_dates: JSON.stringify(parsed.stateDates),
    extra: JSON.stringify(extra),
  } as unknown as Insertable<Database["financial_annex"]>;
  const existing = await db.selectFrom("financial_annex").selectAll().where("asp_af_id", "=", parsed.aspAfId).executeTakeFirst();
  const clash = await db
    .selectFrom("financial_annex")
    .select(["id", "asp_af_id"])
    .where("number_prefix", "=", prefix)
    .where("renewal", "=", Number(parsed.row.renewal))
    .where("modification", "=", Number(parsed.row.modification))
    .where("starts_on", "=", String(parsed.row.starts_on))
    .where((eb) => (existing ? eb("id", "<>", existing.id) : eb.val(true)))
    .executeTakeFirst();
  if (clash) {
    ctx.tally.reject({
      file: view.file,
      line: record.line,
      column: "af_numero_annexe_financiere",
      reason: `annexe ${prefix}A${parsed.row.renewal}M${parsed.row.modification} du ${parsed.row.starts_on} déjà enregistrée sous un autre identifiant ASP (${clash.asp_af_id ?? "saisie"})`,
    });
    return;
  }
  ctx.touchedStructures.add(structureId);
  if (!existing) {
    await db.insertInto("financial_annex").values(values).execute();
    ctx.tally.inserted++;
    return;
  }
  const same =
    existing.structure_id === structureId &&
    COMPARED.every((field) => String((existing as Record<string, unknown>)[field] ?? "") === String(parsed.row[field] ?? "")) &&
    stableJson(existing.extra) === stableJson(extra) &&
    stableJson(existing.state_dates) === stableJson(parsed.stateDates);
  if (same) {
    ctx.tally.unchanged++;
    return;
  }
  await db
    .updateTable("financial_annex")
    .set({ ...values, updated_at: new Date() })
    .where("id", "=", existing.id)
    .execute();
  ctx.tally.updated++;
}
