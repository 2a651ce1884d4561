// Where the embedded data lives (PASSERELLE_DATA_DIR, default ./data): a module without the database
// layer, for the callers that only need the folder (the key file, the CLI's cipher).
import path from "node:path";

export function dataDirFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.PASSERELLE_DATA_DIR || "./data");
}

/**
 * The Unix socket on which a server holding the embedded database runs read-only CLI commands for CLI
 * processes (src/cli/remote.ts): inside the data folder, so that reaching it takes the same filesystem
 * access as opening the database directly.
 */
export function cliSocketPath(dataDir: string): string {
  return path.join(dataDir, "passerelle-cli.sock");
}
