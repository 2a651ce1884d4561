// Part modulée grid: the préfet fixes each year, per structure, a modulated part of 0 % to 10 % of the socle
// (5 % for structures in prisons) according to three criteria: (1) the characteristics of the people hired,
// (2) the insertion actions and means implemented, (3) the results observed at exit — iae-reference §2.2
// (décret 2014-197, arrêtés). No national weighting is published (§2.2, §11.4): a grid is a département's own
// choice. DEFAULT_GRID below is a starting point for a DDETS, not a national rule [L].
import { DomainRuleError } from "../errors.js";
import { Decimal, type DecimalInput, roundCents, toDecimal } from "../money/money.js";
import { maxModulationPercent, modulatedAmount, validateModulationPercent } from "../aid/modulation.js";
import type { Territory } from "../aid/bareme.js";

// Rule: the three statutory families of criteria — iae-reference §2.2
export const MODULATION_FAMILIES = ["public", "actions", "results"] as const;
export type ModulationFamily = (typeof MODULATION_FAMILIES)[number];

export const FAMILY_LABELS: Record<ModulationFamily, string> = {
  public: "Caractéristiques des personnes embauchées",
  actions: "Actions d'insertion et moyens mis en œuvre",
  results: "Résultats constatés à la sortie",
};

/** Measures a criterion can use; each is computed from the structure's data for the year (src/queries/dialogue.ts). */
export const MODULATION_MEASURES = {
  rsaShareEntered: { family: "public", label: "Part de bénéficiaires du RSA parmi les personnes entrées", unit: "ratio" },
  priorityPublicShare: {
    family: "public",
    label: "Part des personnes entrées avec un critère de niveau 1 au diagnostic (RSA, ASS, AAH, DETLD)",
    unit: "ratio",
  },
  supportHoursPerPerson: { family: "actions", label: "Heures d'accompagnement par salarié présent", unit: "hours" },
  trainingShare: { family: "actions", label: "Part des salariés présents ayant suivi une formation", unit: "ratio" },
  tauxRealisation: { family: "actions", label: "Taux de réalisation des ETP conventionnés", unit: "ratio" },
  dynamicRate: { family: "results", label: "Taux de sorties dynamiques", unit: "ratio" },
  durableRate: { family: "results", label: "Taux de sorties vers l'emploi durable", unit: "ratio" },
  dynamicRateVsObjective: {
    family: "results",
    label: "Écart du taux de sorties dynamiques à l'objectif de l'annexe financière (points)",
    unit: "points",
  },
} as const satisfies Record<string, { family: ModulationFamily; label: string; unit: "ratio" | "hours" | "points" }>;
export type ModulationMeasure = keyof typeof MODULATION_MEASURES;

export interface Threshold {
  /** The criterion earns `points` (0–1 of its weight) when the measure is ≥ min. */
  min: number;
  points: number;
}

export interface GridCriterion {
  id: string;
  family: ModulationFamily;
  measure: ModulationMeasure;
  /** Ascending by min. */
  thresholds: Threshold[];
  /** Percentage points of the socle this criterion gives at full score; the weights add up to 10 at most. */
  weight: number;
}

export type ModulationGrid = GridCriterion[];

/** A criterion scoring half its weight from `halfAt`, all of it from `fullAt`. */
const criterion = (
  id: string,
  family: GridCriterion["family"],
  measure: GridCriterion["measure"],
  weight: number,
  [halfAt, fullAt]: [number, number],
): GridCriterion => ({
  id,
  family,
  measure,
  thresholds: [
    { min: halfAt, points: 0.5 },
    { min: fullAt, points: 1 },
  ],
  weight,
});

/** Default grid (weights add up to 10 %): a starting point, to be adapted by each DDETS — no national grid exists [L]. */
export const DEFAULT_GRID: ModulationGrid = [
  criterion("public-rsa", "public", "rsaShareEntered", 2, [0.3, 0.5]),
  criterion("public-niveau1", "public", "priorityPublicShare", 1.5, [0.5, 0.7]),
  criterion("actions-accompagnement", "actions", "supportHoursPerPerson", 1.5, [10, 20]),
  criterion("actions-formation", "actions", "trainingShare", 1.5, [0.2, 0.4]),
  criterion("results-dynamiques", "results", "dynamicRate", 2, [0.4, 0.6]),
  criterion("results-durables", "results", "durableRate", 1.5, [0.15, 0.25]),
];

