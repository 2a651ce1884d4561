// State shared by the view importers of one FluxIAE import (one transaction).
import { sql } from "kysely";
import type { TransactionContext } from "../../db/connection.js";
import { reserveIds } from "../../db/reserveIds.js";
import type { PersonalDataCipher } from "../../security/personalData.js";
import type { ImportTally } from "../importReport.js";
import type { ImportTerritory } from "../importTerritory.js";
import type { FluxIaeRecord } from "./reader.js";
import type { FieldIssue } from "./rowFields.js";

export interface FluxImportOptions {
  /** Cipher for NIR / PASS numbers (required to import Salarie rows with a NIR). */
  pii: PersonalDataCipher | null;
  /** Statistics-only deployments: NIR/PASS replaced by keyed hashes, names and contacts dropped, birth date cut to the year. */
  pseudonymise: boolean;
  /**
   * Monthly rows from which a first load of EtatMensuelIndiv is merged without triggers, then checked and
   * rolled up set-based (views/etatMensuelIndiv.ts; default 10 000 on PostgreSQL, never on PGlite). Tests set 0
   * or Infinity to compare both paths.
   */
  bulkMinRows?: number;
}

export interface FluxImportContext extends FluxImportOptions {
  tx: TransactionContext;
  tally: ImportTally;
  /** Where the import may write (territoryGate.ts refuses the other rows before the views see them). */
  territory: ImportTerritory;
  /** RefCategorieSort rcs_id → rcs_code, when the delivery has that view. */
  exitCategoryById: Map<number, number>;
  /** Structures touched (for the final exits derivation and report). */
  touchedStructures: Set<number>;
  /** Contracts written (exits are derived from them at the end). */
  touchedContracts: boolean;
  /** Milliseconds of the named steps of the view being imported (reported with the view's duration). */
  steps?: Record<string, number>;
}

/** Run one named step of a view, adding its duration to ctx.steps. */
export async function timed<T>(ctx: FluxImportContext, step: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await run();
  } finally {
    ctx.steps ??= {};
    ctx.steps[step] = Math.round((ctx.steps[step] ?? 0) + performance.now() - started);
  }
}

export function rejectRow(ctx: FluxImportContext, file: string, record: FluxIaeRecord, issues: readonly FieldIssue[]): void {
  for (const issue of issues) ctx.tally.reject({ file, line: record.line, column: issue.column, reason: issue.reason });
}

/**
 * The last line of each key of a view (a key read twice: the last line wins, and the repetition is warned
 * about on `column` with `reason(previousLine)`).
 */
export class LastLineOfKey {
  private readonly lines = new Map<number, number>();
  constructor(
    private readonly ctx: FluxImportContext,
    private readonly file: string,
    private readonly column: string,
  ) {}

  read(key: number, line: number, reason: (previousLine: number) => string): void {
    const previous = this.lines.get(key);
    if (previous !== undefined) this.ctx.tally.warn({ file: this.file, line, column: this.column, reason: reason(previous) });
    this.lines.set(key, line);
  }

  isLast(key: number, line: number): boolean {
    return this.lines.get(key) === line;
  }
}

/** Stable JSON (sorted keys) to compare stored jsonb with new values. */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
}

const grown = new WeakMap<FluxImportContext, Map<string, { written: number; analyzedAt: number }>>();

/**
 * The tables an import fills start (nearly) empty and their statistics only change when ANALYZE runs:
 * autovacuum cannot see the rows of the open transaction, so without this the planner keeps the plans of
 * an empty table (sequential scans inside the rollup triggers, run once per batch: quadratic time).
 * ANALYZE sees the transaction's own rows; it runs each time a table has doubled during the import.
 */
export async function analyzeAsItGrows(
  ctx: FluxImportContext,
  table: "person" | "asp_person" | "contract" | "person_asp_id" | "financial_annex",
  written: number,
): Promise<void> {
  let byTable = grown.get(ctx);
  if (!byTable) {
    byTable = new Map();
    grown.set(ctx, byTable);
  }
  const state = byTable.get(table) ?? { written: 0, analyzedAt: 0 };
  state.written += written;
  byTable.set(table, state);
  if (state.written < 1_000 || state.written < state.analyzedAt * 2) return;
  state.analyzedAt = state.written;
  await sql`ANALYZE ${sql.table(table)}`.execute(ctx.tx.db);
}

/**
 * Database ids for rows created in memory under provisional negative ids (-1, -2, … in file order):
 * sequence values of `table`, taken in one statement and given in the same order.
 */
export async function takeSequenceIds(
  ctx: FluxImportContext,
  table: "person" | "contract",
  provisional: Iterable<number>,
): Promise<Map<number, number>> {
  const order = [...provisional].sort((a, b) => b - a);
  const realId = new Map<number, number>();
  if (order.length === 0) return realId;
  const ids = await reserveIds(ctx.tx.db, table, order.length);
  for (const [i, tmp] of order.entries()) realId.set(tmp, ids[i] as number);
  return realId;
}
