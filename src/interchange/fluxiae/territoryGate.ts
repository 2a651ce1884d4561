// An import for one département (docs/imports.md) writes only the rows of that département. The gate of
// a view decides, before the view's importer sees a row, where the row belongs, and refuses the others:
// one rejection naming the file, the line and the column that places the row; the importer never sees it,
// so nothing is written for it. Where a row belongs, by view:
//  - RefCategorieSort, RefMotifSort, RefMontantIae: national referentials, refused to a département;
//  - Structure: the département of its address (INSEE commune code), else of the structures already
//    registered under its ASP id; refused when any structure of that ASP id lies elsewhere;
//  - AnnexeFinanciere: the département of its number (ACI062…, ACI59L…); refused when a structure of
//    af_id_structure, or the stored version of the same ASP id, lies elsewhere;
//  - Salarie: the structure of its salarie_id (an ASP person id is per structure, iae-reference §7.1) —
//    stored links and the ContratMission rows of the same delivery; unknown → refused;
//  - ContratMission: its structure (contrat_id_structure + kind of the mesure); refused when the stored
//    contract of the same ASP id belongs to a structure elsewhere;
//  - EtatMensuelIndiv, Formations: their contract (and the AF) must be one of the département;
//  - Accompagnement: its AF must be one of the département.
// A row whose placing column cannot be read passes: the view's own checks reject it.
// A national import has no gate. The views' own writers also check what they create (structureResolver).
import { sql } from "kysely";
import type { StructureKind } from "../../db/schema.js";
import { afNumberFromParts } from "../../domain/identifiers/index.js";
import { kindOfMesure, parseAspMesure } from "../../domain/structures/index.js";
import type { ImportTerritory } from "../importTerritory.js";
import { outsideTerritory } from "../importTerritory.js";
import type { FluxImportContext } from "./importContext.js";
import type { FluxIaeRecord, OpenedView } from "./reader.js";
import { RowFields } from "./rowFields.js";
import type { FluxIaeView } from "./views.js";
import { ACCOMPAGNEMENT_AF_COLUMNS } from "./views/accompagnement.js";
import { structureAddressPrefix, structureFieldsFromRaw } from "./views/structure.js";

export interface Refusal {
  column: string | null;
  reason: string;
}

/** Null when the row may be imported, else why not. */
export type RowGate = (record: FluxIaeRecord) => Promise<Refusal | null>;

type Departemental = Extract<ImportTerritory, { kind: "departement" }>;

/** Opens another view of the same delivery (the Salarie gate reads the delivery's ContratMission). */
export type DeliveryViews = (view: FluxIaeView) => Promise<OpenedView | null>;

export async function territoryGate(ctx: FluxImportContext, view: FluxIaeView, delivery: DeliveryViews): Promise<RowGate | null> {
  const territory = ctx.territory;
  if (territory.kind === "nation") return null;
  switch (view) {
    case "RefCategorieSort":
    case "RefMotifSort":
    case "RefMontantIae":
      return referentialGate(view);
    case "Structure":
      return structureGate(ctx, territory);
    case "AnnexeFinanciere":
      return annexGate(ctx, territory);
    case "Salarie":
      return salarieGate(ctx, territory, delivery);
    case "ContratMission":
      return contractGate(ctx, territory);
    case "EtatMensuelIndiv":
      return monthlyGate(ctx, territory);
    case "Formations":
      return trainingGate(ctx, territory);
    case "Accompagnement":
      return supportGate(ctx, territory);
  }
}

/**
 * The view as its importer sees it: refused rows reported once (and counted as read) and left out of
 * every pass, including the passes of `reopen()` (importers that read a view several times).
 */
