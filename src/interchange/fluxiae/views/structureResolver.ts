// Which `structure` an ASP structure id designates for a kind (iae-reference §1.1: one legal entity can
// carry several mesures; Passerelle identifies a structure by (asp_id, kind), like les-emplois).
// When missing, it is created from what is known, in this order [L — the ASP gives no kind outside AFs]:
//   the fluxIAE_Structure row (table asp_structure), another kind of the same ASP id,
//   a structure of the same SIRET and kind without ASP id (e.g. from an ASP list: it receives the id),
//   else a placeholder name "Structure ASP n°<id>" and the département read from the AF number.
import { sql } from "kysely";
import type { StructureKind } from "../../../db/schema.js";
import { aspDepartementToInsee } from "../../../domain/identifiers/index.js";
import type { FluxImportContext } from "../importContext.js";
import { structureFieldsFromRaw } from "./structure.js";

const cache = new WeakMap<FluxImportContext, Map<string, number>>();
const preloaded = new WeakSet<FluxImportContext>();

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
  if (!preloaded.has(ctx)) {
    // Every known (ASP id, kind) read once: existing structures cost no query per AF row.
    preloaded.add(ctx);
    const known = await ctx.tx.db.selectFrom("structure").select(["id", "asp_id", "kind"]).where("asp_id", "is not", null).execute();
    for (const r of known) cacheOf(ctx).set(`${r.asp_id}|${r.kind}`, r.id);
  }
  const cached = cacheOf(ctx).get(key);
  if (cached !== undefined) return { id: cached, created: false };
  const db = ctx.tx.db;
  const existing = await db.selectFrom("structure").select("id").where("asp_id", "=", aspId).where("kind", "=", kind).executeTakeFirst();
  if (existing) {
    cacheOf(ctx).set(key, existing.id);
    return { id: existing.id, created: false };
  }
  const staged = await sql<{ raw: Record<string, string | null> }>`SELECT raw FROM asp_structure WHERE asp_id = ${aspId}`.execute(db);
  const fromView = staged.rows[0] ? await structureFieldsFromRaw(ctx, staged.rows[0].raw) : null;
  const sibling = await db
    .selectFrom("structure")
    .select(["siret", "name", "legal_form", "naf_code", "address_line", "postal_code", "commune_code", "commune_name", "departement_code", "departement_asp_code", "phone", "email"])
    .where("asp_id", "=", aspId)
    .orderBy("id")
    .executeTakeFirst();
  const siret = fromView?.siret ?? sibling?.siret ?? null;
  if (siret) {
    const bySiret = await db.selectFrom("structure").select(["id", "asp_id"]).where("siret", "=", siret).where("kind", "=", kind).executeTakeFirst();
    if (bySiret) {
      if (bySiret.asp_id !== null && bySiret.asp_id !== aspId) {
        return { error: `le SIRET ${siret} (${kind}) appartient déjà à la structure ASP n°${bySiret.asp_id}` };
      }
      await db.updateTable("structure").set({ asp_id: aspId, updated_at: new Date() }).where("id", "=", bySiret.id).execute();
      cacheOf(ctx).set(key, bySiret.id);
      return { id: bySiret.id, created: false };
    }
  }
  const aspDpt = aspDepartementOfAfNumber(afPrefix);
  let departementCode = fromView?.departement_code ?? sibling?.departement_code ?? null;
  let departementAspCode = sibling?.departement_asp_code ?? null;
  if (aspDpt) {
    const known = await db.selectFrom("ref_departement_asp_code").select("departement_code").where("asp_code", "=", aspDpt).executeTakeFirst();
    if (known) {
      departementAspCode = aspDpt;
      departementCode ??= known.departement_code;
    } else if (!departementCode) {
      try {
        departementCode = aspDepartementToInsee(aspDpt);
      } catch {
        departementCode = null;
      }
    }
  }
  if (!departementCode) return { error: `département de la structure ASP n°${aspId} introuvable (numéro d'annexe ${afPrefix})` };
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
  ctx.touchedStructures.add(inserted.id);
  return { id: inserted.id, created: true };
}
