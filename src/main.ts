// `npm start`: open the database (embedded PGlite in PASSERELLE_DATA_DIR, or PostgreSQL with
// DATABASE_URL), apply migrations, load reference data (and the demo on an empty database), serve the
// API and the web app on PORT. The port answers from the start with a progress page (see startingPage.ts).
// Only what the port needs is imported statically: the rest (PGlite, Fastify, the routes, the demo) is
// imported once the port is open, so that the first answer comes within a second or two of `npm start`.
import { createServer, type Server } from "node:http";
import type { DatabaseHandle } from "./db/connection.js";
import type { DemoSummary } from "./demo/loadDemo.js";
import { respondWhileStarting, type StartupState } from "./demo/startingPage.js";
import type { App, AppConfig } from "./server/context.js";

function listenAddressFromEnv(env: NodeJS.ProcessEnv): { port: number; host: string } {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT invalide : ${env.PORT}`);
  return { port, host: env.HOST ?? "127.0.0.1" };
}

export async function appConfigFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<AppConfig & { port: number; host: string }> {
  const { port, host } = listenAddressFromEnv(env);
  const { dataDirFromEnv } = await import("./db/connection.js");
  const { parseTrustedProxies } = await import("./server/auth/clientAddress.js");
  return {
    port,
    host,
    trustedProxies: parseTrustedProxies(env.PASSERELLE_TRUSTED_PROXIES),
    publicUrl: env.PASSERELLE_PUBLIC_URL ?? `http://localhost:${port}`,
    dataDir: dataDirFromEnv(env),
    bodyLimit: Number(env.PASSERELLE_BODY_LIMIT ?? 1024 * 1024),
    uploadLimit: Number(env.PASSERELLE_UPLOAD_LIMIT ?? 512 * 1024 * 1024),
  };
}

/** Opens the port (French message when it is taken). */
function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE")
        reject(
          new StartupRefusedError(
            `le port ${port} est déjà utilisé (une autre instance de Passerelle ?) ; choisissez-en un autre avec PORT=…`,
          ),
        );
      else reject(error);
    });
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : port);
    });
  });
}

class StartupRefusedError extends Error {}

