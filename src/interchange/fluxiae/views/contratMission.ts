// fluxIAE_ContratMission (one row per contract, key contrat_id_ctr) → contract, plus person_asp_id
// (structure, contrat_id_pph) and, at the end of the import, the exits of the recruitments.
// Rule: a recruitment is an initial contract (contrat_type_contrat = 0) and its renewals (n = n-th
// renewal); its exit date is the latest contrat_date_sortie_definitive of the chain, its motif the
// contrat_motif_sortie_code of that contract (category through the referential) — iae-reference §6.3
// Initial contracts are imported first (second pass for renewals) so a renewal finds its chain
// whatever the order of the file. Every column not mapped stays in contract.extra.
// Speed (≈ 600,000 rows nationally): rows are parsed in JavaScript and written by batches of BATCH rows
// with a fixed number of statements per batch (people and contracts looked up with `= ANY`, the initial
// contract of renewals by one lateral query, new contracts inserted with ids taken from the sequence,
// changes by one UPDATE … FROM); rows of a batch are applied in file order against in-memory state,
// so a contract repeated in the file behaves as if imported row by row.
import { sql } from "kysely";
import type { StructureKind } from "../../../db/schema.js";
import { kindOfMesure, parseAspMesure } from "../../../domain/structures/index.js";
import { computeExtra, type MappedColumn, type StoredValue } from "../columnMap.js";
import { analyzeAsItGrows, type FluxImportContext, stableJson, takeSequenceIds } from "../importContext.js";
import type { OpenedView } from "../reader.js";
import { RowFields } from "../rowFields.js";
import { personsByPph } from "./aspPersons.js";

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

const COMPARED = [
  "person_id",
  "structure_id",
  "recruitment_id",
  "rank",
  "mesure_code",
  "contract_type",
  "starts_on",
  "planned_end_on",
  "exit_on",
  "weekly_hours",
  "monthly_gross_pay",
  "rome_code",
  "rsa",
  "rqth",
  "orienteur_code",
  "education_level_code",
];

interface Lookups {
  orienteurs: Set<string>;
  levels: Set<string>;
  /** `${asp_id}|${kind}` → structure.id */
  structures: Map<string, number>;
}

const BATCH = 5_000;

interface ParsedContract {
  line: number;
  aspId: number;
  pph: number;
  aspStructure: number;
  kind: StructureKind;
  row: Record<string, StoredValue>;
  extra: Record<string, string | null>;
  /** contrat_type_contrat as delivered (kept in extra when a renewal is stored as a recruitment). */
  rawRank: string | null;
}

interface ContractState {
  id: number;
  extra: unknown;
  [field: string]: unknown;
}

const isRenewal = (rank: string | null | undefined) => !!rank && /^\d+$/.test(rank.trim()) && Number(rank.trim()) > 0;

export async function importContratMissionView(ctx: FluxImportContext, view: OpenedView): Promise<void> {
  const db = ctx.tx.db;
  const lookups: Lookups = {
    orienteurs: new Set((await db.selectFrom("ref_orienteur").select("code").execute()).map((r) => r.code)),
    levels: new Set((await db.selectFrom("ref_education_level").select("code").execute()).map((r) => r.code)),
    structures: new Map(
      (await db.selectFrom("structure").select(["id", "asp_id", "kind"]).where("asp_id", "is not", null).execute()).map((r) => [
        `${r.asp_id}|${r.kind}`,
        Number(r.id),
      ]),
    ),
  };
  let renewals = 0;
  let batch: ParsedContract[] = [];
  const add = async (parsed: ParsedContract | null) => {
    if (parsed) batch.push(parsed);
    if (batch.length >= BATCH) {
      await writeBatch(ctx, view.file, batch);
      batch = [];
    }
  };
  for await (const record of view.records()) {
    ctx.tally.rowsRead++;
    if (!record.problem && isRenewal(record.values.contrat_type_contrat)) {
      renewals++;
      continue;
    }
    await add(parseContract(ctx, view.file, record.line, record.values, record.problem, lookups));
  }
  if (batch.length > 0) await writeBatch(ctx, view.file, batch);
  batch = [];
  if (renewals > 0) {
    for await (const record of (await view.reopen()).records()) {
      if (!record.problem && isRenewal(record.values.contrat_type_contrat))
        await add(parseContract(ctx, view.file, record.line, record.values, record.problem, lookups));
    }
    if (batch.length > 0) await writeBatch(ctx, view.file, batch);
  }
  ctx.touchedContracts = true;
}

