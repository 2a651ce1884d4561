// fluxIAE_Salarie → person (+ asp_person: salarie_id → person). salarie_id is the ASP's id of a person
// within one structure (iae-reference §7.1): the same human in two SIAE has two ids, so people are
// matched across ids by the keyed hash of the NIR. The view carries no structure: person_asp_id
// (structure, pph) is written by ContratMission.
// Personal data: the NIR is stored only encrypted + keyed hash (never clear, never in a message);
// the PASS number of the view (salarie_agrement) comes without its dates, so no approval is created
// from it and it is not stored. Pseudonymised mode: NIR kept only as its keyed hash, names, address
// and contacts dropped, birth date cut to the year (iae-reference §9).
// Speed (≈ 700,000 rows nationally): rows are parsed and their NIR hashed/encrypted in JavaScript, then
// handled by batches of BATCH rows with a fixed number of statements per batch (links and NIR owners
// looked up with `= ANY`, new people inserted with ids taken from the sequence, changes applied by one
// UPDATE … FROM, audit rows by one INSERT): no per-row round trip. Rows of one batch are resolved in
// file order against in-memory maps, so a person repeated in the file behaves as if imported row by row.
import { sql } from "kysely";
import type { Person } from "../../../db/schema.js";
import { checkNir, normalizeCommuneCode } from "../../../domain/identifiers/index.js";
import { cipherCells } from "../../../security/personalData.js";
import { ImportInputError } from "../../importReport.js";
import { analyzeAsItGrows, type FluxImportContext, rejectRow, takeSequenceIds } from "../importContext.js";
import type { OpenedView } from "../reader.js";
import { RowFields } from "../rowFields.js";
import { personsByPph } from "./aspPersons.js";

/** The person columns a Salarie row writes and compares (the NIR through its keyed hash). */
const COMPARED = [
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
] as const;

type PersonValues = Pick<Person, "nir_encrypted" | (typeof COMPARED)[number]>;

const BATCH = 5_000;

interface ParsedSalarie {
  line: number;
  pph: number;
  values: PersonValues;
  /** The valid NIR in clear, held in memory only until its row id is known and it is encrypted for that row. */
  nir: string | null;
}

type PersonRow = PersonValues & { id: number };

