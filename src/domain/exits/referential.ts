import { DomainRuleError } from "../errors.js";
import { type Confidence, field, parseConfidence, parseSemicolonCsv } from "../referenceData/csv.js";

export const EXIT_GROUPS = ["durable", "transition", "positive", "other", "retrait"] as const;
export type ExitGroup = (typeof EXIT_GROUPS)[number];

export interface ExitCategory {
  code: string;
  label: string;
  group: ExitGroup;
  confidence: Confidence;
}

export interface ExitMotif {
  code: string;
  label: string;
  categoryCode: string;
  confidence: Confidence;
}

/** The exit referential (ASP RefMotifSort → RefCategorieSort): data, passed to every exit rule. */
export interface ExitReferential {
  categories: ReadonlyMap<string, ExitCategory>;
  motifs: ReadonlyMap<string, ExitMotif>;
}

function parseGroup(value: string, where: string): ExitGroup {
  if ((EXIT_GROUPS as readonly string[]).includes(value)) return value as ExitGroup;
  throw new DomainRuleError(
    "exits.referential.group",
    `${where}:${value}`,
    "groupe de sortie inconnu (durable, transition, positive, other, retrait)",
  );
}

/** Parses ref_categorie_sortie.csv and ref_motif_sortie.csv (pure); every motif must point to a known category. */
export function parseExitReferential(categoriesCsv: string, motifsCsv: string): ExitReferential {
  const categories = new Map<string, ExitCategory>();
  parseSemicolonCsv(categoriesCsv, ["code", "label", "group", "confidence", "source"], "ref_categorie_sortie.csv").forEach((r, i) => {
    const where = `ref_categorie_sortie.csv:${i + 2}`;
    const code = field(r, "code", where);
    if (categories.has(code)) throw new DomainRuleError("exits.referential.duplicate", `${where}:${code}`, "code de catégorie en double");
    categories.set(code, {
      code,
      label: field(r, "label", where),
      group: parseGroup(field(r, "group", where), where),
      confidence: parseConfidence(field(r, "confidence", where), where),
    });
  });
  const motifs = new Map<string, ExitMotif>();
  parseSemicolonCsv(motifsCsv, ["code", "label", "category_code", "confidence", "source"], "ref_motif_sortie.csv").forEach((r, i) => {
    const where = `ref_motif_sortie.csv:${i + 2}`;
    const code = field(r, "code", where);
    const categoryCode = field(r, "category_code", where);
    if (!categories.has(categoryCode))
      throw new DomainRuleError("exits.referential.category", `${where}:${categoryCode}`, "catégorie inconnue pour ce motif");
    if (motifs.has(code)) throw new DomainRuleError("exits.referential.duplicate", `${where}:${code}`, "code de motif en double");
    motifs.set(code, {
      code,
      label: field(r, "label", where),
      categoryCode,
      confidence: parseConfidence(field(r, "confidence", where), where),
    });
  });
  return { categories, motifs };
}

/** Builds a referential from plain maps (e.g. DB rows). */
export function exitReferentialFrom(categories: readonly ExitCategory[], motifs: readonly ExitMotif[]): ExitReferential {
  const cats = new Map(categories.map((c) => [c.code, c]));
  for (const m of motifs)
    if (!cats.has(m.categoryCode)) throw new DomainRuleError("exits.referential.category", m, "catégorie inconnue pour ce motif");
  return { categories: cats, motifs: new Map(motifs.map((m) => [m.code, m])) };
}

// Rule: exit motif → category through the referential (rcs_id), never hard-coded — iae-reference §6.2, design §4
export function exitGroupOfMotif(referential: ExitReferential, motifCode: string): ExitGroup {
  const motif = referential.motifs.get(motifCode.trim());
  if (!motif) throw new DomainRuleError("exits.motif", motifCode, "motif de sortie inconnu du référentiel");
  const category = referential.categories.get(motif.categoryCode);
  if (!category) throw new DomainRuleError("exits.referential.category", motif.categoryCode, "catégorie inconnue pour ce motif");
  return category.group;
}