export function gatedView(view: OpenedView, gate: RowGate, ctx: FluxImportContext): OpenedView {
  const refused = new Set<number>();
  let decidedUpTo = 0;
  const wrap = (opened: OpenedView): OpenedView => ({
    ...opened,
    records: async function* () {
      for await (const record of opened.records()) {
        if (record.line <= decidedUpTo) {
          if (!refused.has(record.line)) yield record;
          continue;
        }
        decidedUpTo = record.line;
        const refusal = record.problem ? null : await gate(record);
        if (!refusal) {
          yield record;
          continue;
        }
        refused.add(record.line);
        ctx.tally.rowsRead++;
        ctx.tally.reject({ file: opened.file, line: record.line, column: refusal.column, reason: refusal.reason });
      }
    },
    reopen: async () => wrap(await opened.reopen()),
  });
  return wrap(view);
}

const REFERENTIAL_KEY: Record<"RefCategorieSort" | "RefMotifSort" | "RefMontantIae", string> = {
  RefCategorieSort: "rcs_id",
  RefMotifSort: "rms_id",
  RefMontantIae: "rmi_id",
};

function referentialGate(view: "RefCategorieSort" | "RefMotifSort" | "RefMontantIae"): RowGate {
  const refusal = {
    column: REFERENTIAL_KEY[view],
    reason: `référentiel national ${view} : importé par la DGEFP ou un administrateur, pas par un import départemental`,
  };
  return async () => refusal;
}

const readInteger = (record: FluxIaeRecord, column: string): number | null => new RowFields(record.values).integer(column);

/** Département(s) of the structures registered under each ASP id. */
async function departementsByAspId(ctx: FluxImportContext): Promise<Map<number, string[]>> {
  const placed = new Map<number, string[]>();
  const rows = await ctx.tx.db.selectFrom("structure").select(["asp_id", "departement_code"]).where("asp_id", "is not", null).execute();
  for (const r of rows) {
    const id = Number(r.asp_id);
    placed.set(id, [...(placed.get(id) ?? []), r.departement_code]);
  }
  return placed;
}

/** The refusal of a row whose ASP structure id has a structure outside the territory. */
function foreignStructure(territory: Departemental, placed: Map<number, string[]>, aspId: number | null, column: string): Refusal | null {
  if (aspId === null) return null;
  const elsewhere = (placed.get(aspId) ?? []).find((d) => d !== territory.code);
  if (elsewhere === undefined) return null;
  return { column, reason: outsideTerritory(territory, elsewhere, `structure ASP n°${aspId}`) ?? "" };
}

async function structureGate(ctx: FluxImportContext, territory: Departemental): Promise<RowGate> {
  const placed = await departementsByAspId(ctx);
  return async (record) => {
    const aspId = readInteger(record, "structure_id_siae");
    if (aspId === null) return null;
    const foreign = foreignStructure(territory, placed, aspId, "structure_id_siae");
    if (foreign) return foreign;
    const { departement_code } = await structureFieldsFromRaw(ctx, record.values);
    const departement = departement_code ?? placed.get(aspId)?.[0] ?? null;
    const outside = outsideTerritory(territory, departement, `structure ASP n°${aspId}`);
    return outside ? { column: `${structureAddressPrefix(new RowFields(record.values))}code_insee`, reason: outside } : null;
  };
}

async function annexGate(ctx: FluxImportContext, territory: Departemental): Promise<RowGate> {
  const placed = await departementsByAspId(ctx);
  const foreignAnnexes = new Set(
    (
      await ctx.tx.db
        .selectFrom("financial_annex as a")
        .innerJoin("structure as s", "s.id", "a.structure_id")
        .select("a.asp_af_id")
        .where("a.asp_af_id", "is not", null)
        .where("s.departement_code", "<>", territory.code)
        .execute()
    ).map((r) => Number(r.asp_af_id)),
  );
  return async (record) => {
    const prefix = new RowFields(record.values).text("af_numero_annexe_financiere");
    if (prefix === null) return null;
    let departement: string | null;
    try {
      departement = afNumberFromParts(prefix.toUpperCase(), 0, 0, { allowFdi: true }).departement;
    } catch {
      return null;
    }
    const outside = outsideTerritory(territory, departement, `annexe ${prefix}`);
    if (outside) return { column: "af_numero_annexe_financiere", reason: outside };
    const foreign = foreignStructure(territory, placed, readInteger(record, "af_id_structure"), "af_id_structure");
    if (foreign) return foreign;
    const aspAfId = readInteger(record, "af_id_avenant_modification");
    if (aspAfId !== null && foreignAnnexes.has(aspAfId)) {
      return {
        column: "af_id_avenant_modification",
        reason: `annexe ASP n°${aspAfId} déjà enregistrée pour une structure hors du département ${territory.code} : ligne non importée`,
      };
    }
    return null;
  };
}

