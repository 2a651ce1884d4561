// State shared by the view importers of one FluxIAE import (one transaction).
import type { TransactionContext } from "../../db/connection.js";
import type { PersonalDataCipher } from "../../security/personalData.js";
import type { ImportTally } from "../importReport.js";
import type { FluxIaeRecord } from "./reader.js";
import type { FieldIssue } from "./rowFields.js";

export interface FluxImportOptions {
  /** Cipher for NIR / PASS numbers (required to import Salarie rows with a NIR). */
  pii: PersonalDataCipher | null;
  /** Statistics-only deployments: NIR/PASS replaced by keyed hashes, names and contacts dropped, birth date cut to the year. */
  pseudonymise: boolean;
}

export interface FluxImportContext extends FluxImportOptions {
  tx: TransactionContext;
  tally: ImportTally;
  /** RefCategorieSort rcs_id → rcs_code, when the delivery has that view. */
  exitCategoryById: Map<number, number>;
  /** Structures touched (for the final exits derivation and report). */
  touchedStructures: Set<number>;
  /** Contracts written (exits are derived from them at the end). */
  touchedContracts: boolean;
}

export function rejectRow(ctx: FluxImportContext, file: string, record: FluxIaeRecord, issues: readonly FieldIssue[]): void {
  for (const issue of issues) ctx.tally.reject({ file, line: record.line, column: issue.column, reason: issue.reason });
}

/** Stable JSON (sorted keys) to compare stored jsonb with new values. */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
}
