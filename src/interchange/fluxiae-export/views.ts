// The FluxIAE views Passerelle writes from its own data, one definition per view: the exact header
// (columns.ts) and a paged reader (keyset pagination on a primary key: constant memory whatever the
// table size, each page one short indexed query).
// Identifiers: a row imported from FluxIAE keeps its ASP id (asp_id, asp_af_id, asp_contract_id,
// asp_pph_id). A row created in Passerelle has none; it gets PASSERELLE_ID_OFFSET + its Passerelle id,
// far above the ASP's ranges, so that another tool can still join the views.
// Columns that Passerelle does not model are taken from the `extra` jsonb the importer keeps
// (financial_annex.extra, contract.extra), so that re-exporting an imported view gives its values back.
import { sql } from "kysely";
import type { Db } from "../../db/schema.js";
import { cipherCells, type PersonalDataCipher } from "../../security/personalData.js";
import {
  ANNEXE_FINANCIERE_COLUMNS,
  CONTRAT_MISSION_COLUMNS,
  ETAT_MENSUEL_INDIV_COLUMNS,
  REF_CATEGORIE_SORT_COLUMNS,
  REF_MOTIF_SORT_COLUMNS,
  SALARIE_COLUMNS,
  STRUCTURE_COLUMNS,
} from "./columns.js";
import { type FluxValue, fluxDate, fluxDateTime, fluxDuration, fluxWholeHours } from "./format.js";

export const FLUXIAE_EXPORT_VIEWS = [
  "Structure",
  "AnnexeFinanciere",
  "Salarie",
  "ContratMission",
  "EtatMensuelIndiv",
  "RefMotifSort",
  "RefCategorieSort",
] as const;
export type FluxiaeExportView = (typeof FLUXIAE_EXPORT_VIEWS)[number];

/** Ids of rows created in Passerelle (no ASP id): offset + Passerelle id. */
export const PASSERELLE_ID_OFFSET = 900_000_000;

export interface ViewContext {
  db: Db;
  pageSize: number;
  /** Present only for an authorised export: NIR and PASS numbers are then written decrypted. */
  personalData?: PersonalDataCipher;
}

export interface ViewDefinition {
  view: FluxiaeExportView;
  columns: readonly string[];
  /** Rows in key order, page by page. */
  pages(ctx: ViewContext): AsyncGenerator<FluxValue[][]>;
  /** true when the view contains personal data of salariés. */
  personal: boolean;
}

type Extra = Record<string, unknown>;

function extraValue(extra: unknown, column: string): FluxValue {
  if (extra === null || typeof extra !== "object") return null;
  const v = (extra as Extra)[column];
  if (v === null || v === undefined) return null;
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  return JSON.stringify(v);
}

/**
 * Build a row in `columns` order. The importer's contract (src/interchange/fluxiae/columnMap.ts): `extra`
 * holds the raw text of every unmapped column and of every mapped column whose stored value would not
 * render back identically (JSON null = empty); so a column present in `extra` is written from it, the
 * others from the mapped value.
 */
function rowOf(columns: readonly string[], mapped: Record<string, FluxValue>, extra: unknown): FluxValue[] {
  const hasExtra = extra !== null && typeof extra === "object";
  return columns.map((c) => (hasExtra && Object.hasOwn(extra as Extra, c) ? extraValue(extra, c) : mapped[c]));
}

/** SQL: the FluxIAE AF id shared by the versions of an AF (af_id_annexe_financiere, kept in extra by the importer), else offset + the lowest Passerelle id of the AF's versions. */
const annexAspIdSql = (alias: string) =>
  sql.raw(`CASE WHEN ${alias}.extra->>'af_id_annexe_financiere' ~ '^[0-9]{1,15}$' THEN (${alias}.extra->>'af_id_annexe_financiere')::bigint
    ELSE ${PASSERELLE_ID_OFFSET}::bigint + (SELECT min(v.id) FROM financial_annex v WHERE v.number_prefix = ${alias}.number_prefix AND v.renewal = ${alias}.renewal AND v.starts_on = ${alias}.starts_on) END`);

