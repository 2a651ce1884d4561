// The result of every import (design §5 JSON keys, plus the import run id and the warnings).
// Rejections and warnings name the file, the line (1-based, as shown by a text editor) and the column.

export type ImportFormat = "asp-liste-siae" | "fluxiae" | `fluxiae:${string}` | "fiche-salarie-retour";

export interface ImportIssue {
  file: string;
  line: number | null;
  column: string | null;
  reason: string;
}

export interface ImportReport {
  format: ImportFormat;
  rowsRead: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  rejections: ImportIssue[];
  /** import_run.id (also recorded for dry runs, with status 'dry_run'); null when nothing could be recorded. */
  importRunId: number | null;
  /** Rows kept but worth a look (duplicates merged, postcode outside the département…). */
  warnings: ImportIssue[];
  dryRun: boolean;
  durationMs: number;
}

/**
 * The input cannot be imported at all (unreadable file, missing columns, wrong separator…):
 * nothing was written. The CLI maps it to exit code 1.
 */
export class ImportInputError extends Error {
  readonly issues: ImportIssue[];
  constructor(message: string, issues: ImportIssue[] = []) {
    super(message);
    this.name = "ImportInputError";
    this.issues = issues;
  }
}

/** Mutable counters filled while importing. */
export class ImportTally {
  rowsRead = 0;
  inserted = 0;
  updated = 0;
  unchanged = 0;
  readonly rejections: ImportIssue[] = [];
  readonly warnings: ImportIssue[] = [];

  reject(issue: ImportIssue): void {
    this.rejections.push(issue);
  }

  warn(issue: ImportIssue): void {
    this.warnings.push(issue);
  }

  /** Rows rejected (a row with several problems counts once). */
  get rejected(): number {
    const rows = new Set<string>();
    for (const r of this.rejections) rows.add(`${r.file}\u0000${r.line ?? "?"}`);
    return rows.size;
  }

  add(other: ImportTally): void {
    this.rowsRead += other.rowsRead;
    this.inserted += other.inserted;
    this.updated += other.updated;
    this.unchanged += other.unchanged;
    this.rejections.push(...other.rejections);
    this.warnings.push(...other.warnings);
  }
}