function parseContract(
  ctx: FluxImportContext,
  file: string,
  line: number,
  values: Readonly<Record<string, string | null>>,
  problem: string | null | undefined,
  lookups: Lookups,
): ParsedContract | null {
  const f = new RowFields(values);
  if (problem) f.problem(null, problem);
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
  const rank = f.integer("contrat_type_contrat") ?? 0;
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
    for (const issue of f.issues) ctx.tally.reject({ file, line, column: issue.column, reason: issue.reason });
    return null;
  }
  if (plannedEnd && plannedEnd < startsOn) plannedEnd = null;
  if (exitOn && exitOn < startsOn) exitOn = null;
  const rsaRaw = f.text("contrat_salarie_rsa")?.toUpperCase() ?? "NON";
  const rsa = rsaRaw === "OUI-M" || rsaRaw === "OUI-NM" ? rsaRaw : "NON";
  const rome = f.text("contrat_code_rome")?.toUpperCase() ?? null;
  const orienteur = f.text("contrat_orienteur_code");
  const level = f.text("contrat_niveau_de_formation_code");
  const row: Record<string, StoredValue> = {
    asp_contract_id: aspId,
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
  const structureId = lookups.structures.get(`${aspStructure}|${kind}`);
  if (structureId === undefined) {
    ctx.tally.reject({
      file,
      line,
      column: "contrat_id_structure",
      reason: `structure ASP n°${aspStructure} (${kind}) inconnue : importez ses annexes financières`,
    });
    return null;
  }
  row.structure_id = structureId;
  return {
    line,
    aspId,
    pph,
    aspStructure,
    kind,
    row,
    extra: computeExtra(values, CONTRACT_COLUMNS, row),
    rawRank: values.contrat_type_contrat ?? null,
  };
}