/** Structure id as FluxIAE knows it: one id per SIRET (the kind is carried by the AF mesure). */
export async function loadStructureIds(db: Db): Promise<Map<number, number>> {
  const rows = await sql<{ id: number; sid: number }>`
    SELECT id, coalesce(asp_id, max(asp_id) OVER (PARTITION BY siret), ${PASSERELLE_ID_OFFSET}::bigint + min(id) OVER (PARTITION BY siret))::bigint AS sid
    FROM structure`.execute(db);
  return new Map(rows.rows.map((r) => [Number(r.id), Number(r.sid)]));
}

const sidOf = (ids: Map<number, number>, structureId: number) => ids.get(structureId) ?? PASSERELLE_ID_OFFSET + structureId;

// Known ASP ids of AF states, read in the real extract (SAISI 2, VALIDE 3, PROVISOIRE 4, HISTORISE 8, CLOTURE 9);
// the others are not known [L] and are left empty.
const AF_STATE_IDS: Record<string, number> = { SAISI: 2, VALIDE: 3, PROVISOIRE: 4, HISTORISE: 8, CLOTURE: 9 };
// af_date_etat_<suffix> ← state_dates key (Passerelle writes the lower-case state; the importer may use the ASP suffix).
const STATE_DATE_COLUMNS: readonly [string, readonly string[]][] = [
  ["af_date_etat_brouillon", ["brouillon"]],
  ["af_date_etat_saisie_termine", ["saisie_termine", "saisi"]],
  ["af_date_etat_rejete", ["rejete"]],
  ["af_date_etat_provisoire", ["provisoire"]],
  ["af_date_etat_valide", ["valide"]],
  ["af_date_etat_historise", ["historise"]],
  ["af_date_etat_dde_annulation", ["dde_annulation", "demande_annulation"]],
  ["af_date_etat_annule", ["annule"]],
  ["af_date_etat_cloture", ["cloture"]],
];

function stateDate(stateDates: unknown, keys: readonly string[]): FluxValue {
  if (stateDates === null || typeof stateDates !== "object") return null;
  for (const k of keys) {
    const v = (stateDates as Extra)[k] ?? (stateDates as Extra)[`af_date_etat_${k}`];
    if (typeof v === "string" && v !== "") return /^\d{4}-\d{2}-\d{2}/.test(v) ? fluxDate(v) : v;
  }
  return null;
}

const structureView: ViewDefinition = {
  view: "Structure",
  columns: STRUCTURE_COLUMNS,
  personal: false,
  async *pages({ db, pageSize }) {
    const ids = await loadStructureIds(db);
    // One row per FluxIAE structure id: the lowest Passerelle id among the rows sharing it…
    const firstOfSid = new Map<number, number>();
    for (const [id, sid] of ids) if (!firstOfSid.has(sid) || (firstOfSid.get(sid) ?? 0) > id) firstOfSid.set(sid, id);
    // …and every structure of an imported fluxIAE_Structure (asp_structure, kept as delivered), even without AF.
    const delivered = await sql<{ asp_id: number }>`SELECT asp_id FROM asp_structure ORDER BY asp_id`.execute(db);
    const sids = [...new Set([...firstOfSid.keys(), ...delivered.rows.map((r) => Number(r.asp_id))])].sort((a, b) => a - b);
    for (let i = 0; i < sids.length; i += pageSize) {
      const slice = sids.slice(i, i + pageSize);
      const raws = await sql<{
        asp_id: number;
        raw: unknown;
      }>`SELECT asp_id, raw FROM asp_structure WHERE asp_id = ANY(${sql.val(slice)}::bigint[])`.execute(db);
      const rawBySid = new Map(raws.rows.map((r) => [Number(r.asp_id), r.raw]));
      const structureIds = slice.map((sid) => firstOfSid.get(sid)).filter((id): id is number => id !== undefined);
      const rows = structureIds.length === 0 ? [] : await db.selectFrom("structure").selectAll().where("id", "in", structureIds).execute();
      const byId = new Map(rows.map((r) => [r.id, r]));
      yield slice.flatMap((sid) => {
        const raw = rawBySid.get(sid);
        const id = firstOfSid.get(sid);
        const s = id === undefined ? undefined : byId.get(id);
        if (!s) return raw === undefined ? [] : [rowOf(STRUCTURE_COLUMNS, {}, raw)];
        const address = (prefix: string): Record<string, FluxValue> => ({
          [`${prefix}_nom_voie`]: s.address_line,
          [`${prefix}_cp`]: s.postal_code,
          [`${prefix}_commune`]: s.commune_name,
          [`${prefix}_code_insee`]: s.commune_code,
          [`${prefix}_telephone`]: s.phone,
        });
        // A delivered row is given back as delivered (raw); a structure created in Passerelle from its fields.
        return [
          rowOf(
            STRUCTURE_COLUMNS,
            {
              structure_date_creation: fluxDateTime(s.created_at),
              structure_date_modification: fluxDateTime(s.updated_at),
              structure_id_siae: sid,
              structure_siret_signature: s.siret,
              structure_siret_actualise: s.siret,
              structure_denomination: s.name,
              structure_categorie_juridique_code: s.legal_form,
              structure_code_naf: s.naf_code,
              ...address("structure_adresse_admin"),
              ...address("structure_adresse_gestion"),
              structure_adresse_mail_corresp_technique: s.email,
            },
            raw ?? null,
          ),
        ];
      });
    }
  },
};

