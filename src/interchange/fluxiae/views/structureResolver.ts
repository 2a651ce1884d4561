// Which `structure` an ASP structure id designates for a kind (iae-reference §1.1: one legal entity can
// carry several mesures; Passerelle identifies a structure by (asp_id, kind), like les-emplois).
// When missing, it is created from what is known, in this order [L — the ASP gives no kind outside AFs]:
//   the fluxIAE_Structure row (table asp_structure), another kind of the same ASP id,
//   a structure of the same SIRET and kind without ASP id (e.g. from an ASP list: it receives the id),
//   else a placeholder name "Structure ASP n°<id>" and the département read from the AF number.
import { sql } from "kysely";
import type { StructureKind } from "../../../db/schema.js";
import { aspDepartementToInsee } from "../../../domain/identifiers/index.js";
import { outsideTerritory } from "../../importTerritory.js";
import type { FluxImportContext } from "../importContext.js";
import { structureFieldsFromRaw } from "./structure.js";
import { STRUCTURE_IDENTITY_FIELDS } from "../../../db/structureIdentityFields.js";

const cache = new WeakMap<FluxImportContext, Map<string, number>>();

/** What the resolver reads once per import (a few thousand structures nationally) instead of per AF row. */
interface Known {
  /** ASP ids that have at least one structure. */
  aspIds: Set<number>;
  /** `${siret}|${kind}` → structure */
  bySiret: Map<string, { id: number; asp_id: number | null; departement_code: string }>;
  /** fluxIAE_Structure rows (asp_structure.raw) by ASP id. */
  raws: Map<number, Record<string, string | null>>;
  aspDepartements: Map<string, string>;
}
const knownByImport = new WeakMap<FluxImportContext, Known>();

async function knownOf(ctx: FluxImportContext): Promise<Known> {
  const hit = knownByImport.get(ctx);
  if (hit) return hit;
  const db = ctx.tx.db;
  const known: Known = { aspIds: new Set(), bySiret: new Map(), raws: new Map(), aspDepartements: new Map() };
  for (const r of await db.selectFrom("structure").select(["id", "asp_id", "kind", "siret", "departement_code"]).execute()) {
    if (r.asp_id !== null) {
      cacheOf(ctx).set(`${r.asp_id}|${r.kind}`, r.id);
      known.aspIds.add(Number(r.asp_id));
    }
    if (r.siret !== null)
      known.bySiret.set(`${r.siret}|${r.kind}`, {
        id: r.id,
        asp_id: r.asp_id === null ? null : Number(r.asp_id),
        departement_code: r.departement_code,
      });
  }
  for (const r of (await sql<{ asp_id: string; raw: Record<string, string | null> }>`SELECT asp_id, raw FROM asp_structure`.execute(db))
    .rows)
    known.raws.set(Number(r.asp_id), r.raw);
  for (const r of await db.selectFrom("ref_departement_asp_code").select(["asp_code", "departement_code"]).execute())
    known.aspDepartements.set(r.asp_code, r.departement_code);
  knownByImport.set(ctx, known);
  return known;
}

function cacheOf(ctx: FluxImportContext): Map<string, number> {
  let c = cache.get(ctx);
  if (!c) {
    c = new Map();
    cache.set(ctx, c);
  }
  return c;
}

/** Département of an AF number: the 3 characters after the kind (`ACI059L…`? no: `ACI59L…` → 59L, `ACI062…` → 062). */
export function aspDepartementOfAfNumber(prefix: string): string | null {
  const m = /^(?:ACI|EITI|ETTI|EI|AI|FDI)([0-9]{2}[0-9A-Z])/.exec(prefix);
  return m?.[1] ?? null;
}

export async function findStructureOfAnyKind(ctx: FluxImportContext, aspId: number): Promise<number | null> {
  const row = await ctx.tx.db.selectFrom("structure").select("id").where("asp_id", "=", aspId).orderBy("id").executeTakeFirst();
  return row?.id ?? null;
}

