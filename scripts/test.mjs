#!/usr/bin/env node
// `npm test`: lint (Biome), type check (tsc --noEmit), then the Vitest projects:
//   unit     pure logic
//   db       database tests — PGlite by default, PostgreSQL when TEST_DATABASE_URL is set
//   browser  end-to-end in Debian's Chromium (playwright-core); skipped with a notice when Chromium
//            is absent, unless REQUIRE_BROWSER=1 (CI) which makes its absence a failure.
// Options: --db-only (only the db project; used by .ci/run for the PostgreSQL pass), --no-lint.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const args = new Set(process.argv.slice(2));
const dbOnly = args.has("--db-only");
const chromium = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const bin = (name) => path.join("node_modules", ".bin", name);
const totals = { passed: 0, failed: 0, skipped: 0 };
let failed = false;

function run(title, cmd, cmdArgs, env = {}) {
  process.stderr.write(`\n▶ ${title}\n`);
  const r = spawnSync(cmd, cmdArgs, { stdio: "inherit", env: { ...process.env, ...env } });
  if (r.status !== 0) {
    process.stderr.write(`✗ ${title} a échoué (code ${r.status ?? r.signal})\n`);
    failed = true;
  }
  return r.status === 0;
}

function vitest(title, projects, env = {}) {
  const out = path.join(mkdtempSync(path.join(tmpdir(), "passerelle-vitest-")), "report.json");
  const projectArgs = projects.flatMap((p) => ["--project", p]);
  run(
    title,
    bin("vitest"),
    ["run", ...projectArgs, "--passWithNoTests", "--reporter=default", "--reporter=json", `--outputFile.json=${out}`],
    env,
  );
  if (existsSync(out)) {
    const report = JSON.parse(readFileSync(out, "utf8"));
    totals.passed += report.numPassedTests ?? 0;
    totals.failed += report.numFailedTests ?? 0;
    totals.skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  }
}

if (!dbOnly && !args.has("--no-lint")) {
  run("Lint (Biome)", bin("biome"), ["check", "."]);
  run("Types (tsc --noEmit)", bin("tsc"), ["--noEmit", "-p", "."]);
}

const engine = process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite";
if (dbOnly) {
  vitest(`Tests base de données (${engine})`, ["db"]);
} else {
  vitest(`Tests unitaires et base de données (${engine})`, ["unit", "db"]);
  if (existsSync(chromium)) {
    vitest("Tests navigateur (Chromium)", ["browser"], { CHROMIUM_PATH: chromium });
  } else if (process.env.REQUIRE_BROWSER === "1") {
    process.stderr.write(`\n✗ REQUIRE_BROWSER=1 mais Chromium est absent (${chromium}) : installez-le (apt-get install -y chromium).\n`);
    failed = true;
  } else {
    process.stderr.write(
      `\n⚠ AVIS : tests navigateur IGNORÉS — Chromium introuvable (${chromium}). ` +
        `Installez-le (apt-get install -y chromium) ou définissez CHROMIUM_PATH pour les exécuter.\n`,
    );
  }
}

console.log(`\nRésumé: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failed || totals.failed > 0 ? 1 : 0);
