// The two PostgreSQL roles of a production database (docs/accounts.md, "Rôles PostgreSQL"):
//  - the OWNER (migrator) owns the tables, runs `passerelle migrate`, `passerelle audit verify` and the
//    key rotation; it never serves HTTP;
//  - the APP role, used by the app servers' DATABASE_URL: reads and writes the data, but on the audit
//    trail may only INSERT and SELECT (no UPDATE, DELETE, TRUNCATE; no right on the hash chain or its
//    head, which the owner's SECURITY DEFINER trigger writes). As a non-owner, non-superuser it can neither
//    disable nor drop the trail's triggers nor set session_replication_role. It may call audit_prune,
//    which never keeps less than 180 days (the nightly retention).
// `passerelle db roles --app-role <name> [--print-sql]` prints or runs these statements as the owner.

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

export function checkRoleName(name: string, option: string): string {
  if (!IDENT.test(name)) throw new Error(`${option} : nom de rôle PostgreSQL attendu (minuscules, chiffres, _), reçu « ${name} »`);
  return name;
}

export interface AppRoleOptions {
  appRole: string;
  /** Role owning the tables (and creating those of later migrations); default: the role running the statements. */
  ownerRole?: string;
  schema?: string;
  /** Also CREATE ROLE … LOGIN (its password is set apart: ALTER ROLE … PASSWORD). */
  createRole: boolean;
}

export function appRoleSql(options: AppRoleOptions): string[] {
  const app = checkRoleName(options.appRole, "--app-role");
  const schema = checkRoleName(options.schema ?? "public", "--schema");
  const forOwner = options.ownerRole ? ` FOR ROLE ${checkRoleName(options.ownerRole, "--owner-role")}` : "";
  return [
    ...(options.createRole ? [`CREATE ROLE ${app} LOGIN`] : []),
    `GRANT USAGE ON SCHEMA ${schema} TO ${app}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${app}`,
    `GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA ${schema} TO ${app}`,
    `ALTER DEFAULT PRIVILEGES${forOwner} IN SCHEMA ${schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${app}`,
    `ALTER DEFAULT PRIVILEGES${forOwner} IN SCHEMA ${schema} GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO ${app}`,
    // The audit trail: append and read only.
    `REVOKE ALL ON ${schema}.audit_event FROM ${app}`,
    `GRANT SELECT, INSERT ON ${schema}.audit_event TO ${app}`,
    `REVOKE ALL ON ${schema}.audit_chain, ${schema}.audit_chain_head, ${schema}.audit_chain_pending FROM ${app}`,
    `GRANT SELECT ON ${schema}.audit_chain, ${schema}.audit_chain_head, ${schema}.audit_chain_pending TO ${app}`,
    `GRANT EXECUTE ON FUNCTION ${schema}.audit_prune(integer) TO ${app}`,
    `GRANT EXECUTE ON FUNCTION ${schema}.audit_chain_pending(integer, boolean) TO ${app}`,
    // Migrations are the owner's.
    `REVOKE ALL ON ${schema}.schema_migration FROM ${app}`,
    `GRANT SELECT ON ${schema}.schema_migration TO ${app}`,
  ];
}
