// fluxIAE_Structure → asp_structure (every column kept) and a refresh of the `structure` rows of that
// ASP id. The view has no kind (it comes from the AF mesure, iae-reference §7.1), so a Structure row
// alone creates no `structure`: the AnnexeFinanciere import creates it from this row.
// The gestion address is used (the ASP advises it), the admin one when the gestion one is empty.
import { sql } from "kysely";
import { checkSiret, normalizeCommuneCode, normalizeSiret } from "../../../domain/identifiers/index.js";
import { type FluxImportContext, LastLineOfKey, rejectRow, stableJson } from "../importContext.js";
import type { OpenedView } from "../reader.js";
import { RowFields } from "../rowFields.js";

export interface StructureFields {
  siret: string | null;
  name: string | null;
  naf_code: string | null;
  address_line: string | null;
  postal_code: string | null;
  commune_code: string | null;
  commune_name: string | null;
  departement_code: string | null;
  phone: string | null;
}

const communeCache = new WeakMap<FluxImportContext, Map<string, string | null>>();

async function departementOfCommune(ctx: FluxImportContext, code: string): Promise<string | null> {
  let cache = communeCache.get(ctx);
  if (!cache) {
    cache = new Map();
    communeCache.set(ctx, cache);
  }
  if (cache.size === 0) {
    // The commune referential read once (≈ 35,000 rows) instead of one query per new commune.
    for (const r of await ctx.tx.db.selectFrom("ref_commune").select(["code", "departement_code"]).execute())
      cache.set(r.code, r.departement_code);
    cache.set("", null);
  }
  return cache.get(code) ?? null;
}

/** Column prefix of the address a Structure row is placed by: gestion, else admin (the ASP advises gestion). */
export function structureAddressPrefix(f: RowFields): "structure_adresse_gestion_" | "structure_adresse_admin_" {
  const gestion = f.text("structure_adresse_gestion_nom_voie") || f.text("structure_adresse_gestion_cp");
  return gestion ? "structure_adresse_gestion_" : "structure_adresse_admin_";
}

/** The structure fields a fluxIAE_Structure row gives (values that do not fit are left null). */
export async function structureFieldsFromRaw(
  ctx: FluxImportContext,
  raw: Readonly<Record<string, string | null>>,
): Promise<StructureFields> {
  const f = new RowFields(raw);
  const p = structureAddressPrefix(f);
  const siretRaw = f.text("structure_siret_actualise") ?? f.text("structure_siret_signature");
  const siretCheck = siretRaw ? checkSiret(siretRaw) : null;
  const siret = siretCheck?.ok ? siretCheck.value : siretRaw && /^\d{14}$/.test(normalizeSiret(siretRaw)) ? normalizeSiret(siretRaw) : null;
  const naf = f.text("structure_code_naf")?.toUpperCase() ?? null;
  const cp = f.text(`${p}cp`);
  let communeCode: string | null = null;
  let departementCode: string | null = null;
  const insee = f.text(`${p}code_insee`);
  if (insee) {
    try {
      const c = normalizeCommuneCode(insee);
      departementCode = await departementOfCommune(ctx, c);
      communeCode = departementCode ? c : null;
    } catch {
      communeCode = null;
    }
  }
  const address = [f.text(`${p}numero`), f.text(`${p}cplt_num_voie`), f.text(`${p}type_voie`), f.text(`${p}nom_voie`)]
    .filter((x) => x !== null)
    .join(" ");
  return {
    siret,
    name: f.text("structure_denomination"),
    naf_code: naf && /^[0-9]{2}\.?[0-9]{2}[A-Z]$/.test(naf) ? naf : null,
    address_line: address === "" ? null : address,
    postal_code: cp && /^\d{5}$/.test(cp) ? cp : null,
    commune_code: communeCode,
    commune_name: f.text(`${p}commune`),
    departement_code: departementCode,
    phone: f.text(`${p}telephone`),
  };
}

const BATCH = 2_000;

interface StructureRow {
  line: number;
  aspId: number;
  name: string;
  fields: StructureFields;
  values: Readonly<Record<string, string | null>>;
}

