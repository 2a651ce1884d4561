#!/usr/bin/env node
// `npm start`: compile the server when dist/ is missing or stale (a fresh clone: `npm install && npm start`),
// then run the compiled server in this very process (the embedded database's lock records this pid).
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ensureServerBuilt, ROOT } from "./buildFreshness.mjs";

try {
  await ensureServerBuilt();
} catch (error) {
  process.stderr.write(`Passerelle ne démarre pas : ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}
await import(pathToFileURL(path.join(ROOT, "dist", "main.js")).href);
