// NIRs that cannot belong to a real person, for demo and synthetic data.
//
// Structure of a NIR (iae-reference §9): sex (1) · birth year (2) · birth month (2) · birth
// département (2) · commune or country code (3) · order number (3) · key (2).
// For people born abroad the département is "99" and the next 3 digits are the INSEE country code.
// INSEE country codes run from 100 to 901 (data/reference/les-emplois/asp_reference/
// ref_insee_pays_v4.csv); codes 990–998 are never assigned. So "99" + "99x" can never be the NIR of
// a real person, while it passes every validation (format, month, key) like a real one.
import { validateNir } from "../domain/identifiers/nir.js";

export const FICTITIOUS_COUNTRY_CODES = ["990", "991", "992", "993", "994", "995", "996", "997", "998"] as const;

/** True when the NIR is in the fictitious range above (born "abroad" in a country code INSEE never assigns). */
export function isFictitiousNir(nir: string): boolean {
  return (
    /^[12]\d{4}9999[0-8]\d{5}$/.test(nir) &&
    FICTITIOUS_COUNTRY_CODES.includes(nir.slice(7, 10) as (typeof FICTITIOUS_COUNTRY_CODES)[number])
  );
}

/**
 * A valid-key NIR in the fictitious range. `serial` (0 … 8 999) picks the country code (serial / 1000)
 * and order number (serial % 1000); with sex, year and month this gives 18 million distinct NIRs per
 * birth year. Throws when serial is out of range.
 */
export function fictitiousNir(sex: 1 | 2, birthDate: string, serial: number): string {
  if (!Number.isInteger(serial) || serial < 0 || serial >= 9000) throw new RangeError(`numéro de série hors bornes : ${serial}`);
  const yy = birthDate.slice(2, 4);
  const mm = birthDate.slice(5, 7);
  const country = FICTITIOUS_COUNTRY_CODES[Math.floor(serial / 1000)] as string;
  const order = String(serial % 1000).padStart(3, "0");
  const body = `${sex}${yy}${mm}99${country}${order}`;
  const key = 97 - Number(BigInt(body) % 97n);
  const nir = `${body}${String(key).padStart(2, "0")}`;
  validateNir(nir);
  return nir;
}
