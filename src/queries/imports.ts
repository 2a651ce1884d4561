// Read model of the imports (docs/imports.md): the history, one run, its rejections (the page and the
// CSV/XLSX export read the same functions). A run is readable by the national level (DGEFP, admins) and,
// for a run imported for a département, by the DDETS of that département: the visibility is the WHERE
// clause below, on import_run.departement_code (set by the importer, null for a national import).
// Background jobs follow the same rule (mayReadImport in importTerritory.ts, used by the job registry).
import type { ExpressionBuilder, Kysely } from "kysely";
import type { Database } from "../db/schema.js";
import { type ImportTerritory, NATION } from "../interchange/importTerritory.js";
import type { Principal } from "../server/auth/principal.js";

/** Where a principal imports, and whose imports it reads; null: it neither imports nor reads imports. */
export function importTerritoryOf(principal: Principal): ImportTerritory | null {
  switch (principal.role) {
    case "admin":
    case "national":
      return NATION;
    case "departemental":
      return principal.departementCode ? { kind: "departement", code: principal.departementCode } : null;
    default:
      return null;
  }
}

export interface ImportRunView {
  id: number;
  startedAt: string;
  finishedAt: string | null;
  source: string;
  format: string;
  status: string;
  dryRun: boolean;
  rowsRead: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  durationMs: number | null;
  error: string | null;
  userName: string | null;
  /** Département the import was made for; null for a national import. */
  departement: string | null;
}

export interface ImportIssueView {
  file: string;
  line: number | null;
  column: string | null;
  reason: string;
  severity: string;
}

export interface Window {
  limit: number;
  offset: number;
  order: "asc" | "desc";
}

export interface Page<T> {
  items: T[];
  total: number;
}

/** The runs `principal` may read (alias `r`). */
function visibleRuns(principal: Principal) {
  const territory = importTerritoryOf(principal);
  return (eb: ExpressionBuilder<Database & { r: Database["import_run"] }, "r">) => {
    if (territory === null) return eb.lit(false);
    if (territory.kind === "nation") return eb.lit(true);
    return eb("r.departement_code", "=", territory.code);
  };
}

function runs(db: Kysely<Database>, principal: Principal) {
  return db
    .selectFrom("import_run as r")
    .leftJoin("app_user as u", "u.id", "r.user_id")
    .selectAll("r")
    .select(["u.display_name as user_name", "u.email as user_email"])
    .where(visibleRuns(principal));
}

type RunRow = Awaited<ReturnType<ReturnType<typeof runs>["executeTakeFirstOrThrow"]>>;

function runView(r: RunRow): ImportRunView {
  return {
    id: Number(r.id),
    startedAt: new Date(r.started_at).toISOString(),
    finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
    source: r.source,
    format: r.format,
    status: r.status,
    dryRun: Boolean(r.dry_run),
    rowsRead: r.rows_read,
    inserted: r.inserted,
    updated: r.updated,
    unchanged: r.unchanged,
    rejected: r.rejected,
    durationMs: r.duration_ms,
    error: r.error,
    userName: r.user_name ?? r.user_email ?? null,
    departement: r.departement_code,
  };
}

/** The import history `principal` may read, by start date. */
export async function listImportRuns(db: Kysely<Database>, principal: Principal, window: Window): Promise<Page<ImportRunView>> {
  const [count, rows] = await Promise.all([
    db
      .selectFrom("import_run as r")
      .where(visibleRuns(principal))
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow(),
    runs(db, principal).orderBy("r.started_at", window.order).orderBy("r.id", "desc").limit(window.limit).offset(window.offset).execute(),
  ]);
  return { items: rows.map(runView), total: Number(count.n) };
}

/** One run, or null when it does not exist or `principal` may not read it (the caller answers 404). */
export async function findImportRun(db: Kysely<Database>, principal: Principal, target: { id: number }): Promise<ImportRunView | null> {
  const row = await runs(db, principal).where("r.id", "=", target.id).executeTakeFirst();
  return row ? runView(row) : null;
}

/** Rejections and warnings of one run by file and line, or null when the run is not readable. */
export async function listImportRejections(
  db: Kysely<Database>,
  principal: Principal,
  target: { id: number },
  window: Window,
): Promise<Page<ImportIssueView> | null> {
  const run = await db
    .selectFrom("import_run as r")
    .where("r.id", "=", target.id)
    .where(visibleRuns(principal))
    .select((eb) =>
      eb
        .selectFrom("import_rejection as j")
        .whereRef("j.import_run_id", "=", "r.id")
        .select((e) => e.fn.countAll<string>().as("n"))
        .as("n"),
    )
    .executeTakeFirst();
  if (!run) return null;
  const rows = await db
    .selectFrom("import_rejection as j")
    .innerJoin("import_run as r", "r.id", "j.import_run_id")
    .where("j.import_run_id", "=", target.id)
    .where(visibleRuns(principal))
    .select(["j.file", "j.line", "j.column_name", "j.reason", "j.severity"])
    .orderBy("j.file")
    .orderBy("j.line", window.order)
    .orderBy("j.id")
    .limit(window.limit)
    .offset(window.offset)
    .execute();
  return {
    items: rows.map((r) => ({ file: r.file, line: r.line, column: r.column_name, reason: r.reason, severity: r.severity })),
    total: Number(run.n ?? 0),
  };
}
