// Query string of every list route: ?page&pageSize&sort&format (+ the route's own filters).
// `sort` is a column key, `-key` for descending; only the keys a route declares are accepted.
import { z } from "zod";

export const MAX_PAGE_SIZE = 500;
/** Upper bound of rows in one CSV/XLSX export (beyond it: filter first). */
export const MAX_EXPORT_ROWS = 200_000;

export const listFormat = z.enum(["json", "csv", "xlsx"]).default("json");

export function listQuerySchema<K extends string>(sortKeys: readonly [K, ...K[]], defaultSort: string) {
  const allowed = new Set<string>(sortKeys);
  return z.object({
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
  });
}

export interface ListParams {
  page: number;
  pageSize: number;
  sort: string;
  format: "json" | "csv" | "xlsx";
}

export interface SortSpec<K extends string> {
  key: K;
  direction: "asc" | "desc";
}

export function parseSort<K extends string>(sort: string): SortSpec<K> {
  return sort.startsWith("-")
    ? { key: sort.slice(1) as K, direction: "desc" }
    : { key: sort as K, direction: "asc" };
}

/** LIMIT / OFFSET of the request: one page in JSON, everything (bounded) for an export. */
export function window(params: ListParams): { limit: number; offset: number } {
  if (params.format !== "json") return { limit: MAX_EXPORT_ROWS, offset: 0 };
  return { limit: params.pageSize, offset: (params.page - 1) * params.pageSize };
}

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
  });
}