export async function importStructureView(ctx: FluxImportContext, view: OpenedView): Promise<void> {
  const seen = new LastLineOfKey(ctx, view.file, "structure_id_siae");
  let batch: StructureRow[] = [];
  for await (const record of view.records()) {
    ctx.tally.rowsRead++;
    const f = new RowFields(record.values);
    if (record.problem) {
      rejectRow(ctx, view.file, record, [{ column: null, reason: record.problem }]);
      continue;
    }
    const aspId = f.integer("structure_id_siae", true);
    const name = f.required("structure_denomination");
    if (aspId !== null && aspId <= 0) f.problem("structure_id_siae", "identifiant ASP invalide");
    if (f.issues.length > 0 || aspId === null || name === null) {
      rejectRow(ctx, view.file, record, f.issues);
      continue;
    }
    seen.read(aspId, record.line, (previous) => `structure ASP n°${aspId} déjà lue ligne ${previous} : la dernière ligne l'emporte`);
    const fields = await structureFieldsFromRaw(ctx, record.values);
    const siretRaw = f.text("structure_siret_actualise") ?? f.text("structure_siret_signature");
    if (siretRaw && !fields.siret)
      ctx.tally.warn({
        file: view.file,
        line: record.line,
        column: "structure_siret_actualise",
        reason: `SIRET « ${siretRaw} » invalide : ignoré`,
      });
    batch.push({ line: record.line, aspId, name, fields, values: record.values });
    if (batch.length >= BATCH) {
      await writeBatch(ctx, view, batch);
      batch = [];
    }
  }
  if (batch.length > 0) await writeBatch(ctx, view, batch);
}

/** One batch of Structure rows: stored rows read with `= ANY`, asp_structure written by one statement. */
async function writeBatch(ctx: FluxImportContext, view: OpenedView, batch: readonly StructureRow[]): Promise<void> {
  const db = ctx.tx.db;
  const ids = [...new Set(batch.map((b) => b.aspId))];
  const stored = new Map<number, unknown>();
  for (const r of (
    await sql<{ asp_id: string; raw: unknown }>`SELECT asp_id, raw FROM asp_structure WHERE asp_id = ANY(${ids}::bigint[])`.execute(db)
  ).rows)
    stored.set(Number(r.asp_id), r.raw);
  const written = new Map<number, StructureRow>();
  for (const row of batch) {
    const old = stored.get(row.aspId);
    if (old !== undefined && stableJson(old) === stableJson(row.values)) {
      ctx.tally.unchanged++;
      continue;
    }
    if (old !== undefined) ctx.tally.updated++;
    else ctx.tally.inserted++;
    stored.set(row.aspId, row.values);
    written.delete(row.aspId);
    written.set(row.aspId, row);
  }
  if (written.size === 0) return;
  const json = JSON.stringify(
    [...written.values()].map((w) => ({ asp_id: w.aspId, siret: w.fields.siret, name: w.fields.name, raw: w.values })),
  );
  await sql`INSERT INTO asp_structure (asp_id, siret, name, raw, updated_at)
    SELECT asp_id, siret, name, raw, now() FROM jsonb_to_recordset(${json}::jsonb) AS r(asp_id bigint, siret text, name text, raw jsonb)
    ON CONFLICT (asp_id) DO UPDATE SET siret = EXCLUDED.siret, name = EXCLUDED.name, raw = EXCLUDED.raw, updated_at = now()`.execute(db);
  // Refresh the structures of those ASP ids (every kind).
  const targets = await db
    .selectFrom("structure")
    .select(["id", "kind", "siret", "asp_id"])
    .where("asp_id", "in", [...written.keys()])
    .orderBy("id")
    .execute();
  for (const t of targets) {
    const row = written.get(Number(t.asp_id));
    if (!row) continue;
    const { fields } = row;
    let siret = t.siret;
    if (fields.siret && fields.siret !== t.siret) {
      const clash = await db
        .selectFrom("structure")
        .select("id")
        .where("siret", "=", fields.siret)
        .where("kind", "=", t.kind)
        .where("id", "<>", t.id)
        .executeTakeFirst();
      if (clash)
        ctx.tally.warn({
          file: view.file,
          line: row.line,
          column: "structure_siret_actualise",
          reason: `SIRET ${fields.siret} déjà porté par une autre structure ${t.kind} : non modifié`,
        });
      else siret = fields.siret;
    }
    await db
      .updateTable("structure")
      .set({
        siret,
        name: fields.name ?? row.name,
        naf_code: fields.naf_code,
        address_line: fields.address_line,
        postal_code: fields.postal_code,
        commune_code: fields.commune_code,
        commune_name: fields.commune_name,
        phone: fields.phone,
        ...(fields.departement_code ? { departement_code: fields.departement_code } : {}),
        updated_at: new Date(),
      })
      .where("id", "=", t.id)
      .execute();
    ctx.touchedStructures.add(t.id);
  }
}
