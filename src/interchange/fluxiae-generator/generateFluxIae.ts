// Synthetic national data for benchmarks, written as FluxIAE view files (iae-reference §7.1: `|`
// separator, DEB/FIN markers, gzip) so that loading it goes through the real importer.
// Skeleton: the real structures of the ASP list of July 2019 (distinct SIRET × kind; per-département
// sizes are real). Activity is made up, deterministic for a seed, and streamed (flat memory).
// At scale 1 ("national"), seed 1, 2018–2019: 3,823 structures, 559,074 people, 4.57 million monthly rows
// (≈ 2.3 million a year); a factor f gives ≈ f × that (small structures are sampled, see structureEtp).
import { createWriteStream, mkdirSync, readFileSync, type WriteStream } from "node:fs";
import path from "node:path";
import { once } from "node:events";
import { createGzip, type Gzip } from "node:zlib";
import { fictitiousNir } from "../../demo/fictitiousNir.js";
import { FIRST_NAMES_F, FIRST_NAMES_M, LAST_NAMES } from "../../demo/names.js";
import { Random } from "../../demo/random.js";
import { afTotal } from "../../domain/conventions/amounts.js";
import { lookupUnitAmount } from "../../domain/aid/bareme.js";
import { defaultAnnualHours } from "../../domain/aid/hours.js";
import { mesureFromId } from "../../domain/structures/kinds.js";
import { loadAnnualHours, loadBareme, referencePath } from "../../reference/loadReferenceFiles.js";
import { parseKeyedRecords } from "../../text/delimited.js";

export interface GenerateOptions {
  /** Multiplier of the national volume (1 = national). */
  factor: number;
  out: string;
  seed: number;
  /** First year (default 2018); `years` consecutive years (default 2). */
  firstYear?: number;
  years?: number;
  /** Restrict the skeleton to one ASP département code ("062"). */
  departement?: string;
  log?: (s: string) => void;
}

export interface GenerateSummary {
  structures: number;
  annexes: number;
  people: number;
  contracts: number;
  monthlyRows: number;
  exits: number;
  files: string[];
  durationMs: number;
}

type Kind = "ACI" | "AI" | "EI" | "ETTI";
const MESURE_ID: Record<Kind, number> = { AI: 1, ACI: 2, EI: 3, ETTI: 4 };
/** National ETP conventionnés by kind (PLF 2020, iae-reference §8) and parcours/hours profile. */
const PROFILE: Record<Kind, { etp: number; months: [number, number]; hours: [number, number] }> = {
  ACI: { etp: 32_000, months: [5, 24], hours: [60, 105] },
  AI: { etp: 17_500, months: [3, 20], hours: [8, 52] },
  EI: { etp: 16_000, months: [5, 24], hours: [65, 115] },
  ETTI: { etp: 13_000, months: [3, 18], hours: [25, 95] },
};

interface SkeletonStructure {
  kind: Kind;
  siret: string;
  name: string;
  postalCode: string;
  communeCode: string | null;
  departement: string;
}

