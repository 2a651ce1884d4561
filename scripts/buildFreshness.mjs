// Is dist/ (the compiled server and CLI) at least as new as every source it is compiled from?
// Compared by modification time: a checkout, a pull or an edit makes a source newer than the stamp that
// `npm run build` writes last. A production install has no TypeScript compiler: there, a stale dist/ is
// used as it is, with a warning (see ensureServerBuilt).
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const STAMP = path.join(ROOT, "dist", ".build-stamp");

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "web") newest = Math.max(newest, newestSource(p));
    } else if (/\.(ts|sql)$/.test(entry.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

export function serverBuildIsFresh() {
  if (!existsSync(STAMP)) return false;
  if (!existsSync(path.join(ROOT, "src"))) return true;
  const stamp = statSync(STAMP).mtimeMs;
  return newestSource(path.join(ROOT, "src")) <= stamp && statSync(path.join(ROOT, "tsconfig.build.json")).mtimeMs <= stamp;
}

/** Compile when dist/ is missing or older than a source and the compiler is installed; never fails a start on a stale but present dist/. */
export async function ensureServerBuilt(log = (m) => process.stderr.write(`${m}\n`)) {
  if (serverBuildIsFresh()) return;
  const compiler = existsSync(path.join(ROOT, "node_modules", "typescript", "bin", "tsc"));
  if (!compiler) {
    if (existsSync(STAMP)) {
      log(
        "Avertissement : dist/ est plus ancien que les sources et TypeScript n'est pas installé (npm ci --omit=dev) : exécution de dist/ tel quel ; lancez « npm run build » après une mise à jour.",
      );
      return;
    }
    throw new Error(
      "dist/ est absent et TypeScript n'est pas installé : lancez « npm run build » (avec les dépendances de développement) avant « npm ci --omit=dev ».",
    );
  }
  const { buildServer } = await import("./build.mjs");
  buildServer(log);
}