interface AnnexRow {
  id: number;
  structure_id: number;
  asp_af_id: number | null;
  convention_number: string | null;
  mesure_asp_id: number | null;
  mesure_code: string;
  number_prefix: string;
  renewal: number;
  modification: number;
  state: string;
  starts_on: string;
  ends_on: string;
  etp: string;
  annual_hours: string;
  unit_amount: string | null;
  total_amount: string | null;
  cofinanced: boolean;
  cofinanced_amount: string;
  financer_code: string | null;
  penitentiary: boolean;
  forecast_exits: number | null;
  forecast_dynamic_rate: string | null;
  forecast_durable_rate: string | null;
  forecast_transition_rate: string | null;
  forecast_positive_rate: string | null;
  signed_on: string | null;
  state_dates: unknown;
  extra: unknown;
  afi: number;
}

const annexView: ViewDefinition = {
  view: "AnnexeFinanciere",
  columns: ANNEXE_FINANCIERE_COLUMNS,
  personal: false,
  async *pages({ db, pageSize }) {
    const ids = await loadStructureIds(db);
    let after = 0;
    for (;;) {
      const page = await sql<AnnexRow>`
        SELECT fa.id, fa.structure_id, fa.asp_af_id, c.number AS convention_number, m.asp_id AS mesure_asp_id, fa.mesure_code,
               fa.number_prefix, fa.renewal, fa.modification, fa.state, fa.starts_on, fa.ends_on, fa.etp, fa.annual_hours,
               fa.unit_amount, fa.total_amount, fa.cofinanced, fa.cofinanced_amount, fa.financer_code, fa.penitentiary,
               fa.forecast_exits, fa.forecast_dynamic_rate, fa.forecast_durable_rate, fa.forecast_transition_rate,
               fa.forecast_positive_rate, fa.signed_on, fa.state_dates, fa.extra, ${annexAspIdSql("fa")} AS afi
        FROM (SELECT * FROM financial_annex WHERE id > ${after} ORDER BY id LIMIT ${pageSize}) fa
        LEFT JOIN convention c ON c.id = fa.convention_id
        LEFT JOIN ref_mesure m ON m.code = fa.mesure_code
        ORDER BY fa.id`.execute(db);
      if (page.rows.length === 0) return;
      after = Number(page.rows[page.rows.length - 1]?.id);
      yield page.rows.map((a) => {
        const mapped: Record<string, FluxValue> = {
          af_id_structure: sidOf(ids, Number(a.structure_id)),
          af_numero_convention: a.convention_number,
          af_mesure_dispositif_id: a.mesure_asp_id,
          af_mesure_dispositif_code: a.mesure_code,
          af_numero_annexe_financiere: a.number_prefix,
          af_numero_avenant_renouvellement: a.renewal,
          af_numero_avenant_modification: a.modification,
          // asp_af_id is the ASP id of the version (af_id_avenant_modification); af_id_annexe_financiere is shared by the versions.
          af_id_avenant_modification: a.asp_af_id ?? PASSERELLE_ID_OFFSET + Number(a.id),
          af_id_annexe_financiere: a.afi,
          af_etat_annexe_financiere_id: AF_STATE_IDS[a.state] ?? extraValue(a.extra, "af_etat_annexe_financiere_id"),
          af_etat_annexe_financiere_code: a.state,
          af_date_debut_effet: fluxDate(a.starts_on),
          af_date_fin_effet: fluxDate(a.ends_on),
          af_etp_postes_insertion: a.etp,
          af_duree_heure_annuel_etp_valeur: a.annual_hours,
          af_montant_unitaire_annuel_valeur: a.unit_amount,
          af_montant_total_annuel: a.total_amount,
          af_indic_cofinancement: a.cofinanced,
          af_mt_cofinance: a.cofinanced_amount,
          af_id_financeur_code: a.financer_code ?? extraValue(a.extra, "af_id_financeur_code"),
          af_indic_perimetre_milieu_penitentiaire: a.penitentiary,
          af_nb_prev_sorties: a.forecast_exits,
          af_taux_prev_sorties_dynamiques: a.forecast_dynamic_rate,
          af_taux_prev_sorties_durable: a.forecast_durable_rate,
          af_taux_prev_sorties_trans: a.forecast_transition_rate,
          af_taux_prev_sorties_positives: a.forecast_positive_rate,
          af_date_signature: a.signed_on === null ? extraValue(a.extra, "af_date_signature") : fluxDate(a.signed_on),
        };
        for (const [column, keys] of STATE_DATE_COLUMNS) mapped[column] = stateDate(a.state_dates, keys) ?? extraValue(a.extra, column);
        return rowOf(ANNEXE_FINANCIERE_COLUMNS, mapped, a.extra);
      });
    }
  },
};

