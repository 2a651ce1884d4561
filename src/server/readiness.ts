// Liveness and readiness. /api/health (design §5) stays the liveness answer: the process serves and
// the database answers. GET /api/ready tells a load balancer whether to send traffic here: 503 while the
// instance is stopping (graceful shutdown drains it), while another process holds the migrations or
// restore lock (PostgreSQL), or while the database's schema is behind this code's migrations; 200 with
// the queue's depth otherwise. While `npm start` is still starting, src/demo/startingPage.ts answers 503.
import { ready } from "../contracts/operations.js";
import { heldMaintenanceLocks } from "../db/maintenanceLock.js";
import { listMigrations, schemaVersion } from "../db/migrate.js";
import { countJobs } from "../jobs/queue.js";
import type { App, AppContext } from "./context.js";
import { route } from "./route.js";

declare module "fastify" {
  interface FastifyInstance {
    /** Set when the instance starts stopping: /api/ready answers 503 from then on. */
    readiness: { draining: boolean };
  }
}

export function installReadiness(app: App, ctx: AppContext): void {
  app.decorate("readiness", { draining: false });
  const latest = listMigrations().at(-1)?.version ?? "0000";
  route(app, ready, { policy: "public" }, async ({ reply }) => {
    const notReady = (status: "stopping" | "restoring" | "migrating", detail: string) =>
      reply.code(503).header("retry-after", "5").send({ status, detail });
    if (app.readiness.draining) return notReady("stopping", "Instance en cours d'arrêt : les requêtes en cours se terminent.");
    const locks = await heldMaintenanceLocks(ctx.handle);
    if (locks.includes("restore")) return notReady("restoring", "Restauration d'une sauvegarde en cours.");
    if (locks.includes("migrations")) return notReady("migrating", "Migrations du schéma en cours.");
    const version = await schemaVersion(ctx.handle);
    if (version < latest)
      return notReady("migrating", `Schéma de la base en version ${version}, ${latest} attendue : migrations à appliquer.`);
    const jobs = await countJobs(ctx.handle.db);
    return {
      status: "ready" as const,
      engine: ctx.handle.engine,
      schemaVersion: version,
      jobs: { queued: jobs.queued, running: jobs.running },
    };
  });
}
