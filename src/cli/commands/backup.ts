// `passerelle backup --out FILE [--include-key] [--json]` and `passerelle restore FILE [--force] [--json]`
// (src/db/backup.ts, docs/deploy.md § Sauvegardes). The engine is the configured one: PostgreSQL with
// DATABASE_URL (pg_dump / pg_restore), else the embedded database of PASSERELLE_DATA_DIR (server
// stopped). The encryption key is not in the backup; --include-key writes it to FILE.key and says so.
// Heavy modules are imported inside the actions: `passerelle --help` loads none of them.
import type { Command } from "commander";
import { reportCliError } from "../io.js";

function fail(error: unknown, invalid: (e: unknown) => boolean): void {
  reportCliError(error, invalid(error) ? 1 : 2);
}

export function register(program: Command): void {
  program
    .command("backup")
    .description("Sauvegarder toute la base (PGlite : son image ; PostgreSQL : pg_dump au format custom) — sans la clé de chiffrement")
    .requiredOption("--out <file>", "fichier de sauvegarde à écrire")
    .option("--include-key", "écrire AUSSI la clé de chiffrement des NIR dans <file>.key (à garder séparément de la sauvegarde)")
    .option("--json", "résultat en JSON sur la sortie standard")
    .action(async (opts: { out: string; includeKey?: boolean; json?: boolean }) => {
      const [{ backupDatabase, BackupRefusedError }, { configFromEnv, dataDirFromEnv }, { loadSecret }, { DataDirLockedError }] =
        await Promise.all([
          import("../../db/backup.js"),
          import("../../db/connection.js"),
          import("../../security/personalData.js"),
          import("../../db/dataDirLock.js"),
        ]);
      try {
        const config = configFromEnv();
        const result = await backupDatabase({ url: config.url, pgliteDir: config.pgliteDir }, opts.out, {
          includeKey: Boolean(opts.includeKey),
          secret: () => loadSecret(dataDirFromEnv()),
        });
        if (result.keyFile) {
          process.stderr.write(
            `\n!!! ATTENTION : la clé de chiffrement des NIR et numéros PASS est écrite dans ${result.keyFile}.\n` +
              `!!! Quiconque détient ce fichier ET la sauvegarde peut lire tous les NIR. Conservez-les dans deux lieux distincts.\n\n`,
          );
        }
        if (opts.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        else
          process.stdout.write(
            `Sauvegarde ${result.engine} écrite : ${result.file} (${result.bytes} octets)${result.keyFile ? "" : ", sans la clé de chiffrement (PASSERELLE_SECRET_KEY ou secret.key : à sauvegarder à part)"}.\n`,
          );
      } catch (error) {
        fail(error, (e) => e instanceof BackupRefusedError || e instanceof DataDirLockedError);
      }
    });

  program
    .command("restore <file>")
    .description(
      "Restaurer une sauvegarde dans une base vide (dossier embarqué neuf ou base PostgreSQL sans table), puis appliquer les migrations",
    )
    .option("--force", "remplacer une base existante (PGlite : l'ancien dossier est gardé à côté ; PostgreSQL : ses objets sont supprimés)")
    .option("--json", "résultat en JSON sur la sortie standard")
    .action(async (file: string, opts: { force?: boolean; json?: boolean }) => {
      const [{ restoreDatabase, keyFileBeside, BackupRefusedError }, { configFromEnv, dataDirFromEnv }, { DataDirLockedError }, fs, path] =
        await Promise.all([
          import("../../db/backup.js"),
          import("../../db/connection.js"),
          import("../../db/dataDirLock.js"),
          import("node:fs"),
          import("node:path"),
        ]);
      try {
        const config = configFromEnv();
        const result = await restoreDatabase({ url: config.url, pgliteDir: config.pgliteDir }, file, { force: Boolean(opts.force) });
        const keyFile = keyFileBeside(file);
        let keyNote =
          "La clé de chiffrement n'est pas dans la sauvegarde : donnez au serveur la même PASSERELLE_SECRET_KEY (ou le même secret.key) qu'à l'origine.";
        if (keyFile && !config.url) {
          const target = path.join(dataDirFromEnv(), "secret.key");
          if (!fs.existsSync(target)) {
            fs.copyFileSync(keyFile, target);
            fs.chmodSync(target, 0o600);
            keyNote = `Clé de chiffrement installée depuis ${keyFile} dans ${target}.`;
          } else keyNote = `${target} existe déjà : la clé ${keyFile} n'a pas été copiée (vérifiez qu'elles sont identiques).`;
        } else if (keyFile)
          keyNote = `Une clé accompagne la sauvegarde (${keyFile}) : donnez son contenu à PASSERELLE_SECRET_KEY sur chaque serveur.`;
        if (opts.json) process.stdout.write(`${JSON.stringify({ ...result, keyNote }, null, 2)}\n`);
        else {
          const total = Object.values(result.rows).reduce((a, b) => a + b, 0);
          process.stdout.write(
            `Sauvegarde restaurée (${result.engine}) : ${Object.keys(result.rows).length} tables, ${total} lignes` +
              `${result.migrationsApplied.length ? `, migrations appliquées : ${result.migrationsApplied.join(", ")}` : ""}` +
              `${result.keptAside ? `. Ancienne base gardée dans ${result.keptAside}` : ""}.\n${keyNote}\n`,
          );
        }
      } catch (error) {
        fail(error, (e) => e instanceof BackupRefusedError || e instanceof DataDirLockedError);
      }
    });
}
