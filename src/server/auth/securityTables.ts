// Kysely types of the security tables added by migrations 0201 and 0470 (src/db/schema.ts is shared;
// these extend it locally).
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
  /** The client's network (clientAddress.ts clientNetwork). */
  ip: string;
  email: string;
  succeeded: boolean;
  /** Turned away by a throttle before the password was checked. */
  refused: ColumnType<boolean, boolean | undefined, boolean>;
  at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface UserTotpTable {
  user_id: number;
  secret_encrypted: string;
  enabled_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  last_step: ColumnType<number | string | null, number | null | undefined, number | null>;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface UserRecoveryCodeTable {
  id: Generated<number>;
  user_id: number;
  code_hash: string;
  used_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** The column of app_user added by 0470. */
export interface AppUserSecurityColumns {
  oidc_link_allowed: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface SecurityTables {
  oidc_login: OidcLoginTable;
  login_attempt: LoginAttemptTable;
  user_totp: UserTotpTable;
  user_recovery_code: UserRecoveryCodeTable;
  app_user: Database["app_user"] & AppUserSecurityColumns;
}

export type SecurityDatabase = Omit<Database, keyof SecurityTables> & SecurityTables;

export function securityDb(db: Kysely<Database>): Kysely<SecurityDatabase> {
  return db as unknown as Kysely<SecurityDatabase>;
}