interface PersonExportRow {
  salarie_id: number;
  id: number;
  civility: string | null;
  last_name: string | null;
  birth_name: string | null;
  first_name: string | null;
  birth_date: string | null;
  birth_year: number | null;
  nir_encrypted: string | null;
  ntt: string | null;
  pass_encrypted: string | null;
  pass_approval_id: string | null;
  address_line: string | null;
  postal_code: string | null;
  commune_code: string | null;
  commune_name: string | null;
  departement_code: string | null;
  is_qpv: boolean | null;
  is_zrr: boolean | null;
  updated_at: Date;
}

function salarieRow(p: PersonExportRow, personalData: PersonalDataCipher | undefined): FluxValue[] {
  return rowOf(
    SALARIE_COLUMNS,
    {
      salarie_id: p.salarie_id,
      salarie_rci_libelle: p.civility === "M" ? "M." : p.civility,
      salarie_nom_usage: p.last_name,
      salarie_nom_naissance: p.birth_name,
      salarie_prenom: p.first_name,
      // A pseudonymised person keeps only the birth year: no date is made up from it.
      salarie_date_naissance: fluxDate(p.birth_date),
      // Rule: NIR and PASS numbers leave Passerelle only decrypted in an authorised export — iae-reference §9
      salarie_nir:
        personalData && p.nir_encrypted ? personalData.decrypt(p.nir_encrypted, cipherCells.personNir(p.id)) : personalData ? p.ntt : null,
      salarie_agrement:
        personalData && p.pass_encrypted && p.pass_approval_id !== null
          ? personalData.decrypt(p.pass_encrypted, cipherCells.approvalNumber(p.pass_approval_id))
          : null,
      salarie_adr_libelle_voie: p.address_line,
      salarie_codeinseecom: p.commune_code,
      salarie_codepostalcedex: p.postal_code,
      salarie_commune: p.commune_name,
      salarie_code_dpt: p.departement_code === null ? null : p.departement_code.padStart(3, "0"),
      salarie_adr_is_zrr: p.is_zrr,
      salarie_adr_qpv_type: p.is_qpv === null ? null : p.is_qpv ? "QP" : "",
      salarie_date_modification: fluxDate(p.updated_at),
    },
    null,
  );
}