export async function resolveStructure(
  ctx: FluxImportContext,
  aspId: number,
  kind: StructureKind,
  afPrefix: string,
): Promise<{ id: number; created: boolean } | { error: string }> {
  const key = `${aspId}|${kind}`;
  const known = await knownOf(ctx);
  const cached = cacheOf(ctx).get(key);
  if (cached !== undefined) return { id: cached, created: false };
  const db = ctx.tx.db;
  const raw = known.raws.get(aspId);
  const fromView = raw ? await structureFieldsFromRaw(ctx, raw) : null;
  const sibling = !known.aspIds.has(aspId)
    ? undefined
    : await db
        .selectFrom("structure")
        .select(["siret", ...STRUCTURE_IDENTITY_FIELDS])
        .where("asp_id", "=", aspId)
        .orderBy("id")
        .executeTakeFirst();
  const siret = fromView?.siret ?? sibling?.siret ?? null;
  if (siret) {
    const bySiret = known.bySiret.get(`${siret}|${kind}`);
    if (bySiret) {
      if (bySiret.asp_id !== null && bySiret.asp_id !== aspId) {
        return { error: `le SIRET ${siret} (${kind}) appartient déjà à la structure ASP n°${bySiret.asp_id}` };
      }
      const outside = outsideTerritory(ctx.territory, bySiret.departement_code, `structure SIRET ${siret} (${kind}) déjà enregistrée`);
      if (outside) return { error: outside };
      await db.updateTable("structure").set({ asp_id: aspId, updated_at: new Date() }).where("id", "=", bySiret.id).execute();
      bySiret.asp_id = aspId;
      known.aspIds.add(aspId);
      cacheOf(ctx).set(key, bySiret.id);
      return { id: bySiret.id, created: false };
    }
  }
  const aspDpt = aspDepartementOfAfNumber(afPrefix);
  let departementCode = fromView?.departement_code ?? sibling?.departement_code ?? null;
  let departementAspCode = sibling?.departement_asp_code ?? null;
  if (aspDpt) {
    const knownDepartement = known.aspDepartements.get(aspDpt);
    if (knownDepartement) {
      departementAspCode = aspDpt;
      departementCode ??= knownDepartement;
    } else if (!departementCode) {
      try {
        departementCode = aspDepartementToInsee(aspDpt);
      } catch {
        departementCode = null;
      }
    }
  }
  if (!departementCode) return { error: `département de la structure ASP n°${aspId} introuvable (numéro d'annexe ${afPrefix})` };
  // Its address may place a new structure outside the département of an import for one département.
  const outside = outsideTerritory(ctx.territory, departementCode, `structure ASP n°${aspId} à créer`);
  if (outside) return { error: outside };
  const inserted = await db
    .insertInto("structure")
    .values({
      kind,
      asp_id: aspId,
      siret,
      name: fromView?.name ?? sibling?.name ?? `Structure ASP n°${aspId}`,
      legal_form: sibling?.legal_form ?? null,
      naf_code: fromView?.naf_code ?? sibling?.naf_code ?? null,
      address_line: fromView?.address_line ?? sibling?.address_line ?? null,
      postal_code: fromView?.postal_code ?? sibling?.postal_code ?? null,
      commune_code: fromView?.commune_code ?? sibling?.commune_code ?? null,
      commune_name: fromView?.commune_name ?? sibling?.commune_name ?? null,
      departement_code: departementCode,
      departement_asp_code: departementAspCode,
      phone: fromView?.phone ?? sibling?.phone ?? null,
      email: sibling?.email ?? null,
      source: "fluxiae",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  cacheOf(ctx).set(key, inserted.id);
  known.aspIds.add(aspId);
  if (siret) known.bySiret.set(`${siret}|${kind}`, { id: inserted.id, asp_id: aspId, departement_code: departementCode });
  ctx.touchedStructures.add(inserted.id);
  return { id: inserted.id, created: true };
}
