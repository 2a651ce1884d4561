// fluxIAE_Salarie → person (+ asp_person: salarie_id → person). salarie_id is the ASP's id of a person
// within one structure (iae-reference §7.1): the same human in two SIAE has two ids, so people are
// matched across ids by the keyed hash of the NIR. The view carries no structure: person_asp_id
// (structure, pph) is written by ContratMission.
// Personal data: the NIR is stored only encrypted + keyed hash (never clear, never in a message);
// the PASS number of the view (salarie_agrement) comes without its dates, so no approval is created
// from it and it is not stored. Pseudonymised mode: NIR kept only as its keyed hash, names, address
// and contacts dropped, birth date cut to the year (iae-reference §9).
import { sql } from "kysely";
import { checkNir, normalizeCommuneCode } from "../../../domain/identifiers/index.js";
import { recordAudit } from "../../../operations/audit.js";
import { ImportInputError } from "../../importReport.js";
import { type FluxImportContext, rejectRow } from "../importContext.js";
import type { OpenedView } from "../reader.js";
import { RowFields } from "../rowFields.js";

interface PersonValues {
  nir_encrypted: string | null;
  nir_hash: string | null;
  civility: "M" | "MME" | null;
  last_name: string | null;
  birth_name: string | null;
  first_name: string | null;
  birth_date: string | null;
  birth_year: number | null;
  address_line: string | null;
  postal_code: string | null;
  commune_code: string | null;
  departement_code: string | null;
  is_qpv: boolean | null;
  is_zrr: boolean | null;
  pseudonymised: boolean;
}

const COMPARED: (keyof PersonValues)[] = [
  "nir_hash",
  "civility",
  "last_name",
  "birth_name",
  "first_name",
  "birth_date",
  "birth_year",
  "address_line",
  "postal_code",
  "commune_code",
  "departement_code",
  "is_qpv",
  "is_zrr",
  "pseudonymised",
];