const PERSON_COLUMNS = sql`p.id, p.civility, p.last_name, p.birth_name, p.first_name, p.birth_date, p.birth_year, p.nir_encrypted, p.ntt,
  p.address_line, p.postal_code, p.commune_code, rc.name AS commune_name, p.departement_code, p.is_qpv, p.is_zrr, p.updated_at,
  last_pass.number_encrypted AS pass_encrypted, last_pass.id AS pass_approval_id`;

// The commune's name and the person's latest PASS IAE (its id is the associated data of its encrypted number).
const PERSON_JOINS = sql`LEFT JOIN ref_commune rc ON rc.code = p.commune_code
  LEFT JOIN LATERAL (SELECT a.id, a.number_encrypted FROM approval a WHERE a.person_id = p.id ORDER BY a.starts_on DESC, a.id DESC LIMIT 1) last_pass ON true`;

const salarieView: ViewDefinition = {
  view: "Salarie",
  columns: SALARIE_COLUMNS,
  personal: true,
  async *pages({ db, pageSize, personalData }) {
    // 1) people known to the ASP (salarie_id of a FluxIAE delivery), by ASP id.
    let after = -1;
    for (;;) {
      const page = await sql<PersonExportRow>`
        SELECT DISTINCT ON (pa.asp_pph_id) pa.asp_pph_id AS salarie_id, ${PERSON_COLUMNS}
        FROM (SELECT asp_pph_id, person_id FROM asp_person WHERE asp_pph_id > ${after} AND asp_pph_id < ${PASSERELLE_ID_OFFSET}
              UNION ALL
              SELECT asp_pph_id, person_id FROM person_asp_id WHERE asp_pph_id > ${after} AND asp_pph_id < ${PASSERELLE_ID_OFFSET}) pa
        JOIN person p ON p.id = pa.person_id ${PERSON_JOINS}
        ORDER BY pa.asp_pph_id
        LIMIT ${pageSize}`.execute(db);
      if (page.rows.length === 0) break;
      after = Number(page.rows[page.rows.length - 1]?.salarie_id);
      yield page.rows.map((p) => salarieRow(p, personalData));
    }
    // 2) salariés hired in Passerelle in a structure where they have no ASP id.
    let afterPerson = 0;
    for (;;) {
      const page = await sql<PersonExportRow>`
        SELECT ${PASSERELLE_ID_OFFSET}::bigint + p.id AS salarie_id, ${PERSON_COLUMNS}
        FROM person p ${PERSON_JOINS}
        WHERE p.id IN (
          SELECT c.person_id FROM contract c
          WHERE c.person_id > ${afterPerson}
            AND NOT EXISTS (SELECT 1 FROM person_asp_id pa WHERE pa.person_id = c.person_id AND pa.structure_id = c.structure_id)
            AND NOT EXISTS (SELECT 1 FROM asp_person ap WHERE ap.person_id = c.person_id)
          ORDER BY c.person_id LIMIT ${pageSize})
        ORDER BY p.id`.execute(db);
      if (page.rows.length === 0) return;
      afterPerson = Number(page.rows[page.rows.length - 1]?.id);
      yield page.rows.map((p) => salarieRow(p, personalData));
    }
  },
};

interface ContractExportRow {
  id: number;
  asp_contract_id: number | null;
  pph: number;
  structure_id: number;
  mesure_asp_id: number | null;
  mesure_code: string;
  created_at: Date;
  updated_at: Date;
  starts_on: string;
  planned_end_on: string | null;
  exit_on: string | null;
  rank: number;
  rome_code: string | null;
  monthly_gross_pay: string | null;
  weekly_hours: string | null;
  exit_motif: number | null;
  orienteur_code: string | null;
  education_level_code: string | null;
  rsa: string;
  rqth: boolean;
  extra: unknown;
}

