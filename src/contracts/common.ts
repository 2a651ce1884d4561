// Shapes shared by several contracts: dates, months, years, SIAE kinds, lists (page, sort, export format).
import { z } from "zod";
import { SIAE_KINDS } from "../domain/structures/kinds.js";

export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Date attendue au format AAAA-MM-JJ.");
export const monthKey = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "Mois attendu au format AAAA-MM.");
export const yearParam = z.coerce
  .number({ message: "Année attendue (ex. 2019)." })
  .int("Année entière attendue.")
  .min(2000, "Année postérieure à 2000 attendue.")
  .max(2100, "Année antérieure à 2100 attendue.");
/** Query flag `true` / `false`. */
export const flag = z.enum(["true", "false"]).transform((v) => v === "true");
export const siaeKind = z.enum(SIAE_KINDS);
export const byKind = z.object(
  Object.fromEntries(SIAE_KINDS.map((k) => [k, z.number()])) as Record<(typeof SIAE_KINDS)[number], z.ZodNumber>,
);
export const exitsByCategory = z.object({ durable: z.number(), transition: z.number(), positive: z.number(), other: z.number() });

export const MAX_PAGE_SIZE = 500;
/** Upper bound of rows in one CSV/XLSX export (beyond it: filter first). */
export const MAX_EXPORT_ROWS = 200_000;

export const listFormat = z.enum(["json", "csv", "xlsx"]).default("json");
export type ListFormat = z.output<typeof listFormat>;

/** ?page&pageSize&sort&format of every list: `sort` is a declared column key, `-key` for descending. */
export function listQuery<K extends string>(sortKeys: readonly [K, ...K[]], defaultSort: string) {
  const allowed = new Set<string>(sortKeys);
  return {
    page: z.coerce.number().int().min(1, "La page commence à 1.").default(1),
    pageSize: z.coerce
      .number()
      .int()
      .min(1, "Au moins 1 ligne par page.")
      .max(MAX_PAGE_SIZE, `Au plus ${MAX_PAGE_SIZE} lignes par page.`)
      .default(50),
    sort: z
      .string()
      .default(defaultSort)
      .refine((s) => allowed.has(s.replace(/^-/, "")), {
        message: `Tri possible sur : ${sortKeys.join(", ")} (préfixe « - » pour l'ordre décroissant).`,
      }),
    format: listFormat,
  };
}

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });
}
export type Page<T> = { items: T[]; total: number; page: number; pageSize: number };
