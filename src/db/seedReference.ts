// Loads the referentials shipped in data/reference/ into the ref_* tables (idempotent upserts).
// Skipped when the files' checksum equals the one recorded in reference_data_version.
// Sources of each file: data/reference/SOURCES.md and data/reference/passerelle/SOURCES.md.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Kysely, sql } from "kysely";
import type { DatabaseHandle } from "./connection.js";
import { parseKeyedRecords } from "../text/delimited.js";
import type { Database } from "./schema.js";

export const REFERENCE_DIR = fileURLToPath(new URL("../../data/reference/", import.meta.url));

const FILES = {
  regions: "pilotage-airflow/insee/seed_insee_regions.csv",
  departements: "pilotage-airflow/insee/seed_insee_departements.csv",
  communes: "pilotage-airflow/insee/seed_insee_communes.csv",
  postalCodes: "pilotage-airflow/insee/seed_insee_code_postaux.csv",
  holidays: "jours-feries/jours_feries.csv",
  mesures: "les-emplois/asp_reference/ref_mesure_v2.csv",
  mesuresPilotage: "pilotage-airflow/ref_mesure_dispositif_asp.csv",
  educationLevels: "les-emplois/asp_reference/ref_niveau_formation_v3.csv",
  orienteurs: "les-emplois/asp_reference/ref_orienteur_v5.csv",
  criteria: "les-emplois/eligibility/administrative_criteria.json",
  barriers: "pilotage-airflow/acc_freins_libelle.csv",
  exitCategories: "passerelle/ref_categorie_sortie.csv",
  exitMotifs: "passerelle/ref_motif_sortie.csv",
  aidRates: "passerelle/bareme_aide_au_poste.csv",
  annualHours: "passerelle/duree_annuelle_etp.csv",
  fundingLines: "passerelle/funding_lines.csv",
} as const;

type FileKey = keyof typeof FILES;

function read(key: FileKey): string {
  return readFileSync(`${REFERENCE_DIR}${FILES[key]}`, "utf8");
}

function parseRecords(text: string, separator: string): Record<string, string>[] {
  return parseKeyedRecords(text, separator).records.map((r) => r.values);
}

/** INSEE codes in the pilotage seeds lost their leading zeros ("1001" -> "01001", "1" -> "01"). */
export function padInseeCode(code: string, width: number): string {
  return code.padStart(width, "0");
}

function referenceChecksum(): string {
  const hash = createHash("sha256");
  for (const key of Object.keys(FILES) as FileKey[]) hash.update(FILES[key]).update(read(key));
  return hash.digest("hex");
}

async function upsertChunks<T extends keyof Database & string>(
  db: Kysely<Database>,
  table: T,
  rows: Record<string, unknown>[],
  conflict: string[],
): Promise<void> {
  if (rows.length === 0) return;
  // Source files can repeat a key (e.g. two holidays on one day): the last row wins.
  // (Not for tables keyed by a generated id, such as the barème: their rows carry no key.)
  if (conflict.every((c) => c in rows[0]!)) {
    rows = [...new Map(rows.map((r) => [conflict.map((c) => String(r[c])).join("|"), r])).values()];
  }
  const columns = Object.keys(rows[0]!);
  const updates = columns.filter((c) => !conflict.includes(c));
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    // biome-ignore lint/suspicious/noExplicitAny: generic upsert over any reference table
    let q = (db as Kysely<any>).insertInto(table).values(chunk);
    q = !conflict.every((c) => columns.includes(c))
      ? q
      : updates.length === 0
        ? q.onConflict((oc) => oc.columns(conflict).doNothing())
        : q.onConflict((oc) =>
            oc
              .columns(conflict)
              // biome-ignore lint/suspicious/noExplicitAny: dynamic column set
              .doUpdateSet(Object.fromEntries(updates.map((c) => [c, sql.ref(`excluded.${c}`)])) as any),
          );
    await q.execute();
  }
}

const DEPARTEMENT_RE = /^([0-9]{2}|2A|2B|97[1-6])$/;