const contractView: ViewDefinition = {
  view: "ContratMission",
  columns: CONTRAT_MISSION_COLUMNS,
  personal: false,
  async *pages({ db, pageSize }) {
    const ids = await loadStructureIds(db);
    let after = 0;
    for (;;) {
      const page = await sql<ContractExportRow>`
        SELECT c.id, c.asp_contract_id, coalesce(pa.asp_pph_id, ${PASSERELLE_ID_OFFSET}::bigint + c.person_id) AS pph, c.structure_id,
               m.asp_id AS mesure_asp_id, c.mesure_code, c.created_at, c.updated_at, c.starts_on, c.planned_end_on, c.exit_on, c.rank,
               c.rome_code, c.monthly_gross_pay, c.weekly_hours, e.motif_code AS exit_motif, c.orienteur_code, c.education_level_code,
               c.rsa, c.rqth, c.extra
        FROM (SELECT * FROM contract WHERE id > ${after} ORDER BY id LIMIT ${pageSize}) c
        LEFT JOIN LATERAL (SELECT asp_pph_id FROM person_asp_id x WHERE x.structure_id = c.structure_id AND x.person_id = c.person_id ORDER BY asp_pph_id LIMIT 1) pa ON true
        LEFT JOIN ref_mesure m ON m.code = c.mesure_code
        LEFT JOIN LATERAL (SELECT motif_code FROM exit x WHERE x.recruitment_id = coalesce(c.recruitment_id, c.id) AND c.exit_on IS NOT NULL LIMIT 1) e ON true
        ORDER BY c.id`.execute(db);
      if (page.rows.length === 0) return;
      after = Number(page.rows[page.rows.length - 1]?.id);
      yield page.rows.map((c) =>
        rowOf(
          CONTRAT_MISSION_COLUMNS,
          {
            contrat_id_ctr: c.asp_contract_id ?? PASSERELLE_ID_OFFSET + Number(c.id),
            contrat_id_pph: c.pph,
            contrat_id_structure: sidOf(ids, Number(c.structure_id)),
            contrat_mesure_disp_id: c.mesure_asp_id,
            contrat_mesure_disp_code: c.mesure_code,
            contrat_date_creation: fluxDate(c.created_at),
            contrat_date_modification: fluxDate(c.updated_at),
            contrat_date_embauche: fluxDate(c.starts_on),
            contrat_date_fin_contrat: fluxDate(c.planned_end_on),
            contrat_date_sortie_definitive: fluxDate(c.exit_on),
            contrat_type_contrat: c.rank,
            contrat_code_rome: c.rome_code,
            contrat_remuneration_brute_mensuelle: c.monthly_gross_pay,
            contrat_duree_hebdo_travail:
              c.weekly_hours === null ? extraValue(c.extra, "contrat_duree_hebdo_travail") : fluxDuration(c.weekly_hours),
            contrat_motif_sortie_code: c.exit_motif ?? extraValue(c.extra, "contrat_motif_sortie_code"),
            contrat_orienteur_code: c.orienteur_code ?? extraValue(c.extra, "contrat_orienteur_code"),
            contrat_niveau_de_formation_code: c.education_level_code ?? extraValue(c.extra, "contrat_niveau_de_formation_code"),
            contrat_salarie_rsa: c.rsa,
            contrat_salarie_rqth: c.rqth,
          },
          c.extra,
        ),
      );
    }
  },
};

interface DeclarationExportRow {
  id: number;
  created_at: Date;
  updated_at: Date;
  afi: number;
  month: string;
  state: string;
  validated_at: Date | null;
  pph: number;
  ctr: number;
  hours: string;
  billed_hours: string | null;
  gross_pay: string | null;
  exit_motif_code: number | null;
  exit_on: string | null;
}

