import { compareDates, type IsoDate, isWithin, parseIsoDate } from "../calendar/isoDate.js";
import { DomainRuleError } from "../errors.js";
import { Decimal, parseDecimal } from "../money/money.js";
import { type Confidence, field, parseConfidence, parseSemicolonCsv } from "../referenceData/csv.js";

export const BAREME_KINDS = ["ACI", "AI", "EI", "ETTI", "EITI", "CONTRAT_PASSERELLE"] as const;
export type BaremeKind = (typeof BAREME_KINDS)[number];
export const TERRITORIES = ["droit_commun", "penitentiaire", "mayotte"] as const;
export type Territory = (typeof TERRITORIES)[number];

export interface BaremeRow {
  kind: BaremeKind;
  territory: Territory;
  validFrom: IsoDate;
  /** null = open (in force until a new arrêté). */
  validTo: IsoDate | null;
  unitAmount: Decimal;
  accompanimentAmount: Decimal | null;
  confidence: Confidence;
  source: string;
}

export const BAREME_HEADER = [
  "kind",
  "territory",
  "valid_from",
  "valid_to",
  "unit_amount",
  "accompaniment_amount",
  "confidence",
  "source",
] as const;

export function parseBaremeKind(value: string): BaremeKind {
  const v = value.trim().toUpperCase();
  if ((BAREME_KINDS as readonly string[]).includes(v)) return v as BaremeKind;
  throw new DomainRuleError("bareme.kind", value, "type inconnu pour le barème (ACI, AI, EI, ETTI, EITI, CONTRAT_PASSERELLE)");
}

export function parseTerritory(value: string): Territory {
  const v = value.trim().toLowerCase();
  if ((TERRITORIES as readonly string[]).includes(v)) return v as Territory;
  throw new DomainRuleError("bareme.territory", value, "territoire inconnu (droit_commun, penitentiaire, mayotte)");
}

/** Parses the text of data/reference/passerelle/bareme_aide_au_poste.csv (pure). */
export function parseBaremeCsv(text: string): BaremeRow[] {
  return parseSemicolonCsv(text, BAREME_HEADER, "bareme_aide_au_poste.csv").map((r, i) => {
    const where = `bareme_aide_au_poste.csv:${i + 2}`;
    const validFrom = parseIsoDate(field(r, "valid_from", where), "bareme.validFrom");
    const to = field(r, "valid_to", where);
    const validTo = to === "" ? null : parseIsoDate(to, "bareme.validTo");
    if (validTo !== null && compareDates(validFrom, validTo) > 0)
      throw new DomainRuleError("bareme.period", where, "valid_to précède valid_from");
    const acc = field(r, "accompaniment_amount", where);
    return {
      kind: parseBaremeKind(field(r, "kind", where)),
      territory: parseTerritory(field(r, "territory", where)),
      validFrom,
      validTo,
      unitAmount: parseDecimal(field(r, "unit_amount", where), "bareme.unitAmount"),
      accompanimentAmount: acc === "" ? null : parseDecimal(acc, "bareme.accompanimentAmount"),
      confidence: parseConfidence(field(r, "confidence", where), where),
      source: field(r, "source", where),
    };
  });
}

export interface BaremeLookupOptions {
  /** Include rows marked L (e.g. the "2024 announced" amounts). Default false. */
  includeLowConfidence?: boolean;
}

const PRISON_DROIT_COMMUN_FROM = "2022-01-01";

// Rule: montant socle in force at a date, by kind and territory (date-effective) — iae-reference §2.3; [L] rows excluded by default
export function lookupBaremeRow(
  rows: readonly BaremeRow[],
  kind: BaremeKind,
  territory: Territory,
  date: IsoDate,
  options: BaremeLookupOptions = {},
): BaremeRow {
  parseIsoDate(date, "bareme.date");
  // Rule: from 2022 the droit-commun EI/ACI amounts apply in prisons — iae-reference §2.3
  const effectiveTerritory =
    territory === "penitentiaire" && compareDates(date, PRISON_DROIT_COMMUN_FROM) >= 0 ? "droit_commun" : territory;
  const matching = rows
    .filter((r) => r.kind === kind && r.territory === effectiveTerritory && (options.includeLowConfidence === true || r.confidence !== "L"))
    .filter((r) => isWithin(date, r.validFrom, r.validTo))
    .sort((a, b) => compareDates(b.validFrom, a.validFrom));
  const row = matching[0];
  if (!row)
    throw new DomainRuleError(
      "bareme.notFound",
      { kind, territory, date },
      "aucun montant socle connu pour ce type, ce territoire et cette date (indiquer le montant unitaire)",
    );
  return row;
}

export function lookupUnitAmount(
  rows: readonly BaremeRow[],
  kind: BaremeKind,
  territory: Territory,
  date: IsoDate,
  options: BaremeLookupOptions = {},
): Decimal {
  return new Decimal(lookupBaremeRow(rows, kind, territory, date, options).unitAmount);
}