export function buildReferenceRows() {
  const regions = parseRecords(read("regions"), ",").map((r) => ({
    code: padInseeCode(r.reg!, 2),
    name: r.libelle!,
  }));
  const departements = parseRecords(read("departements"), ",")
    .map((r) => ({ code: padInseeCode(r.dep!, 2), name: r.libelle!, region_code: padInseeCode(r.reg!, 2) }))
    .filter((d) => DEPARTEMENT_RE.test(d.code));
  const depCodes = new Set(departements.map((d) => d.code));
  // ASP 3-character codes: '062', '02A', '971'; Nord is split into 59L (Lille) and 59V (Valenciennes).
  const aspCodes = departements.map((d) => ({
    asp_code: d.code.length === 2 ? `0${d.code}` : d.code,
    departement_code: d.code,
  }));
  if (depCodes.has("59")) {
    aspCodes.push({ asp_code: "59L", departement_code: "59" }, { asp_code: "59V", departement_code: "59" });
  }
  const communes = parseRecords(read("communes"), ",")
    .filter((r) => r.typecom === "COM" || r.typecom === "ARM")
    .map((r) => ({ code: padInseeCode(r.com!, 5), name: r.libelle!, departement_code: padInseeCode(r.dep!, 2) }))
    .filter((c) => depCodes.has(c.departement_code));
  const communeCodes = new Set(communes.map((c) => c.code));
  const postalSeen = new Set<string>();
  const postalCodes = parseRecords(read("postalCodes"), ",")
    .map((r) => ({ postal_code: padInseeCode(r.code_postal!, 5), commune_code: padInseeCode(r.code_commune_insee!, 5) }))
    .filter((p) => {
      const key = `${p.postal_code}|${p.commune_code}`;
      if (!communeCodes.has(p.commune_code) || postalSeen.has(key)) return false;
      postalSeen.add(key);
      return true;
    });
  const holidays = parseRecords(read("holidays"), ",").flatMap((r) =>
    r.zones!.split("|").map((zone) => ({ day: r.date!, zone, name: r.nom_jour_ferie! })),
  );
  const mesureRows = parseRecords(read("mesures"), ";").map((r) => ({
    code: r.Rme_code_mesure_disp!,
    asp_id: Number(r.Rme_id),
    label: r.Rme_libelle_mesure!.replace(/\s+/g, " "),
  }));
  const knownMesures = new Set(mesureRows.map((m) => m.code));
  for (const r of parseRecords(read("mesuresPilotage"), ",")) {
    if (!knownMesures.has(r.af_mesure_dispositif_code!)) {
      mesureRows.push({ code: r.af_mesure_dispositif_code!, asp_id: Number.NaN, label: r.type_structure! });
    }
  }
  const mesures = mesureRows.map((m) => {
    const kind = m.code.replace(/_(DC|MP)$/, "");
    return {
      code: m.code,
      asp_id: Number.isNaN(m.asp_id) ? null : m.asp_id,
      kind,
      label: m.label,
      // FDI (grants) and ACIPA/EIPA are excluded from posts, ETP and exits (iae-reference §1.1, §6.3).
      counts_for_posts: ["ACI", "AI", "EI", "ETTI", "EITI"].includes(kind),
      penitentiary: m.code.endsWith("_MP"),
    };
  });
  const education_levels = parseRecords(read("educationLevels"), ";")
    .filter((r) => r.rme_id === "")
    .map((r) => ({ code: r.rnf_code_form_empl!.padStart(2, "0"), label: r.rnf_libelle_niveau_form_empl! }));
  const orienteurByCode = new Map<string, { code: string; label: string; since: string }>();
  for (const r of parseRecords(read("orienteurs"), ";")) {
    const code = r.ror_code!.padStart(2, "0");
    const [d, m, y] = (r.ror_date_debut_effet ?? "01/01/1900").split("/");
    const since = `${y}-${m}-${d}`;
    const prev = orienteurByCode.get(code);
    if (!prev || since >= prev.since) orienteurByCode.set(code, { code, label: r.ror_libelle_orienteur!, since });
  }
  const orienteurs = [...orienteurByCode.values()].map(({ code, label }) => ({ code, label }));
  const criteria = (
    JSON.parse(read("criteria")) as {
      fields: {
        kind: string;
        level: string;
        name: string;
        desc: string;
        written_proof: string;
        written_proof_validity: string;
      };
    }[]
  ).map(({ fields: f }) => ({
    code: f.kind,
    level: Number(f.level),
    label: f.name,
    description: f.desc || null,
    written_proof: f.written_proof || null,
    proof_validity: f.written_proof_validity || null,
    // Certified automatically through APIs (iae-reference §4.1).
    certifiable: ["RSA", "AAH", "PI", "TH"].includes(f.kind),
  }));
  const barriers = parseRecords(read("barriers"), ",").map((r) => ({ code: r.type_frein!, label: r.type_frein_libelle! }));
  const exit_categories = parseRecords(read("exitCategories"), ";").map((r) => ({
    code: Number(r.code),
    label: r.label!,
    grp: r.group!,
    confidence: r.confidence!,
  }));
  const exit_motifs = parseRecords(read("exitMotifs"), ";").map((r) => ({
    code: Number(r.code),
    label: r.label!,
    category_code: Number(r.category_code),
    confidence: r.confidence!,
  }));
  const aid_rates = parseRecords(read("aidRates"), ";").map((r) => ({
    kind: r.kind!,
    territory: r.territory!,
    valid_from: r.valid_from!,
    valid_to: r.valid_to || null,
    unit_amount: r.unit_amount!,
    accompaniment_amount: r.accompaniment_amount || null,
    confidence: r.confidence!,
    source: r.source!,
  }));
  const annual_hours = parseRecords(read("annualHours"), ";").map((r) => ({
    kind: r.kind!,
    hours: r.hours!,
    confidence: r.confidence!,
  }));
  const funding_lines = parseRecords(read("fundingLines"), ";").map((r) => ({
    code: r.code!,
    label: r.label!,
    financer: r.financer!,
  }));
  return {
    regions,
    departements,
    aspCodes,
    communes,
    postalCodes,
    holidays,
    mesures,
    education_levels,
    orienteurs,
    criteria,
    barriers,
    exit_categories,
    exit_motifs,
    aid_rates,
    annual_hours,
    funding_lines,
  };
}

