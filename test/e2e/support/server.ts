// The application for browser tests: in-process Fastify on a random port over a fresh in-memory
// PGlite database (migrate + reference data + demo). The demo database is built once and cloned for
// each test file from a data-dir dump (same idea as test/support/db-global-setup.ts), cached in the
// temporary folder until the code that shapes it changes.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type DatabaseHandle, openDatabase } from "../../../src/db/connection.js";
import { migrate } from "../../../src/db/migrate.js";
import { seedReference } from "../../../src/db/seedReference.js";
import { testCipher } from "../../../src/security/personalData.js";
import { buildApp, WEB_DIST } from "../../../src/server/app.js";
import type { App, AppContext, ServerClock } from "../../../src/server/context.js";
import { instanceClock } from "../../../src/server/instanceClock.js";

export interface RunningApp {
  baseUrl: string;
  app: App;
  handle: DatabaseHandle;
  close(): Promise<void>;
}

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Builds the web app with Vite when dist/web is missing (CI runs `npm run build` first). */
export async function ensureWebBuilt(): Promise<void> {
  if (existsSync(path.join(WEB_DIST, "index.html")) && !process.env.PASSERELLE_E2E_REBUILD) return;
  const { build } = await import("vite");
  await build({ configFile: path.join(ROOT, "src/web/vite.config.ts"), logLevel: "warn" });
}

async function loadDemoInto(handle: DatabaseHandle, ctx: Pick<AppContext, "pii">): Promise<void> {
  const modulePath = path.join(ROOT, "src/demo/loadDemo.ts");
  if (!existsSync(modulePath)) throw new Error("src/demo/loadDemo.ts is missing: the browser journeys need the demo data");
  const mod = (await import(modulePath)) as {
    loadDemo: (h: DatabaseHandle, o: { pii: AppContext["pii"] }) => Promise<unknown>;
  };
  await mod.loadDemo(handle, { pii: ctx.pii });
}

/**
 * Dump of the demo database, cached between runs: its name is a hash of everything that shapes it
 * (migrations, reference data, demo loader, write operations), so that any change rebuilds it.
 */
function dumpPath(demo: boolean): string {
  const dir = path.join(tmpdir(), "passerelle-e2e");
  mkdirSync(dir, { recursive: true });
  const hash = createHash("sha256");
  const feed = (folder: string) => {
    if (!existsSync(folder)) return;
    for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const file = path.join(entry.parentPath, entry.name);
      if (/\.(test|db\.test)\.ts$/.test(file)) continue;
      hash.update(path.relative(ROOT, file));
      hash.update(readFileSync(file));
    }
  };
  for (const folder of ["src/db", "data/reference", ...(demo ? ["src/demo", "src/operations", "src/domain"] : [])]) {
    feed(path.join(ROOT, folder));
  }
  return path.join(dir, `${demo ? "demo" : "empty"}-${hash.digest("hex").slice(0, 16)}.tar`);
}

async function demoDatabase(pii: AppContext["pii"], demo: boolean): Promise<DatabaseHandle> {
  const file = dumpPath(demo);
  if (existsSync(file)) {
    return openDatabase({ pgliteDir: "memory://", loadDataDir: new Blob([readFileSync(file)]) });
  }
  const handle = await openDatabase({ pgliteDir: "memory://" });
  await migrate(handle);
  await seedReference(handle);
  if (demo) await loadDemoInto(handle, { pii });
  const pglite = handle.pglite;
  if (pglite) {
    const dump = await pglite.dumpDataDir("none");
    // Written under a temporary name then renamed: a concurrent or interrupted run never reads half a file.
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, file);
  }
  return handle;
}

/** `clock`: the real clock the instance would use (a test's injected one); a demo database overrides its today. */
export async function startApp(options: { demo?: boolean; clock?: ServerClock } = {}): Promise<RunningApp> {
  await ensureWebBuilt();
  const pii = testCipher();
  const handle = await demoDatabase(pii, options.demo ?? true);
  const ctx: AppContext = {
    handle,
    pii,
    // As main.ts: the demo's as-of date on the demo database, the (injected) real date otherwise.
    clock: await instanceClock(handle.db, options.clock),
    config: {
      publicUrl: "http://127.0.0.1",
      dataDir: path.join(tmpdir(), "passerelle-e2e"),
      bodyLimit: 1024 * 1024,
      uploadLimit: 64 * 1024 * 1024,
    },
  };
  const app = await buildApp(ctx);
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    app,
    handle,
    close: async () => {
      await app.close();
      await handle.close();
    },
  };
}
