// fluxIAE_AnnexeFinanciere → financial_annex, one row per AF version, keyed by the ASP id of the version
// (af_id_avenant_modification; af_id_annexe_financiere is shared by the versions of one AF and is what
// EtatMensuelIndiv.emi_afi_id points to — it stays in `extra`). Every column not mapped below is kept in
// `extra` (columnMap.ts) so that exporting the view gives every row back unchanged.
// The structure is (af_id_structure, kind of the mesure); FDI_DC annexes (grants, no kind) are attached
// to a structure of the same ASP id, after the other rows of the file.
// An AF whose unit amount is not the barème of its structure's territory (a Mayotte structure at the droit-commun
// amount, say) is imported as the ASP has it — the ASP is the system of record — with a warning naming the line.
import { Decimal } from "decimal.js";
import { sql } from "kysely";
import type { AnnexState, StructureKind } from "../../../db/schema.js";
import { BAREME_KINDS, type BaremeKind, type BaremeRow, lookupBaremeRow, TERRITORIES, type Territory } from "../../../domain/aid/bareme.js";
import { addDays } from "../../../domain/calendar/isoDate.js";
import { baremeTerritory } from "../../../domain/aid/territory.js";
import { DomainRuleError } from "../../../domain/errors.js";
import { validateAfPrefix } from "../../../domain/identifiers/index.js";
import { loadBaremeRows } from "../../../operations/referenceData.js";
import { type AspMesure, kindOfMesure, parseAspMesure } from "../../../domain/structures/index.js";
import { type MappedColumn, computeExtra, type StoredValue } from "../columnMap.js";
import { analyzeAsItGrows, type FluxImportContext, LastLineOfKey, rejectRow, stableJson } from "../importContext.js";
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

const STATE_DATE_COLUMNS = [
  "brouillon",
  "saisie_termine",
  "rejete",
  "provisoire",
  "valide",
  "historise",
  "dde_annulation",
  "annule",
  "cloture",
];

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
  for (const [col, v] of [
    ["af_numero_avenant_renouvellement", renewal],
    ["af_numero_avenant_modification", modification],
  ] as const) {
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
  const rates = [
    "af_taux_prev_sorties_dynamiques",
    "af_taux_prev_sorties_durable",
    "af_taux_prev_sorties_trans",
    "af_taux_prev_sorties_positives",
  ].map((c) => {
    const v = f.decimal(c);
    if (v !== null && (Number(v) < 0 || Number(v) > 100)) {
      f.problem(c, "taux hors de 0 à 100");
      return null;
    }
    return v;
  });
  for (const [c, v] of [
    ["af_etp_postes_insertion", etp],
    ["af_montant_unitaire_annuel_valeur", unit],
    ["af_montant_total_annuel", total],
    ["af_mt_cofinance", cofinancedAmount],
  ] as const) {
    if (v !== null && Number(v) < 0) f.problem(c, "montant négatif");
  }
  if (forecastExits !== null && forecastExits < 0) f.problem("af_nb_prev_sorties", "nombre négatif");
  const stateDates: Record<string, string> = {};
  for (const name of STATE_DATE_COLUMNS) {
    const d = f.date(`af_date_etat_${name}`);
    if (d) stateDates[name] = d;
  }
  const signedOn = f.date("af_date_signature");
  if (
    f.issues.length > 0 ||
    aspAfId === null ||
    aspStructureId === null ||
    !mesure ||
    !prefix ||
    renewal === null ||
    modification === null ||
    !state ||
    !startsOn ||
    !endsOn
  ) {
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
  const lastLine = new LastLineOfKey(ctx, view.file, "af_id_avenant_modification");
  for await (const record of (await view.reopen()).records()) {
    const raw = record.values.af_id_avenant_modification;
    const key = raw && /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : null;
    if (key === null || record.problem) continue;
    lastLine.read(
      key,
      record.line,
      (previous) =>
        `annexe ${record.values.af_numero_annexe_financiere ?? "?"}A${record.values.af_numero_avenant_renouvellement ?? "?"}M${record.values.af_numero_avenant_modification ?? "?"} (id ${key}) déjà lue ligne ${previous} : lignes fusionnées, la dernière l'emporte`,
    );
  }
  let fdiRows = 0;
  const batch = new AfBatch(ctx, view);
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
    if (!lastLine.isLast(parsed.aspAfId, record.line)) {
      ctx.tally.unchanged++; // merged into the later line of the same AF version
      continue;
    }
    if (parsed.kind === null) {
      fdiRows++;
      continue;
    }
    await batch.add(record, parsed);
  }
  await batch.flush();
  if (fdiRows === 0) return;
  for await (const record of (await view.reopen()).records()) {
    if (record.problem || record.values.af_mesure_dispositif_code?.trim().toUpperCase() !== "FDI_DC") continue;
    const parsed = parseAf(new RowFields(record.values));
    if (parsed && parsed.kind === null && lastLine.isLast(parsed.aspAfId, record.line)) await batch.add(record, parsed);
  }
  await batch.flush();
}