export interface SeedResult {
  loaded: boolean;
  checksum: string;
}

export async function seedReference(handle: DatabaseHandle, options: { force?: boolean } = {}): Promise<SeedResult> {
  const checksum = referenceChecksum();
  const current = await handle.db
    .selectFrom("reference_data_version")
    .select("checksum")
    .where("name", "=", "reference")
    .executeTakeFirst();
  if (!options.force && current?.checksum === checksum) return { loaded: false, checksum };
  const rows = buildReferenceRows();
  await handle.withTransaction(async ({ db }) => {
    await upsertChunks(db, "ref_region", rows.regions, ["code"]);
    await upsertChunks(db, "ref_departement", rows.departements, ["code"]);
    await upsertChunks(db, "ref_departement_asp_code", rows.aspCodes, ["asp_code"]);
    await upsertChunks(db, "ref_commune", rows.communes, ["code"]);
    await upsertChunks(db, "ref_postal_code", rows.postalCodes, ["postal_code", "commune_code"]);
    await upsertChunks(db, "ref_public_holiday", rows.holidays, ["day", "zone"]);
    await upsertChunks(db, "ref_mesure", rows.mesures, ["code"]);
    await upsertChunks(db, "ref_education_level", rows.education_levels, ["code"]);
    await upsertChunks(db, "ref_orienteur", rows.orienteurs, ["code"]);
    await upsertChunks(db, "ref_eligibility_criterion", rows.criteria, ["code"]);
    await upsertChunks(db, "ref_barrier", rows.barriers, ["code"]);
    await upsertChunks(db, "ref_exit_category", rows.exit_categories, ["code"]);
    await upsertChunks(db, "ref_exit_motif", rows.exit_motifs, ["code"]);
    // The barème has no natural key and nothing references it: replaced as a whole.
    await db.deleteFrom("ref_aid_rate").execute();
    await upsertChunks(db, "ref_aid_rate", rows.aid_rates, ["id"]);
    await upsertChunks(db, "ref_annual_hours", rows.annual_hours, ["kind"]);
    await upsertChunks(db, "funding_line", rows.funding_lines, ["code"]);
    await db
      .insertInto("reference_data_version")
      .values({ name: "reference", checksum })
      .onConflict((oc) => oc.column("name").doUpdateSet({ checksum, loaded_at: new Date() }))
      .execute();
  });
  return { loaded: true, checksum };
}