const declarationView: ViewDefinition = {
  view: "EtatMensuelIndiv",
  columns: ETAT_MENSUEL_INDIV_COLUMNS,
  personal: false,
  async *pages({ db, pageSize }) {
    let after = 0;
    for (;;) {
      const page = await sql<DeclarationExportRow>`
        SELECT d.id, d.created_at, d.updated_at, ${annexAspIdSql("fa")} AS afi, d.month, d.state, d.validated_at,
               coalesce(pa.asp_pph_id, ${PASSERELLE_ID_OFFSET}::bigint + d.person_id) AS pph,
               coalesce(c.asp_contract_id, ${PASSERELLE_ID_OFFSET}::bigint + c.id) AS ctr,
               d.hours, d.billed_hours, d.gross_pay, d.exit_motif_code, c.exit_on
        FROM (SELECT * FROM monthly_declaration WHERE id > ${after} ORDER BY id LIMIT ${pageSize}) d
        -- LATERAL … LIMIT 1: one primary-key lookup per row, whatever the planner's statistics (never a scan of the table per page).
        JOIN LATERAL (SELECT * FROM financial_annex x WHERE x.id = d.annex_id LIMIT 1) fa ON true
        JOIN LATERAL (SELECT * FROM contract x WHERE x.id = d.contract_id LIMIT 1) c ON true
        LEFT JOIN LATERAL (SELECT asp_pph_id FROM person_asp_id x WHERE x.structure_id = d.structure_id AND x.person_id = d.person_id ORDER BY asp_pph_id LIMIT 1) pa ON true
        ORDER BY d.id`.execute(db);
      if (page.rows.length === 0) return;
      after = Number(page.rows[page.rows.length - 1]?.id);
      yield page.rows.map((d) =>
        rowOf(
          ETAT_MENSUEL_INDIV_COLUMNS,
          {
            emi_date_creation: fluxDate(d.created_at),
            emi_date_modification: fluxDate(d.updated_at),
            emi_afi_id: d.afi,
            emi_sme_mois: Number(d.month.slice(5, 7)),
            emi_sme_annee: Number(d.month.slice(0, 4)),
            emi_esm_etat_code: d.state,
            emi_date_validation: fluxDate(d.validated_at),
            emi_pph_id: d.pph,
            emi_ctr_id: d.ctr,
            emi_nb_heures_travail: fluxWholeHours(d.hours),
            emi_nb_heures_facturees: fluxWholeHours(d.billed_hours),
            emi_mt_salaire_brut: d.gross_pay,
            emi_date_fin_reelle: d.exit_motif_code === null ? null : fluxDate(d.exit_on),
            emi_motif_sortie_code: d.exit_motif_code,
          },
          null,
        ),
      );
    }
  },
};

// The ASP ids of the exit referentials are not known: Passerelle's codes are written as ids [L].
const refMotifView: ViewDefinition = {
  view: "RefMotifSort",
  columns: REF_MOTIF_SORT_COLUMNS,
  personal: false,
  async *pages({ db }) {
    const rows = await db.selectFrom("ref_exit_motif").select(["code", "label", "category_code"]).orderBy("code").execute();
    yield rows.map((r) => [r.code, r.code, r.label, r.category_code]);
  },
};

const refCategoryView: ViewDefinition = {
  view: "RefCategorieSort",
  columns: REF_CATEGORIE_SORT_COLUMNS,
  personal: false,
  async *pages({ db }) {
    const rows = await db.selectFrom("ref_exit_category").select(["code", "label"]).orderBy("code").execute();
    yield rows.map((r) => [r.code, r.code, r.label]);
  },
};

export const VIEW_DEFINITIONS: Record<FluxiaeExportView, ViewDefinition> = {
  Structure: structureView,
  AnnexeFinanciere: annexView,
  Salarie: salarieView,
  ContratMission: contractView,
  EtatMensuelIndiv: declarationView,
  RefMotifSort: refMotifView,
  RefCategorieSort: refCategoryView,
};

/** The view named by the user (case and a `fluxIAE_` prefix ignored), or null. */
export function parseExportView(name: string): FluxiaeExportView | null {
  const n = name
    .trim()
    .replace(/^fluxiae_/i, "")
    .toLowerCase();
  return FLUXIAE_EXPORT_VIEWS.find((v) => v.toLowerCase() === n) ?? null;
}
