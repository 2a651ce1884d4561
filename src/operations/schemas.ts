// zod building blocks shared by the operation inputs (dates, decimals, codes).
import { z } from "zod";
import { parseIsoDate } from "../domain/calendar/isoDate.js";
import { toResult } from "../domain/errors.js";
import { SIAE_KINDS } from "../domain/structures/kinds.js";

export const isoDate = z.string().refine((v) => toResult(() => parseIsoDate(v)).ok, { message: "date AAAA-MM-JJ attendue" });
export const monthKeyString = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "mois AAAA-MM attendu");
/** Decimal as number or string ("12.5"), non-negative. */
export const decimalString = z
  .union([z.number(), z.string()])
  .transform((v) => String(v).trim().replace(",", "."))
  .refine((v) => /^\d+(\.\d+)?$/.test(v), { message: "nombre décimal positif attendu" });
export const id = z.number().int().positive();
export const kind = z.enum(SIAE_KINDS);
export const optionalText = z.string().trim().min(1).max(500).optional();
export const postalCode = z.string().regex(/^\d{5}$/, "code postal à 5 chiffres");
export const communeCode = z.string().regex(/^\d[\dAB]\d{3}$/, "code commune INSEE attendu");
export const departementCode = z.string().regex(/^(\d{2}|2A|2B|97[1-6])$/, "code département INSEE attendu");
