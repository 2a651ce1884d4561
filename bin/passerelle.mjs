#!/usr/bin/env node
// Package bin (`npx passerelle …`, `npm run cli -- …`): the compiled CLI in dist/, run in this process.
// dist/ is compiled first when it is missing or older than the sources (see scripts/buildFreshness.mjs).
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { ensureServerBuilt } = await import(pathToFileURL(path.join(root, "scripts", "buildFreshness.mjs")).href);
try {
  await ensureServerBuilt();
} catch (error) {
  process.stderr.write(`Erreur : ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}
const { runCli } = await import(pathToFileURL(path.join(root, "dist", "cli", "index.js")).href);
await runCli(process.argv);
