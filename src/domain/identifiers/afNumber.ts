import { DomainRuleError, type Result, toResult } from "../errors.js";
import { aspDepartementToInsee } from "./insee.js";

/** FDI appears only when `allowFdi` is set (FluxIAE carries FDI annexes; les-emplois rejects them). */
export type AfKindPrefix = "ACI" | "EI" | "AI" | "ETTI" | "EITI" | "FDI";

export interface AfNumber {
  /** Full number with suffix, e.g. ACI063170007A0M0. */
  value: string;
  /** Prefix without suffix (FluxIAE `af_numero_annexe_financiere`), e.g. ACI063170007. */
  prefix: string;
  kind: AfKindPrefix;
  /** The 3 ASP département chars, e.g. "063", "59V". */
  departementAsp: string;
  /** INSEE département, e.g. "63", "59". */
  departement: string;
  /** Two-digit millésime (year of the convention). */
  millesime: string;
  /** Four-digit order number. */
  order: string;
  /** A<n>: renewal rank. */
  renewal: number;
  /** M<n>: modification rank. */
  modification: number;
}

const PREFIX_RE = /^(ACI|EI|AI|ETTI|EITI|FDI)(\d{2}[A-Z\d])(\d{2})(\d{4})$/;
const FULL_RE = /^(ACI|EI|AI|ETTI|EITI|FDI)(\d{2}[A-Z\d])(\d{2})(\d{4})A(\d+)M(\d+)$/;

// Rule: AF number = <MESURE><DPT 3 chars><YY><order 4>A<renewal>M<modification> — iae-reference §2.1, published-figures §6
export function parseAfNumber(input: string, options: { allowFdi?: boolean } = {}): AfNumber {
  const v = input.trim().toUpperCase();
  if (v.startsWith("FDI") && options.allowFdi !== true)
    throw new DomainRuleError("afNumber.format", input, "numéro d'annexe FDI refusé ici (ACI, EI, AI, ETTI, EITI attendus)");
  const m = FULL_RE.exec(v);
  if (!m) {
    if (PREFIX_RE.test(v)) throw new DomainRuleError("afNumber.suffix", input, "suffixe A<n>M<n> manquant");
    throw new DomainRuleError("afNumber.format", input, "numéro d'annexe financière invalide (ex. ACI063170007A0M0)");
  }
  const [, kind, dpt, millesime, order, a, mo] = m;
  return {
    value: v,
    prefix: `${kind}${dpt}${millesime}${order}`,
    kind: kind as AfKindPrefix,
    departementAsp: dpt as string,
    departement: aspDepartementToInsee(dpt as string),
    millesime: millesime as string,
    order: order as string,
    renewal: Number(a),
    modification: Number(mo),
  };
}

/** Builds the full number from FluxIAE's separate columns (prefix, renewal, modification). */
export function afNumberFromParts(
  prefix: string,
  renewal: number | string,
  modification: number | string,
  options: { allowFdi?: boolean } = {},
): AfNumber {
  return parseAfNumber(`${prefix}A${renewal}M${modification}`, options);
}

/** Validates the prefix alone (FluxIAE `af_numero_annexe_financiere`). */
export function validateAfPrefix(input: string, options: { allowFdi?: boolean } = {}): string {
  const v = input.trim().toUpperCase();
  if (v.startsWith("FDI") && options.allowFdi !== true) throw new DomainRuleError("afNumber.prefix", input, "préfixe FDI refusé ici");
  if (!PREFIX_RE.test(v)) throw new DomainRuleError("afNumber.prefix", input, "préfixe d'annexe financière invalide (ex. ACI063170007)");
  return v;
}

export function checkAfNumber(input: string): Result<AfNumber> {
  return toResult(() => parseAfNumber(input));
}