async function main(): Promise<void> {
  const log = (message: string) => process.stderr.write(`${message}\n`);
  const address = listenAddressFromEnv(process.env);

  // The port opens first: until the application is ready, a progress page, /api/health = 503 "starting"
  // and 503 on the API (src/demo/startingPage.ts); then every request goes to the Fastify application.
  const startup: StartupState = { percent: 0, step: "Ouverture de la base de données…", loadingDemo: false };
  let app: App | null = null;
  // A request (an upload included) must complete within PASSERELLE_REQUEST_TIMEOUT seconds (default 15 min:
  // the 512 MiB upload limit at about 1 MB/s), so that a client trickling bytes cannot hold a socket forever.
  const requestTimeoutS = Number(process.env.PASSERELLE_REQUEST_TIMEOUT ?? 900);
  if (!Number.isFinite(requestTimeoutS) || requestTimeoutS <= 0)
    throw new Error(`PASSERELLE_REQUEST_TIMEOUT invalide : ${process.env.PASSERELLE_REQUEST_TIMEOUT}`);
  const server = createServer({ requestTimeout: requestTimeoutS * 1000, headersTimeout: 60_000, keepAliveTimeout: 72_000 }, (req, res) => {
    if (app) app.routing(req, res);
    else respondWhileStarting(req, res, startup);
  });
  let port: number;
  try {
    port = await listen(server, address.port, address.host);
  } catch (error) {
    if (!(error instanceof StartupRefusedError)) throw error;
    log(`Passerelle ne démarre pas : ${error.message}`);
    process.exit(1);
  }
  const url = `http://localhost:${port}`;
  log(`Passerelle démarre : ${url} affiche l'avancement.`);

  const [
    { configFromEnv, openDatabase },
    { DataDirLockedError },
    { migrate },
    { seedReference },
    { createPersonalDataCipher, loadSecret, SecretKeyError },
  ] = await Promise.all([
    import("./db/connection.js"),
    import("./db/dataDirLock.js"),
    import("./db/migrate.js"),
    import("./db/seedReference.js"),
    import("./security/personalData.js"),
  ]);
  const config = await appConfigFromEnv();
  let pii: ReturnType<typeof createPersonalDataCipher>;
  try {
    pii = createPersonalDataCipher(loadSecret(config.dataDir));
  } catch (error) {
    log(`Passerelle ne démarre pas : ${(error as Error).message}`);
    process.exit(1);
  }

  let handle: DatabaseHandle | null = null;
  let cliSocket: { close(): Promise<void> } | null = null;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    if (!app) {
      // Mid-startup: nothing is committed half-way (migrations and the demo are transactions) — the next
      // start resumes. The data folder lock is released on exit.
      log(`${signal} reçu pendant le démarrage : arrêt.`);
      server.close();
      process.exit(1);
    }
    log(`${signal} reçu : arrêt propre…`);
    try {
      // Graceful shutdown: /api/ready answers 503 (the load balancer stops sending), the port stops
      // accepting connections and the requests in flight finish; then the jobs running here get
      // PASSERELLE_SHUTDOWN_GRACE seconds and the unfinished ones go back to the queue (src/jobs/plugin.ts).
      app.readiness.draining = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await cliSocket?.close();
      await app.close();
      // A job handed back may still hold a connection in its transaction: exiting rolls it back.
      await Promise.race([handle?.close(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
      process.exit(0);
    } catch (error) {
      log(`Arrêt en erreur : ${(error as Error).message}`);
      process.exit(2);
    }
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));

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
  startup.step = "Mise à jour du schéma de la base…";
  const migration = await migrate(handle);
  if (migration.applied.length > 0) log(`Migrations appliquées : ${migration.applied.join(", ")}`);
  startup.step = "Données de référence…";
  const seed = await seedReference(handle);
  if (seed.loaded) log("Données de référence chargées.");
  startup.step = "Clé des données personnelles…";
  try {
    // The key must be the one this database is encrypted with (src/security/keyBinding.ts).
    const { configuredPersonalDataCipher } = await import("./security/keyBinding.js");
    pii = await configuredPersonalDataCipher(handle.db, config.dataDir);
  } catch (error) {
    if (!(error instanceof SecretKeyError)) throw error;
    log(`Passerelle ne démarre pas : ${error.message}`);
    process.exit(1);
  }

  // First start on an empty database: load the demo département. PASSERELLE_NO_DEMO=1 skips it.
  let demo: DemoSummary | null = null;
  // Never on a public instance (https or NODE_ENV=production): its accounts share a published password.
  if (process.env.PASSERELLE_NO_DEMO !== "1") {
    const { loadDemoOnFirstStart } = await import("./demo/demoGate.js");
    demo = await loadDemoOnFirstStart(handle, {
      pii,
      log,
      onStart: () => {
        startup.loadingDemo = true;
        log(`Premier démarrage : chargement de la démo (Pas-de-Calais 2017–2019) ; ${url} affiche l'avancement.`);
      },
      progress: (percent, step) => {
        startup.percent = percent;
        startup.step = step;
      },
    });
  }
  startup.loadingDemo = false;
  if (process.env.PASSERELLE_SKIP_WEB_BUILD !== "1") {
    startup.step = "Construction de l'application web (première exécution)…";
    const { ensureWebBuilt } = await import("./server/webBuild.js");
    await ensureWebBuilt(log);
  }
  startup.step = "Démarrage du serveur…";
  const [{ buildApp }, { instanceClock }, { printDemoAccounts }] = await Promise.all([
    import("./server/app.js"),
    import("./server/instanceClock.js"),
    import("./cli/commands/demo.js"),
  ]);
  // One clock for the whole application: the demo's "as of" date on a demo database, else the real date.
  const clock = await instanceClock(handle.db);
  if (clock.demoAsOf)
    log(`Base de démonstration : données au ${clock.demoAsOf.split("-").reverse().join("/")} (date du jour de l'application).`);
  const ready = await buildApp({ handle, clock, config, pii }, { logger: { level: process.env.LOG_LEVEL ?? "warn" } });
  await ready.ready();
  app = ready;
  if (handle.engine === "pglite") {
    // Read-only CLI commands (passerelle indicators…) run here while this process holds the data folder.
    const { serveCliSocket } = await import("./cli/remote.js");
    cliSocket = await serveCliSocket(handle, config.dataDir, log).catch((error: Error) => {
      log(`Socket de la CLI non ouvert : ${error.message}`);
      return null;
    });
  }
  if (demo) printDemoAccounts(demo, (s) => process.stderr.write(s));
  log(`Passerelle est prête : ${url}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`Erreur au démarrage : ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(2);
});
