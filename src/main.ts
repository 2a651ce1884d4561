// `npm start`: open the database (embedded PGlite in PASSERELLE_DATA_DIR, or PostgreSQL with
// DATABASE_URL), apply migrations, load reference data, serve the API and the web app on PORT.
import { configFromEnv, dataDirFromEnv, openDatabase } from "./db/connection.js";
import { DataDirLockedError } from "./db/dataDirLock.js";
import { migrate } from "./db/migrate.js";
import { seedReference } from "./db/seedReference.js";
import { buildApp } from "./server/app.js";
import { ensureWebBuilt } from "./server/webBuild.js";
import { loadDemoIfEmpty } from "./demo/loadDemo.js";
import { printDemoAccounts } from "./cli/commands/demo.js";
import { type AppConfig, systemClock } from "./server/context.js";
import { createPersonalDataCipher, loadSecret } from "./security/personalData.js";

export function appConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AppConfig & { port: number; host: string } {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT invalide : ${env.PORT}`);
  const host = env.HOST ?? "127.0.0.1";
  return {
    port,
    host,
    publicUrl: env.PASSERELLE_PUBLIC_URL ?? `http://localhost:${port}`,
    dataDir: dataDirFromEnv(env),
    bodyLimit: Number(env.PASSERELLE_BODY_LIMIT ?? 1024 * 1024),
    uploadLimit: Number(env.PASSERELLE_UPLOAD_LIMIT ?? 512 * 1024 * 1024),
  };
}

async function main(): Promise<void> {
  const config = appConfigFromEnv();
  const log = (message: string) => process.stderr.write(`${message}\n`);
  let pii: ReturnType<typeof createPersonalDataCipher>;
  try {
    pii = createPersonalDataCipher(loadSecret(config.dataDir));
  } catch (error) {
    log(`Passerelle ne démarre pas : ${(error as Error).message}`);
    process.exit(1);
  }
  let handle: Awaited<ReturnType<typeof openDatabase>>;
  try {
    handle = await openDatabase(configFromEnv());
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      log(`Passerelle ne démarre pas : ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  log(`Base de données : ${handle.engine}${handle.dataDir ? ` (${handle.dataDir})` : ""}`);
  const migration = await migrate(handle);
  if (migration.applied.length > 0) log(`Migrations appliquées : ${migration.applied.join(", ")}`);
  const seed = await seedReference(handle);
  if (seed.loaded) log("Données de référence chargées.");

  // First start on an empty database: load the demo département (issue 6). PASSERELLE_NO_DEMO=1 skips it.
  if (process.env.PASSERELLE_NO_DEMO !== "1") {
    const demo = await loadDemoIfEmpty(handle, { pii, log });
    if (demo) printDemoAccounts(demo, (s) => process.stderr.write(s));
  }
  if (process.env.PASSERELLE_SKIP_WEB_BUILD !== "1") await ensureWebBuilt(log);
  const app = await buildApp(
    { handle, clock: systemClock, config, pii },
    { logger: { level: process.env.LOG_LEVEL ?? "warn" } },
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal} reçu : arrêt propre…`);
    try {
      await app.close();
      await handle.close();
      process.exit(0);
    } catch (error) {
      log(`Arrêt en erreur : ${(error as Error).message}`);
      process.exit(2);
    }
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  log(`Passerelle est prête : http://localhost:${port}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`Erreur au démarrage : ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(2);
});
