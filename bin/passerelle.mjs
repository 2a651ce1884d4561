#!/usr/bin/env node
// Package bin: runs the TypeScript CLI through tsx (no build step needed).
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const tsx = require.resolve("tsx");
const entry = fileURLToPath(new URL("../src/cli/index.ts", import.meta.url));
const r = spawnSync(process.execPath, ["--import", tsx, entry, ...process.argv.slice(2)], { stdio: "inherit" });
process.exit(r.status ?? 2);
