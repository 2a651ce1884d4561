// Inputs of the Pas-de-Calais demo generator (2017–2019). These are the knobs
// the generator is tuned with; the figures the product shows are computed by the indicators from
// the rows written, and src/demo/demo.db.test.ts checks them against the published ones:
//   2019: ≈ 3 000 ETP d'insertion (2018: ≈ 2 800; press: 2 802 subventionnés in 2018), ≈ 8 000 people
//   entered, State envelope ≈ 38 M€ of which ≈ 2 M€ ERBM and 0.5 M€ plan pauvreté, ≈ 50 % bRSA,
//   taux de réalisation 95–100 %; taux de sorties dynamiques 56 % (2017), 62 % (2018).
//   Sources: iae-reference §8 "Pas-de-Calais" [M, press] and the project brief (122 structures, 3,000 ETP, 62 % sorties dynamiques).
import type { SiaeKind } from "../domain/structures/kinds.js";

export const DEMO_SEED = 62_2019;
export const DEMO_DEPARTEMENT = "62";
export const DEMO_ASP_DEPARTEMENT = "062";
export const FIRST_YEAR = 2017; // first simulated year: the stock in progress on 1 Jan 2017 is back-dated (steady state)
export const LAST_YEAR = 2019;
/** Last day of the simulated activity: exits up to this day are recorded, later ones are planned ends. */
export const DEMO_DATA_END = "2019-12-31";
/**
 * Day the demo is "as of" (table demo_state.as_of, the application's today on a demo database, and the
 * clock of the operations that write it): mid-January 2020, when 2019 is complete except the December
 * hours that the structures below are still entering.
 */
export const DEMO_AS_OF = "2020-01-15";
/**
 * Structures (SIRET|kind keys) whose December 2019 hours are left undeclared on DEMO_AS_OF: the three SIAE
 * of the Trajectoire group (AVIEE, SARL INSERTIM, Tremplin Travail Solidarité), which share their staff.
 * A few structures out of 122: the 2019 figures stay within the demo's tolerances (demo.db.test.ts).
 */
export const DECEMBER_STILL_ENTERING: ReadonlySet<string> = new Set(["40123378800025|ACI", "40854322100050|ETTI", "35402087700024|AI"]);

type KindTable = Record<Exclude<SiaeKind, "EITI">, number>;

/** ETP conventionnés (annualised) per kind and year: the AF ETP are scaled to these sums. */
export const ETP_BY_YEAR: Record<number, KindTable> = {
  2016: { ACI: 1_380, AI: 730, EI: 380, ETTI: 230 },
  2017: { ACI: 1_400, AI: 750, EI: 390, ETTI: 235 },
  2018: { ACI: 1_450, AI: 750, EI: 370, ETTI: 230 },
  2019: { ACI: 1_565, AI: 770, EI: 415, ETTI: 250 },
};

/** Hours actually worked / hours conventioned targeted each month (taux de réalisation). */
export const TARGET_REALISATION = 0.985;

/** Parcours length in days by kind: [min, mean, max] (ACI/EI capped below the 24-month CDDI limit and the 730-day PASS). */
export const PARCOURS_DAYS: Record<Exclude<SiaeKind, "EITI">, readonly [number, number, number]> = {
  ACI: [45, 366, 700],
  EI: [45, 396, 700],
  AI: [20, 160, 600],
  ETTI: [20, 170, 600],
};

/**
 * Monthly hours of a full month of presence by kind: [min, mean, max]. EI hours are worked hours on a reference
 * of 1 505 h per ETP (≈ 125 h a month, the ASP's own AF rows — duree_annuelle_etp.csv).
 */
export const MONTHLY_HOURS: Record<Exclude<SiaeKind, "EITI">, readonly [number, number, number]> = {
  ACI: [86, 113, 151],
  EI: [97, 126, 141],
  AI: [12, 58, 140],
  ETTI: [30, 95, 151],
};

/** Target taux de sorties dynamiques among the exits examined, per exit year. */
export const DYNAMIC_EXIT_RATE: Record<number, number> = { 2016: 0.55, 2017: 0.56, 2018: 0.62, 2019: 0.63 };
/** Share of exits that are "retraits" (removed from the denominator). */
export const RETRAIT_SHARE = 0.04;

/** Share of people receiving the RSA at entry. */
export const RSA_SHARE = 0.5;

/** Funding lines other than the State droit commun, in euros per year (spread over the AFs in proportion). */
export const ERBM_BY_YEAR: Record<number, number> = { 2016: 0, 2017: 0, 2018: 1_300_000, 2019: 2_150_000 };
export const PLAN_PAUVRETE_BY_YEAR: Record<number, number> = { 2016: 0, 2017: 0, 2018: 0, 2019: 500_000 };
export const CONSEIL_DEPARTEMENTAL_BY_YEAR: Record<number, number> = { 2016: 350_000, 2017: 400_000, 2018: 450_000, 2019: 500_000 };

/**
 * Postal codes of the Pas-de-Calais communes of the mining basin (territory of the ERBM,
 * Engagement pour le renouveau du bassin minier) — main communes only [L]: the official list of
 * the 250 ERBM communes was not available; this subset is used to pick the structures that receive
 * ERBM funding lines in the demo.
 */
export const MINING_BASIN_POSTAL_CODES = new Set([
  "62300",
  "62800",
  "62110",
  "62700",
  "62400",
  "62220",
  "62210",
  "62440",
  "62160",
  "62290",
  "62260",
  "62540",
  "62430",
  "62640",
  "62710",
  "62590",
  "62420",
  "62820",
  "62670",
  "62138",
  "62460",
  "62620",
  "62950",
  "62880",
  "62410",
  "62680",
  "62119",
  "62150",
  "62232",
  "62131",
]);

/** Real structures of the July 2019 list given a creation date in 2018–2019 (besides the synthetic ones): how many. */
export const REAL_RECENT_STRUCTURES = 6;
