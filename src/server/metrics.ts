// GET /metrics in Prometheus' text format (prom-client), one registry per application: request
// duration per route (histogram), database pool, job queue depth, imported rows (rate() gives rows/s),
// jobs run, response-cache lookups, and Node's own (event loop, memory, GC). When
// PASSERELLE_METRICS_TOKEN is set, the scraper must send it as `Authorization: Bearer …`; the figures
// carry no personal data, but docs/deploy.md advises not to publish the path through the reverse proxy.
import { timingSafeEqual } from "node:crypto";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Job } from "../jobs/queue.js";
import { countJobs } from "../jobs/queue.js";
import { cacheLookups } from "./cache/responseCache.js";
import type { App, AppContext } from "./context.js";

export interface AppMetrics {
  registry: Registry;
  rowsImported(n: number): void;
  jobFinished(job: Job, status: "succeeded" | "failed", ms: number): void;
}

export function createMetrics(ctx: AppContext): AppMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "passerelle_node_" });
  const handle = ctx.handle;
  new Gauge({
    name: "passerelle_db_pool_connections",
    help: "Connexions du pool de la base : ouvertes (total), libres (idle), requêtes en attente d'une connexion (waiting)",
    labelNames: ["state"],
    registers: [registry],
    collect() {
      const s = handle.poolStats();
      this.set({ state: "total" }, s.total);
      this.set({ state: "idle" }, s.idle);
      this.set({ state: "waiting" }, s.waiting);
    },
  });
  new Gauge({
    name: "passerelle_jobs",
    help: "Tâches de la file par état (queued : profondeur de la file)",
    labelNames: ["status"],
    registers: [registry],
    async collect() {
      const counts = await countJobs(handle.db);
      for (const [status, n] of Object.entries(counts)) this.set({ status }, n);
    },
  });
  new Gauge({
    name: "passerelle_cache_lookups",
    help: "Consultations des caches de réponses du processus depuis son démarrage (hit / miss)",
    labelNames: ["result"],
    registers: [registry],
    collect() {
      this.set({ result: "hit" }, cacheLookups.hits);
      this.set({ result: "miss" }, cacheLookups.misses);
    },
  });
  const rows = new Counter({
    name: "passerelle_import_rows_total",
    help: "Lignes lues par les imports exécutés par cette instance (rate() : lignes/s)",
    registers: [registry],
  });
  const jobs = new Histogram({
    name: "passerelle_job_duration_seconds",
    help: "Durée des tâches exécutées par cette instance",
    labelNames: ["kind", "status"],
    buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
    registers: [registry],
  });
  return {
    registry,
    rowsImported: (n) => rows.inc(n),
    jobFinished: (job, status, ms) => jobs.observe({ kind: job.kind, status }, ms / 1000),
  };
}

/** The request-duration histogram (route = the route's pattern, never the raw URL) and GET /metrics. */
export function installMetrics(app: App, metrics: AppMetrics, token: string | undefined): void {
  const duration = new Histogram({
    name: "passerelle_http_request_duration_seconds",
    help: "Durée des requêtes HTTP par route (motif de la route), méthode et code de réponse",
    labelNames: ["method", "route", "status_code"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [metrics.registry],
  });
  app.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url ?? "(inconnue)";
    if (route === "/metrics") return;
    duration.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  const expected = token ? Buffer.from(`Bearer ${token}`) : null;
  app.get("/metrics", { schema: { hide: true }, config: { policy: "public" } }, async (request, reply) => {
    if (expected) {
      const given = Buffer.from(request.headers.authorization ?? "");
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return reply.code(401).header("www-authenticate", "Bearer").type("text/plain; charset=utf-8").send("jeton de métriques requis\n");
      }
    }
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
