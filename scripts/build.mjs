#!/usr/bin/env node
// `npm run build`: the server and the CLI compiled into dist/ (tsc, tsconfig.build.json; the SQL migrations
// copied beside the compiled migrator), and the web app into dist/web (Vite). Production runs
// `node dist/main.js` and `node dist/cli/index.js` with only the runtime dependencies installed.
// Options: --server (skip the web app), --if-stale (do nothing when dist/ is newer than every source).
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ROOT, serverBuildIsFresh, STAMP } from "./buildFreshness.mjs";

export function buildServer(log = (m) => process.stderr.write(`${m}\n`)) {
  const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
  log("Compilation du serveur et de la CLI (dist/)…");
  // A fresh output: a module deleted or moved in src/ must not survive as a stale .js in dist/ (the app
  // loads every compiled route file). The web app (dist/web) has its own build and stays.
  if (existsSync(path.join(ROOT, "dist"))) {
    for (const entry of readdirSync(path.join(ROOT, "dist")))
      if (entry !== "web") rmSync(path.join(ROOT, "dist", entry), { recursive: true, force: true });
  }
  const r = spawnSync(process.execPath, [tsc, "-p", path.join(ROOT, "tsconfig.build.json")], { stdio: "inherit", cwd: ROOT });
  if (r.status !== 0) throw new Error(`la compilation a échoué (tsc, code ${r.status ?? r.signal})`);
  mkdirSync(path.join(ROOT, "dist", "db", "migrations"), { recursive: true });
  cpSync(path.join(ROOT, "src", "db", "migrations"), path.join(ROOT, "dist", "db", "migrations"), { recursive: true });
  // Which command module registers which command (dist/cli/commands.json): `passerelle --help` then loads none.
  const cli = new URL(`file://${path.join(ROOT, "dist", "cli", "index.js")}`).href;
  const m = spawnSync(
    process.execPath,
    ["--input-type=module", "-e", `await (await import(${JSON.stringify(cli)})).writeCommandManifest()`],
    { stdio: "inherit", cwd: ROOT },
  );
  if (m.status !== 0) throw new Error(`l'index des commandes n'a pas pu être écrit (code ${m.status ?? m.signal})`);
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
}

async function buildWeb() {
  const { build } = await import("vite");
  await build({ configFile: path.join(ROOT, "src", "web", "vite.config.ts"), logLevel: "warn" });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const args = new Set(process.argv.slice(2));
  try {
    if (!(args.has("--if-stale") && serverBuildIsFresh())) buildServer();
    if (!args.has("--server")) await buildWeb();
  } catch (error) {
    process.stderr.write(`Erreur : ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
}