export async function importSalarieView(ctx: FluxImportContext, view: OpenedView): Promise<void> {
  const db = ctx.tx.db;
  const communes = new Map<string, string | null>();
  const departementOf = async (code: string): Promise<string | null> => {
    if (!communes.has(code)) {
      const r = await db.selectFrom("ref_commune").select("departement_code").where("code", "=", code).executeTakeFirst();
      communes.set(code, r?.departement_code ?? null);
    }
    return communes.get(code) ?? null;
  };
  for await (const record of view.records()) {
    ctx.tally.rowsRead++;
    const f = new RowFields(record.values);
    if (record.problem) f.problem(null, record.problem);
    const pph = f.integer("salarie_id", true);
    if (pph !== null && pph <= 0) f.problem("salarie_id", "identifiant ASP invalide");
    const birthDate = f.date("salarie_date_naissance");
    const civilityRaw = f.text("salarie_rci_libelle")?.toUpperCase().replace(/\./g, "") ?? null;
    const civility = civilityRaw === "M" || civilityRaw === "MME" ? civilityRaw : null;
    if (civilityRaw && !civility) f.problem("salarie_rci_libelle", `civilité « ${civilityRaw} » inconnue (M. ou MME)`);
    const zrr = f.boolean("salarie_adr_is_zrr");
    const qpvType = f.text("salarie_adr_qpv_type");
    let nirHash: string | null = null;
    let nirEncrypted: string | null = null;
    const nirRaw = f.text("salarie_nir");
    if (nirRaw) {
      const nir = checkNir(nirRaw);
      if (!nir.ok) {
        // Never echo the NIR itself.
        ctx.tally.warn({ file: view.file, line: record.line, column: "salarie_nir", reason: `NIR invalide (${nir.error.message}) : non enregistré` });
      } else {
        if (!ctx.pii) throw new ImportInputError(`${view.file} : la vue Salarie contient des NIR ; la clé de chiffrement des données personnelles est nécessaire`, [{ file: view.file, line: record.line, column: "salarie_nir", reason: "clé de chiffrement absente" }]);
        nirHash = ctx.pii.hash("nir", nir.value.value);
        nirEncrypted = ctx.pseudonymise ? null : ctx.pii.encrypt(nir.value.value);
      }
    }
    let communeCode: string | null = null;
    let departementCode: string | null = null;
    const insee = f.text("salarie_codeinseecom");
    if (insee) {
      try {
        const c = normalizeCommuneCode(insee);
        departementCode = await departementOf(c);
        if (departementCode) communeCode = c;
      } catch {
        communeCode = null;
      }
    }
    if (f.issues.length > 0 || pph === null) {
      rejectRow(ctx, view.file, record, f.issues);
      continue;
    }
    const cp = f.text("salarie_codepostalcedex");
    const address = [f.text("salarie_adr_numero_voie"), f.text("salarie_codeextensionvoie"), f.text("salarie_codetypevoie"), f.text("salarie_adr_libelle_voie")].filter((x) => x !== null).join(" ");
    const pseudo = ctx.pseudonymise;
    const values: PersonValues = {
      nir_encrypted: nirEncrypted,
      nir_hash: nirHash,
      civility: pseudo ? null : civility,
      last_name: pseudo ? null : (f.text("salarie_nom_usage") ?? f.text("salarie_nom_naissance")),
      birth_name: pseudo ? null : f.text("salarie_nom_naissance"),
      first_name: pseudo ? null : f.text("salarie_prenom"),
      birth_date: pseudo ? null : birthDate,
      birth_year: birthDate ? Number(birthDate.slice(0, 4)) : null,
      address_line: pseudo || address === "" ? null : address,
      postal_code: pseudo || !cp || !/^\d{5}$/.test(cp) ? null : cp,
      commune_code: pseudo ? null : communeCode,
      departement_code: departementCode ?? (f.text("salarie_code_dpt") ? await departementOfAsp(ctx, f.text("salarie_code_dpt") as string) : null),
      is_qpv: qpvType === null ? null : qpvType.toUpperCase() === "QP",
      is_zrr: zrr,
      pseudonymised: pseudo,
    };
    const linked = await sql<{ person_id: number }>`SELECT person_id FROM asp_person WHERE asp_pph_id = ${pph}`.execute(db);
    let personId = linked.rows[0]?.person_id ?? null;
    if (personId === null && nirHash) {
      const byNir = await db.selectFrom("person").select("id").where("nir_hash", "=", nirHash).executeTakeFirst();
      personId = byNir?.id ?? null;
    }
    if (personId !== null && nirHash) {
      const other = await db.selectFrom("person").select("id").where("nir_hash", "=", nirHash).where("id", "<>", personId).executeTakeFirst();
      if (other) {
        ctx.tally.reject({ file: view.file, line: record.line, column: "salarie_nir", reason: `salarié ${pph} : ce NIR est déjà celui d'une autre personne` });
        continue;
      }
    }
    if (personId === null) {
      const inserted = await db.insertInto("person").values(values).returning("id").executeTakeFirstOrThrow();
      personId = inserted.id;
      await sql`INSERT INTO asp_person (asp_pph_id, person_id) VALUES (${pph}, ${personId}) ON CONFLICT (asp_pph_id) DO UPDATE SET person_id = EXCLUDED.person_id, updated_at = now()`.execute(db);
      await recordAudit(db, { userId: null, label: "import" }, { action: "person.import", entity: "person", entityId: personId, personId, after: { asp_pph_id: pph, pseudonymised: pseudo } });
      ctx.tally.inserted++;
      continue;
    }
    await sql`INSERT INTO asp_person (asp_pph_id, person_id) VALUES (${pph}, ${personId}) ON CONFLICT (asp_pph_id) DO NOTHING`.execute(db);
    const existing = await db.selectFrom("person").selectAll().where("id", "=", personId).executeTakeFirstOrThrow();
    // A stored NIR is never removed by a row without one (or by a pseudonymised delivery).
    const next: PersonValues = { ...values, nir_hash: values.nir_hash ?? existing.nir_hash, nir_encrypted: values.nir_encrypted ?? existing.nir_encrypted };
    const same = COMPARED.every((k) => String((existing as Record<string, unknown>)[k] ?? "") === String(next[k] ?? ""));
    if (same) {
      ctx.tally.unchanged++;
      continue;
    }
    await db
      .updateTable("person")
      .set({ ...next, updated_at: new Date() })
      .where("id", "=", personId)
      .execute();
    await recordAudit(db, { userId: null, label: "import" }, { action: "person.import", entity: "person", entityId: personId, personId, after: { asp_pph_id: pph, pseudonymised: pseudo } });
    ctx.tally.updated++;
  }
}

async function departementOfAsp(ctx: FluxImportContext, aspCode: string): Promise<string | null> {
  const code = aspCode.trim().toUpperCase().padStart(3, "0");
  const r = await ctx.tx.db.selectFrom("ref_departement_asp_code").select("departement_code").where("asp_code", "=", code).executeTakeFirst();
  return r?.departement_code ?? null;
}
