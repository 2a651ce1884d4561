// Contrôle a posteriori of the hirings made on the SIAE's own eligibility diagnosis (auto-prescriptions):
// eligible structures, the DDETS's selection and the sample of each selected structure's hirings, drawn from a
// recorded seed so that the same seed always gives the same sample — iae-reference §4.4 (les-emplois
// itou/siae_evaluations: enums.py EvaluationChosenPercent / EvaluationJobApplicationsBoundariesNumber,
// models.py number_of_siaes_to_select / select_min_max_job_applications). Pure: no clock, no I/O.
import { DomainRuleError } from "../errors.js";
import { mulberry32 } from "../random.js";
import type { SiaeKind } from "../structures/kinds.js";

// Rule: selection 20–40 % of the eligible structures, 30 % by default — iae-reference §4.4 (LE EvaluationChosenPercent)
export const SELECTION_PERCENT = { min: 20, default: 30, max: 40 } as const;
// Rule: a structure is eligible with ≥ 2 auto-prescribed hirings; 20 % of them are sampled, at least 2, at most 20 — iae-reference §4.4
export const SAMPLE = { percent: 20, min: 2, max: 20 } as const;
// Rule: structures evaluated: AI, EI, ACI, ETTI (not EITI) — LE EvaluationSiaesKind.Evaluable
export const EVALUABLE_KINDS: readonly SiaeKind[] = ["AI", "EI", "ACI", "ETTI"];

/** One hiring that created a PASS IAE on a diagnosis made by the hiring structure itself. */
export interface AutoPrescribedHiring {
  hiringId: number;
  structureId: number;
  kind: SiaeKind;
  startsOn: string;
}

/** Python's round(): half to even (LE number_of_siaes_to_select uses it: 1.5 → 2, 2.5 → 2, 4.5 → 4). */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (Math.abs(diff - 0.5) < 1e-9) return f % 2 === 0 ? f : f + 1;
  return Math.round(x);
}

export function validateSelectionPercent(percent: number): number {
  if (!Number.isInteger(percent) || percent < SELECTION_PERCENT.min || percent > SELECTION_PERCENT.max)
    throw new DomainRuleError("controle.percent", percent, "pourcentage de structures contrôlées entier de 20 à 40 attendu");
  return percent;
}

/** How many structures to select: max(round(eligible × percent ÷ 100), 1), none when none is eligible. */
export function numberToSelect(eligible: number, percent: number = SELECTION_PERCENT.default): number {
  validateSelectionPercent(percent);
  return eligible === 0 ? 0 : Math.max(roundHalfEven((eligible * percent) / 100), 1);
}

/** How many hirings of a selected structure to sample: ⌊n × 20 ÷ 100⌋ bounded to [2, 20] (LE select_min_max_job_applications). */
export function sampleSize(hirings: number): number {
  return Math.min(SAMPLE.max, Math.max(SAMPLE.min, Math.floor((hirings * SAMPLE.percent) / 100)));
}

/**
 * A seeded pseudo-random generator (mulberry32: 32-bit state, uniform on [0, 1)). Not cryptographic — the
 * point is that the recorded seed replays the draw; the seed itself is chosen at random when the campaign starts.
 */
export function seededRandom(seed: number): () => number {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new DomainRuleError("controle.seed", seed, "graine entière ≥ 0 attendue");
  let a = seed >>> 0 || 0x9e3779b9;
  // Mix in the high bits of seeds beyond 32 bits.
  a ^= Math.floor(seed / 2 ** 32) >>> 0;
  return mulberry32(a);
}

/** The first `k` of a Fisher–Yates shuffle of `items` (already in a canonical order) with `random`. */
export function drawWithoutReplacement<T>(items: readonly T[], k: number, random: () => number): T[] {
  const a = [...items];
  const n = Math.min(k, a.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (a.length - i));
    const tmp = a[i] as T;
    a[i] = a[j] as T;
    a[j] = tmp;
  }
  return a.slice(0, n);
}

export interface EligibleStructure {
  structureId: number;
  kind: SiaeKind;
  hirings: number[];
}

export interface SelectedStructure extends EligibleStructure {
  sampled: number[];
}

export interface CampaignDraw {
  percent: number;
  seed: number;
  eligible: EligibleStructure[];
  selected: SelectedStructure[];
}

/** Eligible structures: evaluable kinds with ≥ 2 auto-prescribed hirings; ordered by id, hirings by id. */
export function eligibleStructures(hirings: readonly AutoPrescribedHiring[]): EligibleStructure[] {
  const by = new Map<number, EligibleStructure>();
  for (const h of hirings) {
    if (!EVALUABLE_KINDS.includes(h.kind)) continue;
    const e = by.get(h.structureId) ?? { structureId: h.structureId, kind: h.kind, hirings: [] };
    e.hirings.push(h.hiringId);
    by.set(h.structureId, e);
  }
  return [...by.values()]
    .filter((e) => e.hirings.length >= SAMPLE.min)
    .map((e) => ({ ...e, hirings: [...new Set(e.hirings)].sort((a, b) => a - b) }))
    .sort((a, b) => a.structureId - b.structureId);
}

/**
 * The campaign draw: the structures selected among the eligible ones, then each one's sample, all from one
 * generator seeded with `seed` and consumed in a fixed order (structures by id, then each selected structure's
 * hirings by id) — the same hirings and seed always give the same draw.
 */
export function drawCampaign(
  hirings: readonly AutoPrescribedHiring[],
  seed: number,
  percent: number = SELECTION_PERCENT.default,
): CampaignDraw {
  const eligible = eligibleStructures(hirings);
  const random = seededRandom(seed);
  const chosen = drawWithoutReplacement(eligible, numberToSelect(eligible.length, percent), random).sort(
    (a, b) => a.structureId - b.structureId,
  );
  const selected = chosen.map((s) => ({
    ...s,
    sampled: drawWithoutReplacement(s.hirings, sampleSize(s.hirings.length), random).sort((a, b) => a - b),
  }));
  return { percent, seed, eligible, selected };
}