export function readSkeleton(departement?: string): SkeletonStructure[] {
  const postal = new Map<string, string>();
  const table = (separator: string, ...file: string[]) =>
    parseKeyedRecords(readFileSync(referencePath(...file), "utf8"), separator).records.map((r) => r.values);
  for (const { code_commune_insee: code, code_postal: cp } of table(",", "pilotage-airflow", "insee", "seed_insee_code_postaux.csv")) {
    if (!code || !cp) continue;
    const key = cp.padStart(5, "0");
    if (!postal.has(key)) postal.set(key, code.padStart(5, "0"));
  }
  const seen = new Set<string>();
  const out: SkeletonStructure[] = [];
  for (const r of table(";", "les-emplois", "siae_lists", "2019_07_liste_siae.csv")) {
    const kind = r.MESURE as Kind;
    const siret = r.SIRET;
    if (!(kind in PROFILE) || !siret) continue;
    if (departement !== undefined && r.CODE_DEPARTEMENT !== departement) continue;
    const key = `${siret}|${kind}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const cp = (r.CODE_POSTAL ?? "").padStart(5, "0");
    out.push({
      kind,
      siret,
      name: (r.DENOMINATION_SOCIALE ?? "").replaceAll("|", " "),
      postalCode: cp,
      communeCode: postal.get(cp) ?? null,
      departement: r.CODE_DEPARTEMENT ?? "",
    });
  }
  return out;
}

const fr = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
const isoOf = (y: number, m: number, d: number) => `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
function monthIndexToIso(i: number, day = 1): string {
  return isoOf(Math.floor(i / 12), (i % 12) + 1, day);
}
function lastDay(i: number): number {
  const y = Math.floor(i / 12);
  const m = (i % 12) + 1;
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/**
 * Smallest convention a structure gets (ETP); below it, structures are sampled instead. Staffing
 * overshoots each structure's hours by up to one person, which inflates tiny structures: 2 ETP keeps
 * that under ~10 % at any scale (0.5 ETP gave +25 % at 0.002).
 */
const MIN_ETP = 2;
/** Mean of exp(N(0, 0.5²)): the log-normal spread below must not inflate the national total. */
const LOGNORMAL_MEAN = Math.exp(0.125);

/**
 * ETP conventionnés of one structure at `factor` of the national volume, or null when the structure
 * is left out. The expected value is `averageEtp × factor` whatever the factor: a structure whose
 * share falls under MIN_ETP is kept with probability share / MIN_ETP and then gets MIN_ETP (raising
 * every structure to 0.5 ETP instead inflated small scales ~10× — 0.002 gave 103,742 monthly rows
 * for 2 years instead of ≈ 9,000).
 */
export function structureEtp(rnd: Random, averageEtp: number, factor: number): number | null {
  const share = (averageEtp * Math.exp(rnd.normal(0, 0.5, -1.5, 1.5)) * factor) / LOGNORMAL_MEAN;
  if (share >= MIN_ETP) return Math.round(share * 100) / 100;
  return rnd.chance(share / MIN_ETP) ? MIN_ETP : null;
}

class ViewWriter {
  private gzip: Gzip;
  private file: WriteStream;
  private rows = 0;
  readonly path: string;
  private done: Promise<unknown>;
  constructor(
    dir: string,
    readonly view: string,
    readonly columns: readonly string[],
    stamp: string,
  ) {
    this.path = path.join(dir, `fluxIAE_${view}_${stamp}.csv.gz`);
    this.gzip = createGzip({ level: 1 });
    this.file = createWriteStream(this.path);
    this.gzip.pipe(this.file);
    this.done = once(this.file, "finish");
    const pad = "|".repeat(columns.length - 1);
    this.gzip.write(`DEB${view}${stamp}${pad}\n${columns.join("|")}\n`);
  }
  private buffer = "";
  /** Rows are buffered and handed to gzip by ~256 kB chunks, waiting for drain (flat memory). */
  async row(values: readonly (string | number | null)[]): Promise<void> {
    this.rows++;
    this.buffer += `${values.map((v) => (v === null ? "" : String(v))).join("|")}\n`;
    if (this.buffer.length < 262_144) return;
    const chunk = this.buffer;
    this.buffer = "";
    if (!this.gzip.write(chunk)) await once(this.gzip, "drain");
  }
  async close(): Promise<number> {
    if (this.buffer !== "") this.gzip.write(this.buffer);
    this.buffer = "";
    this.gzip.end(`FIN${this.rows}${"|".repeat(this.columns.length - 1)}\n`);
    await this.done;
    return this.rows;
  }
}

export async function generateFluxIae(options: GenerateOptions): Promise<GenerateSummary> {
  const t0 = Date.now();
  const log = options.log ?? (() => {});
  if (!(options.factor > 0)) throw new RangeError("--scale : facteur > 0 attendu");
  const firstYear = options.firstYear ?? 2018;
  const years = options.years ?? 2;
  const rnd = new Random(options.seed);
  const bareme = loadBareme();
  const hoursRows = loadAnnualHours();
  const skeleton = readSkeleton(options.departement);
  if (skeleton.length === 0) throw new RangeError(`aucune structure pour le département ${options.departement}`);
  const national = readSkeleton();
  const countByKind = new Map<Kind, number>();
  for (const s of national) countByKind.set(s.kind, (countByKind.get(s.kind) ?? 0) + 1);
  mkdirSync(options.out, { recursive: true });
  const stamp = "31122019_235959";
  const w = {
    cat: new ViewWriter(options.out, "RefCategorieSort", ["rcs_id", "rcs_code", "rcs_libelle"], stamp),
    motif: new ViewWriter(options.out, "RefMotifSort", ["rms_id", "rms_code", "rms_libelle", "rcs_id"], stamp),
    structure: new ViewWriter(
      options.out,
      "Structure",
      [
        "structure_id_siae",
        "structure_siret_actualise",
        "structure_denomination",
        "structure_adresse_gestion_cp",
        "structure_adresse_gestion_code_insee",
        "structure_adresse_gestion_nom_voie",
      ],
      stamp,
    ),
    af: new ViewWriter(
      options.out,
      "AnnexeFinanciere",
      [
        "af_id_annexe_financiere",
        "af_id_avenant_modification",
        "af_id_structure",
        "af_mesure_dispositif_id",
        "af_mesure_dispositif_code",
        "af_numero_annexe_financiere",
        "af_numero_avenant_renouvellement",
        "af_numero_avenant_modification",
        "af_etat_annexe_financiere_code",
        "af_date_debut_effet",
        "af_date_fin_effet",
        "af_etp_postes_insertion",
        "af_montant_unitaire_annuel_valeur",
        "af_montant_total_annuel",
        "af_duree_heure_annuel_etp_valeur",
        "af_indic_cofinancement",
        "af_mt_cofinance",
      ],
      stamp,
    ),
    salarie: new ViewWriter(
      options.out,
      "Salarie",
      [
        "salarie_id",
        "salarie_rci_libelle",
        "salarie_nom_usage",
        "salarie_prenom",
        "salarie_date_naissance",
        "salarie_nir",
        "salarie_codeinseecom",
      ],
      stamp,
    ),
    contrat: new ViewWriter(
      options.out,
      "ContratMission",
      [
        "contrat_id_ctr",
        "contrat_id_pph",
        "contrat_id_structure",
        "contrat_mesure_disp_code",
        "contrat_type_contrat",
        "contrat_date_embauche",
        "contrat_date_fin_contrat",
        "contrat_date_sortie_definitive",
        "contrat_motif_sortie_code",
        "contrat_duree_hebdo_travail",
        "contrat_salarie_rsa",
      ],
      stamp,
    ),
    emi: new ViewWriter(
      options.out,
      "EtatMensuelIndiv",
      ["emi_afi_id", "emi_pph_id", "emi_ctr_id", "emi_sme_mois", "emi_sme_annee", "emi_nb_heures_travail", "emi_esm_etat_code"],
      stamp,
    ),
  };
  // Referentials: the exit referential shipped with Passerelle (motif → category, iae-reference §6.2).
  const csv = (name: string) =>
    parseKeyedRecords(readFileSync(referencePath("passerelle", name), "utf8"), ";").records.map((r) => r.values);
  for (const { code, label } of csv("ref_categorie_sortie.csv")) await w.cat.row([code ?? "", code ?? "", label ?? ""]);
  const motifs = csv("ref_motif_sortie.csv").map((r) => ({ code: Number(r.code), label: r.label ?? "", cat: Number(r.category_code) }));
  for (const m of motifs) await w.motif.row([m.code, m.code, m.label, m.cat]);
  const exitMotifs = motifs.filter((m) => m.code !== 96);

  const serials = new Map<string, number>();
  let pph = 0;
  let ctr = 0;
  let afId = 0;
  let people = 0;
  let monthlyRows = 0;
  let exits = 0;
  const firstMonth = firstYear * 12;
  const lastMonth = (firstYear + years) * 12 - 1;
  let structures = 0;
  for (const [si, s] of skeleton.entries()) {
    const structureId = si + 1;
    const profile = PROFILE[s.kind];
    const etp = structureEtp(rnd, profile.etp / (countByKind.get(s.kind) ?? 1), options.factor);
    if (etp === null) continue;
    structures++;
    await w.structure.row([structureId, s.siret, s.name, s.postalCode, s.communeCode, "RUE DE LA GARE"]);
    const hoursPerEtp = Number(defaultAnnualHours(hoursRows, s.kind));
    const afIdsByYear = new Map<number, number>();
    for (let y = firstYear; y < firstYear + years; y++) {
      afId++;
      afIdsByYear.set(y, afId);
      const startsOn = isoOf(y, 1, 1);
      const unit = lookupUnitAmount(bareme, s.kind, "droit_commun", startsOn);
      const dep = s.departement.padStart(3, "0").slice(0, 3);
      const prefix = `${s.kind}${dep}${String(y).slice(2)}${String(structureId % 10_000).padStart(4, "0")}`;
      await w.af.row([
        afId,
        afId,
        structureId,
        MESURE_ID[s.kind],
        mesureFromId(MESURE_ID[s.kind]),
        prefix,
        y - firstYear,
        0,
        y < firstYear + years - 1 ? "CLOTURE" : "VALIDE",
        fr(startsOn),
        fr(isoOf(y, 12, 31)),
        etp.toFixed(2),
        unit.toFixed(2),
        afTotal(etp, unit, 12).toFixed(2),
        hoursPerEtp,
        "false",
        "0",
      ]);
    }
    // People: occupy etp × hours each month; parcours of random length; streamed per structure.
    const target = (etp * hoursPerEtp) / 12;
    let active: { pph: number; ctr: number; end: number; hours: number }[] = [];
    for (let m = firstMonth; m <= lastMonth; m++) {
      active = active.filter((a) => a.end >= m);
      let capacity = active.reduce((acc, a) => acc + a.hours, 0);
      while (capacity < target) {
        const length = rnd.int(profile.months[0], profile.months[1]);
        const start = m === firstMonth ? m - rnd.int(0, length - 1) : m;
        const end = start + length - 1;
        const hours = rnd.int(profile.hours[0], profile.hours[1]);
        pph++;
        ctr++;
        people++;
        const sex: 1 | 2 = rnd.chance(0.4) ? 2 : 1;
        const birthYear = Math.floor(start / 12) - rnd.int(18, 60);
        const birth = isoOf(birthYear, rnd.int(1, 12), rnd.int(1, 28));
        const bucket = `${sex}${birth.slice(2, 7)}`;
        const serial = serials.get(bucket) ?? 0;
        serials.set(bucket, serial + 1);
        await w.salarie.row([
          pph,
          sex === 2 ? "MME" : "M",
          rnd.pick(LAST_NAMES),
          rnd.pick(sex === 2 ? FIRST_NAMES_F : FIRST_NAMES_M),
          fr(birth),
          fictitiousNir(sex, birth, serial % 9000),
          s.communeCode,
        ]);
        const exitsNow = end <= lastMonth;
        const exitDate = isoOf(Math.floor(end / 12), (end % 12) + 1, lastDay(end));
        const motif = exitsNow ? (rnd.pick(exitMotifs)?.code ?? 7) : null;
        if (exitsNow) exits++;
        await w.contrat.row([
          ctr,
          pph,
          structureId,
          mesureFromId(MESURE_ID[s.kind]),
          0,
          fr(monthIndexToIso(start)),
          fr(exitDate),
          exitsNow ? fr(exitDate) : null,
          motif,
          Math.min(35, Math.max(1, Math.round(hours / 4.33))),
          rnd.chance(0.3) ? "OUI-NM" : "NON",
        ]);
        active.push({ pph, ctr, end, hours });
        capacity += hours;
      }
      const year = Math.floor(m / 12);
      for (const a of active) {
        monthlyRows++;
        await w.emi.row([
          afIdsByYear.get(year) ?? null,
          a.pph,
          a.ctr,
          (m % 12) + 1,
          year,
          (a.hours * rnd.range(0.9, 1.05)).toFixed(2),
          "VALIDE",
        ]);
      }
    }
    if (si % 500 === 0) log(`  ${si + 1}/${skeleton.length} structures, ${people} salariés, ${monthlyRows} états mensuels`);
  }
  const files: string[] = [];
  for (const v of Object.values(w)) {
    await v.close();
    files.push(v.path);
  }
  return { structures, annexes: afId, people, contracts: ctr, monthlyRows, exits, files, durationMs: Date.now() - t0 };
}