const BATCH = 2_000;

const TERRITORY_LABELS: Record<Territory, string> = {
  droit_commun: "de droit commun",
  penitentiaire: "en milieu pénitentiaire",
  mayotte: "de Mayotte",
};

interface StoredAf {
  id: number;
  structure_id: number;
  extra: unknown;
  state_dates: unknown;
  [field: string]: unknown;
}

/**
 * AF rows written by batches: the stored versions and the number clashes of a batch are read by two
 * queries, structures resolved through the resolver's cache, inserts and updates done by one statement
 * each; rows are applied in file order against in-memory state (a clash with an earlier row of the
 * same batch is seen, as row by row).
 */
class AfBatch {
  private rows: { record: FluxIaeRecord; parsed: ParsedAf }[] = [];
  constructor(
    private readonly ctx: FluxImportContext,
    private readonly view: OpenedView,
  ) {}

  async add(record: FluxIaeRecord, parsed: ParsedAf): Promise<void> {
    this.rows.push({ record, parsed });
    if (this.rows.length >= BATCH) await this.flush();
  }

  async flush(): Promise<void> {
    const rows = this.rows;
    this.rows = [];
    if (rows.length === 0) return;
    const { ctx, view } = this;
    const db = ctx.tx.db;
    const ids = [...new Set(rows.map((r) => r.parsed.aspAfId))];
    const stored = new Map<number, StoredAf>();
    const fields = sql.join(["id", "structure_id", ...COMPARED, "extra", "state_dates"].map((c) => sql.ref(c)));
    for (const r of (await sql<StoredAf>`SELECT ${fields} FROM financial_annex WHERE asp_af_id = ANY(${ids}::bigint[])`.execute(db)).rows) {
      stored.set(Number(r.asp_af_id), { ...r, id: Number(r.id), structure_id: Number(r.structure_id) });
    }
    const numberKey = (prefix: unknown, renewal: unknown, modification: unknown, startsOn: unknown) =>
      `${prefix}|${Number(renewal)}|${Number(modification)}|${startsOn}`;
    // Holder (row id, ASP id) of each AF number + start date of the batch.
    const holders = new Map<string, { id: number; asp_af_id: number | null }>();
    const keys = JSON.stringify(
      rows.map((r) => ({
        p: r.parsed.row.number_prefix,
        r: r.parsed.row.renewal,
        m: r.parsed.row.modification,
        d: r.parsed.row.starts_on,
      })),
    );
    const found = await sql<{
      id: string;
      asp_af_id: string | null;
      number_prefix: string;
      renewal: number;
      modification: number;
      starts_on: string;
    }>`
      SELECT DISTINCT a.id, a.asp_af_id, a.number_prefix, a.renewal, a.modification, a.starts_on
      FROM jsonb_to_recordset(${keys}::jsonb) AS k(p text, r int, m int, d date)
      JOIN financial_annex a ON a.number_prefix = k.p AND a.renewal = k.r AND a.modification = k.m AND a.starts_on = k.d`.execute(db);
    for (const h of found.rows)
      holders.set(numberKey(h.number_prefix, h.renewal, h.modification, h.starts_on), {
        id: Number(h.id),
        asp_af_id: h.asp_af_id === null ? null : Number(h.asp_af_id),
      });
    let provisional = 0;
    const created = new Map<number, StoredAf>();
    const changed = new Map<number, StoredAf>();
    const written: { line: number; structureId: number; parsed: ParsedAf }[] = [];
    for (const { record, parsed } of rows) {
      const prefix = String(parsed.row.number_prefix);
      let structureId: number | null;
      if (parsed.kind) {
        const resolved = await resolveStructure(ctx, parsed.aspStructureId, parsed.kind, prefix);
        if ("error" in resolved) {
          ctx.tally.reject({ file: view.file, line: record.line, column: "af_id_structure", reason: resolved.error });
          continue;
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
          continue;
        }
      }
      const extra = computeExtra(record.values, AF_COLUMNS, parsed.row);
      const existing = stored.get(parsed.aspAfId);
      const key = numberKey(prefix, parsed.row.renewal, parsed.row.modification, parsed.row.starts_on);
      const clash = holders.get(key);
      if (clash && clash.id !== existing?.id) {
        ctx.tally.reject({
          file: view.file,
          line: record.line,
          column: "af_numero_annexe_financiere",
          reason: `annexe ${prefix}A${parsed.row.renewal}M${parsed.row.modification} du ${parsed.row.starts_on} déjà enregistrée sous un autre identifiant ASP (${clash.asp_af_id ?? "saisie"})`,
        });
        continue;
      }
      ctx.touchedStructures.add(structureId);
      written.push({ line: record.line, structureId, parsed });
      const next: StoredAf = { ...parsed.row, id: existing?.id ?? 0, structure_id: structureId, extra, state_dates: parsed.stateDates };
      if (!existing) {
        provisional--;
        next.id = provisional;
        created.set(provisional, next);
        stored.set(parsed.aspAfId, next);
        holders.set(key, { id: provisional, asp_af_id: parsed.aspAfId });
        ctx.tally.inserted++;
        continue;
      }
      const same =
        existing.structure_id === structureId &&
        COMPARED.every((field) => String(existing[field] ?? "") === String(parsed.row[field] ?? "")) &&
        stableJson(existing.extra) === stableJson(extra) &&
        stableJson(existing.state_dates) === stableJson(parsed.stateDates);
      if (same) {
        ctx.tally.unchanged++;
        continue;
      }
      const oldKey = numberKey(existing.number_prefix, existing.renewal, existing.modification, existing.starts_on);
      if (holders.get(oldKey)?.id === existing.id) holders.delete(oldKey);
      holders.set(key, { id: existing.id, asp_af_id: parsed.aspAfId });
      stored.set(parsed.aspAfId, next);
      if (existing.id < 0) created.set(existing.id, next);
      else changed.set(existing.id, next);
      ctx.tally.updated++;
    }
    const columns = ["structure_id", ...COMPARED, "extra", "state_dates"];
    const list = sql.join(columns.map((c) => sql.ref(c)));
    if (created.size > 0) {
      const json = JSON.stringify([...created.values()].sort((a, b) => b.id - a.id).map(({ id: _id, ...r }) => r));
      await sql`INSERT INTO financial_annex (${list}) SELECT ${list} FROM jsonb_populate_recordset(NULL::financial_annex, ${json}::jsonb)`.execute(
        db,
      );
    }
    if (changed.size > 0) {
      const sets = sql.join(columns.map((c) => sql`${sql.ref(c)} = r.${sql.ref(c)}`));
      await sql`UPDATE financial_annex a SET ${sets}, updated_at = now() FROM jsonb_populate_recordset(NULL::financial_annex, ${JSON.stringify([...changed.values()])}::jsonb) r WHERE a.id = r.id`.execute(
        db,
      );
    }
    await analyzeAsItGrows(ctx, "financial_annex", created.size);
    await this.warnOffBareme(written);
  }