async function writeBatch(ctx: FluxImportContext, file: string, batch: readonly ParsedContract[]): Promise<void> {
  const db = ctx.tx.db;
  const pphs = [...new Set(batch.map((b) => b.pph))];
  const personOf = await personsByPph(db, pphs);
  const aspIds = [...new Set(batch.map((b) => b.aspId))];
  const contracts = new Map<number, ContractState>();
  const existing =
    await sql<ContractState>`SELECT id, ${sql.join(COMPARED.map((c) => sql.ref(c)))}, asp_contract_id, extra FROM contract WHERE asp_contract_id = ANY(${aspIds}::bigint[])`.execute(
      db,
    );
  for (const r of existing.rows) contracts.set(Number(r.asp_contract_id), { ...r, id: Number(r.id) });
  // Initial contract of each renewal (same person, structure and mesure, started before), in one query.
  const initialOf = new Map<number, number>();
  const renewals = batch.filter((b) => Number(b.row.rank) > 0 && personOf.has(b.pph));
  if (renewals.length > 0) {
    const keys = JSON.stringify(
      renewals.map((b, i) => ({ k: i, p: personOf.get(b.pph), s: b.row.structure_id, m: b.row.mesure_code, d: b.row.starts_on })),
    );
    const found = await sql<{ k: number; id: string | null }>`
      SELECT r.k, (SELECT c.id FROM contract c WHERE c.person_id = r.p AND c.structure_id = r.s AND c.mesure_code = r.m AND c.rank = 0 AND c.starts_on <= r.d
                   ORDER BY c.starts_on DESC LIMIT 1) AS id
      FROM jsonb_to_recordset(${keys}::jsonb) AS r(k int, p bigint, s bigint, m text, d date)`.execute(db);
    for (const f of found.rows) {
      const b = renewals[f.k];
      if (b && f.id !== null) initialOf.set(b.line, Number(f.id));
    }
  }
  let provisional = 0;
  const created = new Map<number, ContractState>();
  const changed = new Map<number, ContractState>();
  const links = new Map<string, { structure_id: number; asp_pph_id: number; person_id: number }>();
  /** Renewals demoted to recruitments in this batch (they are initial contracts for the next rows). */
  const demoted: ContractState[] = [];
  for (const b of batch) {
    const personId = personOf.get(b.pph);
    if (personId === undefined) {
      ctx.tally.reject({ file, line: b.line, column: "contrat_id_pph", reason: `salarié ${b.pph} inconnu : livrez la vue Salarie` });
      continue;
    }
    const row: Record<string, StoredValue> = { ...b.row, person_id: personId, recruitment_id: null };
    if (Number(row.rank) > 0) {
      let initial = initialOf.get(b.line) ?? null;
      const local = demoted
        .filter(
          (d) =>
            d.person_id === personId &&
            d.structure_id === row.structure_id &&
            d.mesure_code === row.mesure_code &&
            String(d.starts_on) <= String(row.starts_on),
        )
        .sort((x, y) => (String(x.starts_on) < String(y.starts_on) ? 1 : -1))[0];
      if (local && initial === null) initial = local.id;
      if (initial !== null) row.recruitment_id = initial;
      else {
        ctx.tally.warn({
          file,
          line: b.line,
          column: "contrat_type_contrat",
          reason: `renouvellement n°${row.rank} sans contrat initial connu : enregistré comme un recrutement`,
        });
        row.rank = 0;
        b.extra.contrat_type_contrat = b.rawRank;
      }
    }
    const structureId = Number(row.structure_id);
    links.set(`${structureId}|${b.pph}`, { structure_id: structureId, asp_pph_id: b.pph, person_id: personId });
    ctx.touchedStructures.add(structureId);
    const before = contracts.get(b.aspId);
    if (!before) {
      provisional--;
      const state: ContractState = { ...row, id: provisional, extra: b.extra };
      created.set(provisional, state);
      contracts.set(b.aspId, state);
      if (Number(b.row.rank) > 0 && row.rank === 0) demoted.push(state);
      ctx.tally.inserted++;
      continue;
    }
    const same =
      COMPARED.every((k) => String(before[k] ?? "") === String(row[k] ?? "")) && stableJson(before.extra) === stableJson(b.extra);
    if (same) {
      ctx.tally.unchanged++;
      continue;
    }
    const state: ContractState = { ...row, id: before.id, extra: b.extra };
    contracts.set(b.aspId, state);
    if (state.id < 0) created.set(state.id, state);
    else changed.set(state.id, state);
    ctx.tally.updated++;
  }
  const realId = await takeSequenceIds(ctx, "contract", created.keys());
  const idOf = (id: unknown) => (typeof id === "number" && id < 0 ? realId.get(id) : id);
  const asJson = (rows: Iterable<ContractState>) =>
    JSON.stringify([...rows].map((c) => ({ ...c, id: idOf(c.id), recruitment_id: idOf(c.recruitment_id) })));
  const fields = ["asp_contract_id", ...COMPARED, "extra"];
  const columns = sql.join(fields.map((c) => sql.ref(c)));
  if (links.size > 0) {
    await sql`INSERT INTO person_asp_id (structure_id, asp_pph_id, person_id)
      SELECT structure_id, asp_pph_id, person_id FROM jsonb_to_recordset(${JSON.stringify([...links.values()])}::jsonb) AS r(structure_id bigint, asp_pph_id bigint, person_id bigint)
      ON CONFLICT (structure_id, asp_pph_id) DO UPDATE SET person_id = EXCLUDED.person_id`.execute(db);
  }
  if (created.size > 0) {
    await sql`INSERT INTO contract (id, ${columns}) OVERRIDING SYSTEM VALUE
      SELECT id, ${columns} FROM jsonb_populate_recordset(NULL::contract, ${asJson(created.values())}::jsonb) ORDER BY id`.execute(db);
  }
  if (changed.size > 0) {
    const sets = sql.join(fields.map((c) => sql`${sql.ref(c)} = r.${sql.ref(c)}`));
    await sql`UPDATE contract c SET ${sets}, updated_at = now() FROM jsonb_populate_recordset(NULL::contract, ${asJson(changed.values())}::jsonb) r WHERE c.id = r.id`.execute(
      db,
    );
  }
  await analyzeAsItGrows(ctx, "contract", created.size);
  await analyzeAsItGrows(ctx, "person_asp_id", links.size);
}

/**
 * Exits of the recruitments that have ASP contracts: exit date = latest definitive exit of the chain,
 * motif = contrat_motif_sortie_code of that contract when the referential knows it — iae-reference §6.3.
 * Returns the number of exits written (inserted or changed), within the import's territory.
 */
export async function deriveExits(ctx: FluxImportContext): Promise<number> {
  // An import for a département derives the exits of its own structures only.
  const departement = ctx.territory.kind === "departement" ? ctx.territory.code : null;
  const result = await sql<{ n: number }>`
    WITH chains AS (
      SELECT DISTINCT ON (coalesce(c.recruitment_id, c.id))
        coalesce(c.recruitment_id, c.id) AS recruitment_id, c.person_id, c.structure_id, c.exit_on,
        CASE WHEN c.extra->>'contrat_motif_sortie_code' ~ '^[0-9]{1,6}$' THEN (c.extra->>'contrat_motif_sortie_code')::int END AS motif
      FROM contract c
      WHERE c.exit_on IS NOT NULL AND coalesce(c.recruitment_id, c.id) IN (SELECT coalesce(recruitment_id, id) FROM contract WHERE asp_contract_id IS NOT NULL)
        ${departement === null ? sql`` : sql`AND c.structure_id IN (SELECT id FROM structure WHERE departement_code = ${departement})`}
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
