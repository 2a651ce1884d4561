// Kysely types of the tables added by migration 0201 (src/db/schema.ts is shared; these extend it locally).
import type { ColumnType, Generated, Kysely } from "kysely";
import type { Database } from "../../db/schema.js";

export interface OidcLoginTable {
  state_hash: string;
  nonce: string;
  code_verifier: string;
  return_to: string | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  expires_at: ColumnType<Date, Date | string, Date | string>;
}

export interface LoginAttemptTable {
  id: Generated<number>;
  ip: string;
  email: string;
  succeeded: boolean;
  at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface SecurityDatabase extends Database {
  oidc_login: OidcLoginTable;
  login_attempt: LoginAttemptTable;
}

export function securityDb(db: Kysely<Database>): Kysely<SecurityDatabase> {
  return db.withTables<{ oidc_login: OidcLoginTable; login_attempt: LoginAttemptTable }>();
}
