// Where the embedded data lives (PASSERELLE_DATA_DIR, default ./data): a module without the database
// layer, for the callers that only need the folder (the key file, the CLI's cipher).
import path from "node:path";

export function dataDirFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.PASSERELLE_DATA_DIR || "./data");
}
