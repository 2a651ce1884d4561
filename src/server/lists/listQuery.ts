// Paging of every list route: ?page&pageSize&sort&format (schemas in src/contracts/common.ts).
import { z } from "zod";
import { listQuery, MAX_EXPORT_ROWS } from "../../contracts/common.js";

export { listFormat, MAX_EXPORT_ROWS, MAX_PAGE_SIZE, pageOf as pageSchema } from "../../contracts/common.js";

export function listQuerySchema<K extends string>(sortKeys: readonly [K, ...K[]], defaultSort: string) {
  return z.strictObject(listQuery(sortKeys, defaultSort));
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
  return sort.startsWith("-") ? { key: sort.slice(1) as K, direction: "desc" } : { key: sort as K, direction: "asc" };
}

/** LIMIT / OFFSET of the request: one page in JSON, everything (bounded) for an export. */
export function window(params: ListParams): { limit: number; offset: number } {
  if (params.format !== "json") return { limit: MAX_EXPORT_ROWS, offset: 0 };
  return { limit: params.pageSize, offset: (params.page - 1) * params.pageSize };
}
