// Backups of the whole database, on both engines (docs/deploy.md § Sauvegardes):
//  - PGlite: PGlite's own dump of its data folder (dumpDataDir, a gzip tarball), restored by starting
//    PGlite on it; the server must be stopped (the data folder lock refuses a second process);
//  - PostgreSQL: `pg_dump --format=custom`, restored with `pg_restore`, when the PostgreSQL client
//    programs are installed (same major version as the server, or newer); without them, a clear refusal.
// A restore writes into an empty target only (no folder / no table) unless `force`: the existing PGlite
// folder is then kept aside, PostgreSQL objects are dropped first (pg_restore --clean). Migrations run
// after a restore (a backup of an older version is brought up to date). On PostgreSQL the restore holds
// the "restore" advisory lock: /api/ready of the app servers says so meanwhile.
// The encryption key (NIR, PASS numbers) is never in the backup: the PGlite key file lives beside the
// data folder, and on PostgreSQL it is PASSERELLE_SECRET_KEY. `includeKey` writes it to FILE.key, a
// separate file (mode 0600), and says so: whoever holds both files can read every NIR.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, renameSync } from "node:fs";
import { readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { sql } from "kysely";
import { type DatabaseHandle, openDatabase } from "./connection.js";
import { withMaintenanceLock } from "./maintenanceLock.js";
import { migrate } from "./migrate.js";

export class BackupRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackupRefusedError";
  }
}

export interface BackupTarget {
  /** postgres://… (server) or the embedded data folder (<PASSERELLE_DATA_DIR>/pglite). */
  url?: string;
  pgliteDir?: string;
}

export interface BackupResult {
  engine: "pglite" | "postgresql";
  file: string;
  bytes: number;
  /** FILE.key when the key was asked for, else null. */
  keyFile: string | null;
}

/** Row counts of every table of the public schema (compare a restore with its source). */
export async function tableRowCounts(handle: DatabaseHandle): Promise<Record<string, number>> {
  const tables = await sql<{
    name: string;
  }>`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`.execute(handle.db);
  const counts: Record<string, number> = {};
  for (const { name } of tables.rows) {
    const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(name)}`.execute(handle.db);
    counts[name] = Number(r.rows[0]?.n ?? 0);
  }
  return counts;
}

/** The PostgreSQL client program, or a refusal that says what to install. */
async function pgTool(name: "pg_dump" | "pg_restore"): Promise<string> {
  const ok = await new Promise<boolean>((resolve) => {
    const child = spawn(name, ["--version"], { stdio: "ignore" });
    child.on("error", () => resolve(false));
    child.on("exit", (code) => resolve(code === 0));
  });
  if (!ok) {
    throw new BackupRefusedError(
      `${name} est introuvable : la sauvegarde PostgreSQL utilise les programmes clients de PostgreSQL (paquet postgresql-client, ` +
        `de la même version majeure que le serveur ou plus récente). Installez-les, ou sauvegardez avec les outils de votre hébergeur.`,
    );
  }
  return name;
}

/** The URL without its password, and the password for PGPASSWORD (never on a command line). */
function splitPassword(url: string): { url: string; password: string | undefined } {
  const u = new URL(url);
  const password = u.password ? decodeURIComponent(u.password) : undefined;
  u.password = "";
  return { url: u.toString(), password };
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (c: Buffer) => {
      err += c.toString();
    });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} a échoué (code ${code}) : ${err.trim()}`))));
  });
}

export async function backupDatabase(
  target: BackupTarget,
  out: string,
  key: { includeKey: boolean; secret: () => Buffer },
): Promise<BackupResult> {
  let engine: BackupResult["engine"];
  if (target.url) {
    engine = "postgresql";
    const tool = await pgTool("pg_dump");
    const { url, password } = splitPassword(target.url);
    await run(tool, ["--format=custom", `--file=${out}`, `--dbname=${url}`], {
      ...process.env,
      ...(password ? { PGPASSWORD: password } : {}),
    });
  } else {
    engine = "pglite";
    if (!target.pgliteDir || !existsSync(target.pgliteDir))
      throw new BackupRefusedError(`Aucune base embarquée dans ${target.pgliteDir ?? "?"} : rien à sauvegarder.`);
    const handle = await openDatabase({ pgliteDir: target.pgliteDir, lock: true });
    try {
      const dump = await handle.pglite!.dumpDataDir("gzip");
      await writeFile(out, Buffer.from(await dump.arrayBuffer()), { mode: 0o600 });
    } finally {
      await handle.close();
    }
  }
  let keyFile: string | null = null;
  if (key.includeKey) {
    keyFile = `${out}.key`;
    await writeFile(keyFile, `${key.secret().toString("hex")}\n`, { mode: 0o600 });
  }
  return { engine, file: out, bytes: (await stat(out)).size, keyFile };
}

export interface RestoreResult {
  engine: "pglite" | "postgresql";
  /** Where the replaced PGlite folder was kept (force), else null. */
  keptAside: string | null;
  migrationsApplied: string[];
  rows: Record<string, number>;
}

export async function restoreDatabase(target: BackupTarget, file: string, options: { force: boolean }): Promise<RestoreResult> {
  if (!existsSync(file)) throw new BackupRefusedError(`${file} : fichier de sauvegarde introuvable.`);
  if (target.url) {
    const tool = await pgTool("pg_restore");
    const handle = await openDatabase({ url: target.url, poolSize: 3 });
    try {
      return await withMaintenanceLock(handle, "restore", async () => {
        const tables = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`.execute(handle.db);
        const empty = Number(tables.rows[0]?.n ?? 0) === 0;
        if (!empty && !options.force) {
          throw new BackupRefusedError(
            "La base cible n'est pas vide : restaurez dans une base neuve (createdb), ou ajoutez --force pour remplacer son contenu.",
          );
        }
        const { url, password } = splitPassword(target.url!);
        const args = [
          "--no-owner",
          "--no-privileges",
          "--exit-on-error",
          `--dbname=${url}`,
          ...(empty ? [] : ["--clean", "--if-exists"]),
          file,
        ];
        await run(tool, args, { ...process.env, ...(password ? { PGPASSWORD: password } : {}) });
        const migrated = await migrate(handle);
        return { engine: "postgresql" as const, keptAside: null, migrationsApplied: migrated.applied, rows: await tableRowCounts(handle) };
      });
    } finally {
      await handle.close();
    }
  }
  const dir = target.pgliteDir;
  if (!dir) throw new BackupRefusedError("Dossier de la base embarquée inconnu.");
  let keptAside: string | null = null;
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    if (!options.force) {
      throw new BackupRefusedError(
        `${dir} contient déjà une base : restaurez dans un dossier neuf (PASSERELLE_DATA_DIR=…), ou ajoutez --force (l'ancienne base est gardée à côté).`,
      );
    }
    keptAside = `${dir}.avant-restauration-${new Date().toISOString().slice(0, 19).replace(/:/g, "-")}`;
    renameSync(dir, keptAside);
  }
  const handle = await openDatabase({ pgliteDir: dir, lock: true, loadDataDir: new Blob([await readFile(file)]) });
  try {
    const migrated = await migrate(handle);
    return { engine: "pglite", keptAside, migrationsApplied: migrated.applied, rows: await tableRowCounts(handle) };
  } finally {
    await handle.close();
  }
}

/** The key file written beside a backup by --include-key, if any. */
export function keyFileBeside(file: string): string | null {
  const keyFile = `${file}.key`;
  return existsSync(keyFile) ? path.resolve(keyFile) : null;
}