export async function importSalarieView(ctx: FluxImportContext, view: OpenedView): Promise<void> {
  const db = ctx.tx.db;
  // Referentials read once (a few tens of thousands of rows) instead of one query per row.
  const communes = new Map<string, string>();
  for (const r of await db.selectFrom("ref_commune").select(["code", "departement_code"]).execute())
    communes.set(r.code, r.departement_code);
  const aspDepartements = new Map<string, string>();
  for (const r of await db.selectFrom("ref_departement_asp_code").select(["asp_code", "departement_code"]).execute())
    aspDepartements.set(r.asp_code, r.departement_code);
  let batch: ParsedSalarie[] = [];
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
    let nirClear: string | null = null;
    const nirRaw = f.text("salarie_nir");
    if (nirRaw) {
      const nir = checkNir(nirRaw);
      if (!nir.ok) {
        // The domain error never carries the NIR (src/domain/errors.ts): the reason names the rule only.
        ctx.tally.warn({
          file: view.file,
          line: record.line,
          column: "salarie_nir",
          reason: `NIR invalide (${nir.error.message}) : non enregistré`,
        });
      } else {
        if (!ctx.pii)
          throw new ImportInputError(
            `${view.file} : la vue Salarie contient des NIR ; la clé de chiffrement des données personnelles est nécessaire`,
            [{ file: view.file, line: record.line, column: "salarie_nir", reason: "clé de chiffrement absente" }],
          );
        nirHash = ctx.pii.hash("nir", nir.value.value);
        nirClear = ctx.pseudonymise ? null : nir.value.value;
      }
    }
    let communeCode: string | null = null;
    let departementCode: string | null = null;
    const insee = f.text("salarie_codeinseecom");
    if (insee) {
      try {
        const c = normalizeCommuneCode(insee);
        departementCode = communes.get(c) ?? null;
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
    const address = [
      f.text("salarie_adr_numero_voie"),
      f.text("salarie_codeextensionvoie"),
      f.text("salarie_codetypevoie"),
      f.text("salarie_adr_libelle_voie"),
    ]
      .filter((x) => x !== null)
      .join(" ");
    const aspDepartement = f.text("salarie_code_dpt");
    const pseudo = ctx.pseudonymise;
    batch.push({
      line: record.line,
      pph,
      nir: nirClear,
      values: {
        nir_encrypted: null,
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
        departement_code:
          departementCode ?? (aspDepartement ? (aspDepartements.get(aspDepartement.trim().toUpperCase().padStart(3, "0")) ?? null) : null),
        is_qpv: qpvType === null ? null : qpvType.toUpperCase() === "QP",
        is_zrr: zrr,
        pseudonymised: pseudo,
      },
    });
    if (batch.length >= BATCH) {
      await writeBatch(ctx, view.file, batch);
      batch = [];
    }
  }
  if (batch.length > 0) await writeBatch(ctx, view.file, batch);
}

const PERSON_FIELDS = ["nir_encrypted", ...COMPARED] as const;

async function writeBatch(ctx: FluxImportContext, file: string, batch: readonly ParsedSalarie[]): Promise<void> {
  const db = ctx.tx.db;
  const pphs = [...new Set(batch.map((b) => b.pph))];
  const hashes = [...new Set(batch.map((b) => b.values.nir_hash).filter((h): h is string => h !== null))];
  const linkOf = await personsByPph(db, pphs);
  const ownerOf = new Map<string, number>();
  if (hashes.length > 0) {
    for (const r of (
      await sql<{ id: string; nir_hash: string }>`SELECT id, nir_hash FROM person WHERE nir_hash = ANY(${hashes}::text[])`.execute(db)
    ).rows)
      ownerOf.set(r.nir_hash, Number(r.id));
  }
  // Stored state of the people this batch can touch; updated in memory as rows are applied.
  const known = [...new Set([...linkOf.values(), ...ownerOf.values()])];
  const people = new Map<number, PersonRow>();
  if (known.length > 0) {
    const rows = await db
      .selectFrom("person")
      .select(["id", ...PERSON_FIELDS])
      .where("id", "in", known)
      .execute();
    for (const r of rows) people.set(Number(r.id), { ...(r as unknown as PersonRow), id: Number(r.id) });
  }
  // New people get provisional negative ids, replaced by sequence values before writing.
  let provisional = 0;
  const created = new Map<number, PersonRow>();
  const changed = new Set<number>();
  const newLinks = new Map<number, number>();
  const audited: { id: number; pph: number }[] = [];
  const pendingNir = new Map<number, string>();
  for (const row of batch) {
    const { pph, values } = row;
    const hash = values.nir_hash;
    let personId = linkOf.get(pph) ?? null;
    if (personId === null && hash) personId = ownerOf.get(hash) ?? null;
    if (personId !== null && hash) {
      const other = ownerOf.get(hash);
      if (other !== undefined && other !== personId) {
        ctx.tally.reject({
          file,
          line: row.line,
          column: "salarie_nir",
          reason: `salarié ${pph} : ce NIR est déjà celui d'une autre personne`,
        });
        continue;
      }
    }
    if (personId === null) {
      provisional--;
      const person: PersonRow = { ...values, id: provisional };
      created.set(provisional, person);
      people.set(provisional, person);
      linkOf.set(pph, provisional);
      newLinks.set(pph, provisional);
      if (hash) ownerOf.set(hash, provisional);
      if (row.nir !== null) pendingNir.set(provisional, row.nir);
      audited.push({ id: provisional, pph });
      ctx.tally.inserted++;
      continue;
    }
    if (!linkOf.has(pph)) {
      linkOf.set(pph, personId);
      newLinks.set(pph, personId);
    }
    const existing = people.get(personId);
    if (!existing) throw new Error(`person ${personId} vanished during the import`);
    // A stored NIR is never removed by a row without one (or by a pseudonymised delivery).
    const next: PersonRow = {
      ...values,
      nir_hash: values.nir_hash ?? existing.nir_hash,
      nir_encrypted: values.nir_encrypted ?? existing.nir_encrypted,
      id: personId,
    };
    const same = COMPARED.every((k) => String(existing[k] ?? "") === String(next[k] ?? ""));
    if (same) {
      ctx.tally.unchanged++;
      continue;
    }
    if (existing.nir_hash && existing.nir_hash !== next.nir_hash && ownerOf.get(existing.nir_hash) === personId)
      ownerOf.delete(existing.nir_hash);
    if (next.nir_hash) ownerOf.set(next.nir_hash, personId);
    people.set(personId, next);
    if (row.nir !== null) pendingNir.set(personId, row.nir);
    if (personId < 0) created.set(personId, next);
    else changed.add(personId);
    audited.push({ id: personId, pph });
    ctx.tally.updated++;
  }
  // Sequence values for the new people, in file order.
  const realId = await takeSequenceIds(ctx, "person", created.keys());
  const idOf = (id: number) => (id < 0 ? (realId.get(id) as number) : id);
  // Encrypted now that each row's id is known: the ciphertext is bound to it (src/security/personalData.ts).
  const pii = ctx.pii;
  if (pendingNir.size > 0 && pii) {
    for (const [id, nir] of pendingNir) {
      const person = people.get(id);
      if (person) person.nir_encrypted = pii.encrypt(nir, cipherCells.personNir(idOf(id)));
    }
  }
  const asJson = (rows: Iterable<PersonRow>) => JSON.stringify([...rows].map((p) => ({ ...p, id: idOf(p.id) })));
  const columns = sql.join(PERSON_FIELDS.map((c) => sql.ref(c)));
  const fromRecords = (json: string) => sql`jsonb_populate_recordset(NULL::person, ${json}::jsonb)`;
  if (created.size > 0) {
    await sql`INSERT INTO person (id, ${columns}) OVERRIDING SYSTEM VALUE SELECT id, ${columns} FROM ${fromRecords(asJson(created.values()))}`.execute(
      db,
    );
  }
  if (changed.size > 0) {
    const sets = sql.join(PERSON_FIELDS.map((c) => sql`${sql.ref(c)} = r.${sql.ref(c)}`));
    const json = asJson([...changed].map((id) => people.get(id) as PersonRow));
    await sql`UPDATE person p SET ${sets}, updated_at = now() FROM ${fromRecords(json)} r WHERE p.id = r.id`.execute(db);
  }
  if (newLinks.size > 0) {
    const links = JSON.stringify([...newLinks].map(([pph, id]) => ({ pph, id: idOf(id) })));
    await sql`INSERT INTO asp_person (asp_pph_id, person_id) SELECT pph, id FROM jsonb_to_recordset(${links}::jsonb) AS r(pph bigint, id bigint)
      ON CONFLICT (asp_pph_id) DO UPDATE SET person_id = EXCLUDED.person_id, updated_at = now()`.execute(db);
  }
  if (audited.length > 0) {
    // No ASP person id in the trail: it identifies the person at the ASP and outlives anonymisation.
    const entries = JSON.stringify(audited.map((a) => ({ pph: a.pph, id: idOf(a.id) })));
    await sql`INSERT INTO audit_event (actor_user_id, actor_label, action, entity, entity_id, person_id, after)
      SELECT NULL, 'import', 'person.import', 'person', r.id::text, r.id, jsonb_build_object('pseudonymised', ${ctx.pseudonymise}::boolean)
      FROM jsonb_to_recordset(${entries}::jsonb) AS r(pph bigint, id bigint)`.execute(db);
  }
  await analyzeAsItGrows(ctx, "person", created.size);
  await analyzeAsItGrows(ctx, "asp_person", newLinks.size);
}