  private bareme: BaremeRow[] | null = null;

  // Rule: the structure's territory decides the barème (Mayotte, prison, droit commun) — src/domain/aid/territory.ts.
  // Real AFs may carry the amount of the previous arrêté for a while (an AF of January 2022 at the 2021 amount: the
  // 2022 arrêté came later), so only an amount that is another territory's and not this one's is reported.
  private async warnOffBareme(written: readonly { line: number; structureId: number; parsed: ParsedAf }[]): Promise<void> {
    const candidates = written.filter(
      (w) => w.parsed.kind !== null && (BAREME_KINDS as readonly string[]).includes(w.parsed.kind) && w.parsed.row.unit_amount !== null,
    );
    if (candidates.length === 0) return;
    const db = this.ctx.tx.db;
    if (this.bareme === null) this.bareme = await loadBaremeRows(db);
    const bareme = this.bareme;
    const departements = new Map<number, string>();
    const ids = [...new Set(candidates.map((c) => c.structureId))];
    for (const s of await db.selectFrom("structure").select(["id", "departement_code"]).where("id", "in", ids).execute())
      if (s.departement_code) departements.set(Number(s.id), s.departement_code);
    /** The amounts in force for a kind and territory at a date: the current row's and the one before it. */
    const amountsAround = (kind: BaremeKind, territory: Territory, date: string): Decimal[] => {
      const amounts: Decimal[] = [];
      try {
        const row = lookupBaremeRow(bareme, kind, territory, date);
        amounts.push(row.unitAmount);
        amounts.push(lookupBaremeRow(bareme, kind, territory, addDays(row.validFrom, -1)).unitAmount);
      } catch (error) {
        if (!(error instanceof DomainRuleError)) throw error;
      }
      return amounts;
    };
    for (const c of candidates) {
      const departementCode = departements.get(c.structureId);
      if (!departementCode) continue;
      const row = c.parsed.row;
      const kind = c.parsed.kind as BaremeKind;
      const date = String(row.starts_on);
      const unit = new Decimal(String(row.unit_amount));
      const territory = baremeTerritory({ departementCode, penitentiary: row.penitentiary === true });
      const own = amountsAround(kind, territory, date);
      if (own.length === 0 || own.some((a) => a.equals(unit))) continue;
      const other = TERRITORIES.find((t) => t !== territory && amountsAround(kind, t, date).some((a) => a.equals(unit)));
      if (!other) continue;
      this.ctx.tally.warn({
        file: this.view.file,
        line: c.line,
        column: "af_montant_unitaire_annuel_valeur",
        reason: `annexe ${row.number_prefix}A${row.renewal}M${row.modification} : montant unitaire ${unit.toFixed(2)} € du barème ${TERRITORY_LABELS[other]}, alors que la structure relève du barème ${TERRITORY_LABELS[territory]} (${own[0]?.toFixed(2)} € pour un ${kind} au ${date}) : importée telle quelle, vérifiez le territoire de la structure ou l'annexe`,
      });
    }
  }
}
