import { DomainRuleError } from "../errors.js";
import { type Decimal, parseDecimal } from "../money/money.js";
import { type Confidence, field, parseConfidence, parseSemicolonCsv } from "../referenceData/csv.js";
import { parseSiaeKind, type SiaeKind } from "../structures/kinds.js";

export interface AnnualHoursRow {
  kind: SiaeKind;
  hours: Decimal;
  confidence: Confidence;
  source: string;
}

/** Parses data/reference/passerelle/duree_annuelle_etp.csv (pure). */
export function parseAnnualHoursCsv(text: string): AnnualHoursRow[] {
  return parseSemicolonCsv(text, ["kind", "hours", "confidence", "source"], "duree_annuelle_etp.csv").map((r, i) => {
    const where = `duree_annuelle_etp.csv:${i + 2}`;
    const hours = parseDecimal(field(r, "hours", where), "annualHours.hours");
    if (!hours.greaterThan(0)) throw new DomainRuleError("annualHours.hours", where, "nombre d'heures > 0 attendu");
    return {
      kind: parseSiaeKind(field(r, "kind", where)),
      hours,
      confidence: parseConfidence(field(r, "confidence", where), where),
      source: field(r, "source", where),
    };
  });
}

// Rule: default hours per ETP used only when creating a new AF; existing AFs carry their own value — iae-reference §3.1 (EI/ETTI values are [L], kept in data)
export function defaultAnnualHours(rows: readonly AnnualHoursRow[], kind: SiaeKind): Decimal {
  const row = rows.find((r) => r.kind === kind);
  if (!row) throw new DomainRuleError("annualHours.notFound", kind, "durée annuelle par ETP inconnue pour ce type");
  return row.hours;
}