/** `${asp_id}|${kind}` → département of the structure. */
async function departementsByStructureKey(ctx: FluxImportContext): Promise<Map<string, string>> {
  const rows = await ctx.tx.db
    .selectFrom("structure")
    .select(["asp_id", "kind", "departement_code"])
    .where("asp_id", "is not", null)
    .execute();
  return new Map(rows.map((r) => [`${r.asp_id}|${r.kind}`, r.departement_code]));
}

function kindOf(mesure: string | null): StructureKind | null {
  if (!mesure) return null;
  try {
    return kindOfMesure(parseAspMesure(mesure));
  } catch {
    return null;
  }
}

async function salarieGate(ctx: FluxImportContext, territory: Departemental, delivery: DeliveryViews): Promise<RowGate> {
  const local = new Set<number>();
  const foreign = new Set<number>();
  const stored = await ctx.tx.db
    .selectFrom("person_asp_id as pa")
    .innerJoin("structure as s", "s.id", "pa.structure_id")
    .select(["pa.asp_pph_id", "s.departement_code"])
    .where("s.departement_code", "=", territory.code)
    .execute();
  for (const r of stored) local.add(Number(r.asp_pph_id));
  const contracts = await delivery("ContratMission");
  if (contracts) {
    const placed = await departementsByStructureKey(ctx);
    for await (const record of contracts.records()) {
      const f = new RowFields(record.values);
      const pph = f.integer("contrat_id_pph");
      const structure = f.integer("contrat_id_structure");
      const kind = kindOf(f.text("contrat_mesure_disp_code"));
      if (pph === null || structure === null || kind === null) continue;
      if (placed.get(`${structure}|${kind}`) === territory.code) local.add(pph);
      else foreign.add(pph);
    }
  }
  // People of the département also linked to a structure elsewhere are that structure's too.
  const candidates = [...local];
  for (let i = 0; i < candidates.length; i += 10_000) {
    const elsewhere = await sql<{ asp_pph_id: string }>`
      SELECT DISTINCT pa.asp_pph_id FROM person_asp_id pa JOIN structure s ON s.id = pa.structure_id
      WHERE pa.asp_pph_id = ANY(${candidates.slice(i, i + 10_000)}::bigint[]) AND s.departement_code <> ${territory.code}`.execute(
      ctx.tx.db,
    );
    for (const r of elsewhere.rows) foreign.add(Number(r.asp_pph_id));
  }
  return async (record) => {
    const pph = readInteger(record, "salarie_id");
    if (pph === null) return null;
    if (foreign.has(pph))
      return {
        column: "salarie_id",
        reason: `salarié ${pph} : employé par une structure hors du département ${territory.code} : ligne non importée`,
      };
    if (!local.has(pph)) {
      return {
        column: "salarie_id",
        reason: `salarié ${pph} : aucune structure du département ${territory.code} ne l'emploie (livrez ses contrats dans la vue ContratMission) : ligne non importée`,
      };
    }
    return null;
  };
}

/** ASP ids of the contracts and AF ids (af_id_annexe_financiere) of the territory's structures. */
async function localContractsAndAnnexes(
  ctx: FluxImportContext,
  territory: Departemental,
): Promise<{ contracts: Set<number>; annexes: Set<string> }> {
  const contracts = await sql<{ id: string }>`
    SELECT c.asp_contract_id AS id FROM contract c JOIN structure s ON s.id = c.structure_id
    WHERE c.asp_contract_id IS NOT NULL AND s.departement_code = ${territory.code}`.execute(ctx.tx.db);
  const annexes = await sql<{ id: string }>`
    SELECT DISTINCT a.extra->>'af_id_annexe_financiere' AS id FROM financial_annex a JOIN structure s ON s.id = a.structure_id
    WHERE a.extra->>'af_id_annexe_financiere' IS NOT NULL AND s.departement_code = ${territory.code}`.execute(ctx.tx.db);
  return { contracts: new Set(contracts.rows.map((r) => Number(r.id))), annexes: new Set(annexes.rows.map((r) => String(r.id))) };
}

