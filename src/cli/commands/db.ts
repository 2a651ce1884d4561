// `passerelle db roles --app-role <name> [--owner-role <name>] [--schema public] [--create] [--print-sql]`:
// the PostgreSQL role of the app servers (src/db/roles.ts). Run as the owner of the tables (the role that
// ran `passerelle migrate`), or print the SQL for a DBA.
import type { Command } from "commander";
import { sql } from "kysely";
import { appRoleSql } from "../../db/roles.js";
import { InvalidInputError, withDatabase } from "../context.js";
import { reportCliError } from "../io.js";

export function register(program: Command): void {
  const db = program.commands.find((c) => c.name() === "db") ?? program.command("db").description("Administration de la base PostgreSQL");
  db.command("roles")
    .description("Crée les droits du rôle des serveurs d'application : tout lire et écrire, sauf le journal d'audit (ajout seul)")
    .requiredOption("--app-role <name>", "rôle PostgreSQL des serveurs d'application (DATABASE_URL de npm start)")
    .option("--owner-role <name>", "rôle propriétaire des tables, qui applique les migrations (par défaut : le rôle qui exécute)")
    .option("--schema <name>", "schéma des tables", "public")
    .option("--create", "crée aussi le rôle (LOGIN ; son mot de passe se fixe à part : ALTER ROLE … PASSWORD)")
    .option("--print-sql", "affiche le SQL au lieu de l'exécuter")
    .action(async (opts: { appRole: string; ownerRole?: string; schema: string; create?: boolean; printSql?: boolean }) => {
      let statements: string[];
      try {
        statements = appRoleSql({
          appRole: opts.appRole,
          ...(opts.ownerRole ? { ownerRole: opts.ownerRole } : {}),
          schema: opts.schema,
          createRole: Boolean(opts.create),
        });
      } catch (error) {
        reportCliError(error, 1);
        return;
      }
      if (opts.printSql) {
        process.stdout.write(`${statements.map((s) => `${s};`).join("\n")}\n`);
        return;
      }
      await withDatabase(async (handle) => {
        if (handle.engine !== "postgresql") {
          throw new InvalidInputError(
            "db roles : la base embarquée (PGlite) n'a qu'un utilisateur ; les rôles concernent PostgreSQL (DATABASE_URL).",
          );
        }
        await handle.withTransaction(async ({ db: tx }) => {
          for (const statement of statements) await sql.raw(statement).execute(tx);
        });
        process.stdout.write(`Rôle ${opts.appRole} : droits appliqués (${statements.length} instructions).\n`);
      });
    });
}
