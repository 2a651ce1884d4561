// Shared helpers for CLI commands: open the configured database (DATABASE_URL or the embedded one
// in PASSERELLE_DATA_DIR), migrated and with the reference data loaded; print results.
// The database layer (pg, Kysely, PGlite) is imported when a command opens the database, not at load:
// `passerelle --help` and the commands without a database stay light.
import type { Principal } from "../server/auth/principal.js";
import type { DatabaseHandle } from "../db/connection.js";
import { dataDirFromEnv } from "../db/dataDir.js";
import { cliIo, reportCliError } from "./io.js";
import { configuredPersonalDataCipher } from "../security/keyBinding.js";
import type { PersonalDataCipher } from "../security/personalData.js";

/** Error whose exit code is 1 (invalid input, nothing written). */
export class InvalidInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidInputError";
  }
}

export async function openConfiguredDatabase(): Promise<DatabaseHandle> {
  const [{ configFromEnv, openDatabase }, { migrate }, { seedReference }] = await Promise.all([
    import("../db/connection.js"),
    import("../db/migrate.js"),
    import("../db/seedReference.js"),
  ]);
  const handle = await openDatabase(configFromEnv());
  try {
    await migrate(handle);
    await seedReference(handle);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return handle;
}

/**
 * Run fn with the configured database, closing it afterwards; maps errors to exit codes 1/2. A command run
 * by the server on a CLI's behalf (src/cli/remote.ts) uses the server's open database instead.
 */
export async function withDatabase<T>(fn: (handle: DatabaseHandle) => Promise<T>): Promise<T | undefined> {
  const io = cliIo();
  if (io.handle) {
    try {
      return await fn(io.handle);
    } catch (error) {
      reportCliError(error, error instanceof InvalidInputError ? 1 : 2);
      return undefined;
    }
  }
  let handle: DatabaseHandle | undefined;
  try {
    handle = await openConfiguredDatabase();
    const result = await fn(handle);
    // What the command wrote to the audit trail is linked into the chain now, not at the next server start.
    await (await import("../db/auditChainer.js")).chainPendingAudit(handle.db);
    return result;
  } catch (error) {
    reportCliError(error, error instanceof InvalidInputError ? 1 : 2);
    return undefined;
  } finally {
    await handle?.close();
  }
}

export function printJson(value: unknown): void {
  cliIo().out(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * The personal-data cipher configured like the server's (same key: PASSERELLE_SECRET_KEY or key file),
 * checked against the database it will read or write (src/security/keyBinding.ts).
 */
export function configuredCipher(handle: DatabaseHandle): Promise<PersonalDataCipher> {
  return configuredPersonalDataCipher(handle.db, dataDirFromEnv());
}

/**
 * Who the read models see when the CLI reads: the operator runs it on the server with the database's own
 * credentials, so it reads as a platform admin does (every structure).
 */
export const CLI_PRINCIPAL: Principal = {
  userId: 0,
  email: "cli@passerelle.invalid",
  displayName: "Ligne de commande",
  role: "admin",
  regionCode: null,
  departementCode: null,
  structureIds: [],
  adminStructureIds: [],
};