/** Validates a grid (edited by a DDETS); throws DomainRuleError with the first problem. */
export function validateGrid(raw: unknown): ModulationGrid {
  if (!Array.isArray(raw) || raw.length === 0) throw new DomainRuleError("modulation.grid", null, "grille vide");
  const ids = new Set<string>();
  let total = new Decimal(0);
  const grid = raw.map((c: unknown, i): GridCriterion => {
    const where = `critère ${i + 1}`;
    if (typeof c !== "object" || c === null) throw new DomainRuleError("modulation.grid", where, "critère attendu");
    const { id, family, measure, thresholds, weight } = c as Record<string, unknown>;
    if (typeof id !== "string" || !/^[a-z0-9-]{1,40}$/.test(id) || ids.has(id))
      throw new DomainRuleError("modulation.grid.id", id, `${where} : identifiant invalide ou en double`);
    ids.add(id);
    if (!(MODULATION_FAMILIES as readonly string[]).includes(family as string))
      throw new DomainRuleError("modulation.grid.family", family, `${where} : famille inconnue (public, actions, results)`);
    if (typeof measure !== "string" || !(measure in MODULATION_MEASURES))
      throw new DomainRuleError("modulation.grid.measure", measure, `${where} : mesure inconnue`);
    if (MODULATION_MEASURES[measure as ModulationMeasure].family !== family)
      throw new DomainRuleError("modulation.grid.measure", measure, `${where} : la mesure n'appartient pas à cette famille`);
    if (typeof weight !== "number" || !Number.isFinite(weight) || weight < 0 || weight > 10)
      throw new DomainRuleError("modulation.grid.weight", weight, `${where} : poids entre 0 et 10 attendu`);
    total = total.plus(new Decimal(String(weight)));
    if (!Array.isArray(thresholds) || thresholds.length === 0)
      throw new DomainRuleError("modulation.grid.thresholds", where, `${where} : au moins un seuil attendu`);
    let previous = Number.NEGATIVE_INFINITY;
    const ts = thresholds.map((t: unknown) => {
      const { min, points } = (t ?? {}) as Record<string, unknown>;
      if (typeof min !== "number" || !Number.isFinite(min) || min <= previous)
        throw new DomainRuleError("modulation.grid.thresholds", min, `${where} : seuils croissants attendus`);
      if (typeof points !== "number" || points < 0 || points > 1)
        throw new DomainRuleError("modulation.grid.points", points, `${where} : points entre 0 et 1 attendus`);
      previous = min;
      return { min, points };
    });
    return { id, family: family as ModulationFamily, measure: measure as ModulationMeasure, thresholds: ts, weight };
  });
  for (const f of MODULATION_FAMILIES)
    if (!grid.some((c) => c.family === f))
      throw new DomainRuleError("modulation.grid.family", f, `la grille doit retenir au moins un critère « ${FAMILY_LABELS[f]} »`);
  // Rule: the grid spreads at most the 10 % of the socle — iae-reference §2.2
  if (total.greaterThan(10)) throw new DomainRuleError("modulation.grid.weight", total.toString(), "la somme des poids dépasse 10 %");
  return grid;
}

export type MeasureValues = Partial<Record<ModulationMeasure, number | null>>;

export interface CriterionLine {
  id: string;
  family: ModulationFamily;
  measure: ModulationMeasure;
  label: string;
  /** The structure's value, null when the data does not give it. */
  value: number | null;
  /** Highest threshold reached (null: none, or value missing). */
  thresholdReached: number | null;
  points: number;
  weight: number;
  /** weight × points, in percentage points of the socle ("1.50"). */
  contribution: string;
  note: string | null;
}

export interface ModulationProposal {
  criteria: CriterionLine[];
  /** Sum of the contributions before the cap. */
  rawPercent: string;
  /** 10, or 5 in prisons. */
  capPercent: number;
  proposedPercent: string;
}

// Rule: proposed percentage = Σ weight × points of the highest threshold reached, capped at 10 % (5 % in prisons) — iae-reference §2.2; the grid itself is local [L]
export function proposeModulation(grid: ModulationGrid, values: MeasureValues, territory: Territory): ModulationProposal {
  const cap = maxModulationPercent(territory);
  let sum = new Decimal(0);
  const criteria = grid.map((c): CriterionLine => {
    const value = values[c.measure] ?? null;
    let reached: Threshold | null = null;
    if (value !== null) for (const t of c.thresholds) if (value >= t.min) reached = t;
    const points = reached?.points ?? 0;
    const contribution = new Decimal(String(c.weight)).times(new Decimal(String(points)));
    sum = sum.plus(contribution);
    return {
      id: c.id,
      family: c.family,
      measure: c.measure,
      label: MODULATION_MEASURES[c.measure].label,
      value,
      thresholdReached: reached?.min ?? null,
      points,
      weight: c.weight,
      contribution: contribution.toFixed(2),
      note: value === null ? "donnée absente : critère compté 0" : null,
    };
  });
  const proposed = Decimal.min(sum, cap).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
  return { criteria, rawPercent: sum.toFixed(2), capPercent: cap, proposedPercent: proposed.toFixed(2) };
}

export interface ModulationDecision {
  decidedPercent: string;
  amount: string;
  overridden: boolean;
}

// Rule: the decided percentage gives the modulated amount = round₂(socle total × % / 100), paid once after the annual review — iae-reference §2.2; a percentage other than the grid's needs a reason
export function decideModulation(
  socleTotal: DecimalInput,
  proposedPercent: DecimalInput,
  decidedPercent: DecimalInput,
  territory: Territory,
  reason: string | null | undefined,
): ModulationDecision {
  const decided = validateModulationPercent(decidedPercent, territory);
  const overridden = !decided.equals(toDecimal(proposedPercent, "modulation.proposed"));
  if (overridden && (reason ?? "").trim() === "")
    throw new DomainRuleError("modulation.reason", decided.toString(), "un pourcentage différent de la grille doit être motivé");
  return {
    decidedPercent: roundCents(decided).toFixed(2),
    amount: modulatedAmount(socleTotal, decided, territory).toFixed(2),
    overridden,
  };
}