const notLocal = (territory: Departemental, what: string) =>
  `${what} inconnu(e) ou d'une structure hors du département ${territory.code} : ligne non importée`;

async function contractGate(ctx: FluxImportContext, territory: Departemental): Promise<RowGate> {
  const placed = await departementsByStructureKey(ctx);
  const { contracts: local } = await localContractsAndAnnexes(ctx, territory);
  return async (record) => {
    const f = new RowFields(record.values);
    const structure = f.integer("contrat_id_structure");
    const kind = kindOf(f.text("contrat_mesure_disp_code"));
    if (structure === null || kind === null) return null;
    const departement = placed.get(`${structure}|${kind}`);
    if (departement === undefined) return null; // unknown structure: the view rejects the row
    const outside = outsideTerritory(territory, departement, `structure ASP n°${structure} (${kind})`);
    if (outside) return { column: "contrat_id_structure", reason: outside };
    const ctr = f.integer("contrat_id_ctr");
    if (ctr === null || local.has(ctr)) return null;
    const stored = await sql<{ departement_code: string }>`
      SELECT s.departement_code FROM contract c JOIN structure s ON s.id = c.structure_id WHERE c.asp_contract_id = ${ctr}`.execute(
      ctx.tx.db,
    );
    const elsewhere = stored.rows[0]?.departement_code;
    return elsewhere === undefined
      ? null
      : { column: "contrat_id_ctr", reason: outsideTerritory(territory, elsewhere, `contrat ASP n°${ctr} déjà enregistré`) ?? "" };
  };
}

async function monthlyGate(ctx: FluxImportContext, territory: Departemental): Promise<RowGate> {
  const local = await localContractsAndAnnexes(ctx, territory);
  return async (record) => {
    const ctr = readInteger(record, "emi_ctr_id");
    const afi = readInteger(record, "emi_afi_id");
    if (ctr !== null && !local.contracts.has(ctr)) return { column: "emi_ctr_id", reason: notLocal(territory, `contrat ASP n°${ctr}`) };
    if (afi !== null && !local.annexes.has(String(afi)))
      return { column: "emi_afi_id", reason: notLocal(territory, `annexe financière ASP n°${afi}`) };
    return null;
  };
}

async function trainingGate(ctx: FluxImportContext, territory: Departemental): Promise<RowGate> {
  const { contracts } = await localContractsAndAnnexes(ctx, territory);
  return async (record) => {
    const ctr = readInteger(record, "formation_id_ctr");
    if (ctr !== null && !contracts.has(ctr)) return { column: "formation_id_ctr", reason: notLocal(territory, `contrat ASP n°${ctr}`) };
    const id = readInteger(record, "formation_id_for");
    if (id === null) return null;
    const stored = await sql<{ departement_code: string }>`
      SELECT s.departement_code FROM training t JOIN structure s ON s.id = t.structure_id WHERE t.asp_training_id = ${id}`.execute(
      ctx.tx.db,
    );
    const outside = outsideTerritory(
      territory,
      stored.rows[0]?.departement_code ?? territory.code,
      `formation ASP n°${id} déjà enregistrée`,
    );
    return outside ? { column: "formation_id_for", reason: outside } : null;
  };
}

async function supportGate(ctx: FluxImportContext, territory: Departemental): Promise<RowGate> {
  const { annexes } = await localContractsAndAnnexes(ctx, territory);
  return async (record) => {
    const column = ACCOMPAGNEMENT_AF_COLUMNS.find((c) => Object.hasOwn(record.values, c));
    const afi = column ? readInteger(record, column) : null;
    if (column === undefined || afi === null) return null;
    return annexes.has(String(afi)) ? null : { column, reason: notLocal(territory, `annexe financière ASP n°${afi}`) };
  };
}
