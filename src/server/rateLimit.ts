// Request rate limits (@fastify/rate-limit), counted in the database so that they hold across every app
// instance on one PostgreSQL (and across restarts): one row per key and window in rate_limit_counter,
// incremented by a single upsert. Which routes are limited is decided here from the live route table, so
// that a route added later is covered by its kind:
//  - every anonymous API route (policy "public", except health and readiness probes), keyed by the
//    client's network (its address, the /64 of an IPv6 address — see clientAddress.ts): login, the SSO
//    start and callback, an invitation's read and acceptance, each with its own counter;
//  - the expensive ones, keyed by account: imports, reports, exports (a list asked as CSV or XLSX,
//    personal and audit exports, fiches salarié).
// The failed-login throttle (auth/loginThrottle.ts) is a second, finer layer on the login route.
import fastifyRateLimit, { type FastifyRateLimitStore } from "@fastify/rate-limit";
import type { FastifyRequest, RouteOptions } from "fastify";
import { type Kysely, sql } from "kysely";
import type { Database } from "../db/schema.js";
import type { PolicyName } from "./auth/principal.js";
import { clientNetwork } from "./auth/clientAddress.js";
import type { App, AppContext } from "./context.js";

export type RateLimitClass = "login" | "sso" | "invitation" | "anonymous" | "import" | "report" | "export";

export interface RateLimit {
  max: number;
  windowMs: number;
}

const MINUTE = 60_000;
/** Requests per window; per client network for the anonymous classes, per account for the others. */
export const RATE_LIMITS: Record<RateLimitClass, RateLimit> = {
  // Generous enough for an office behind one NAT at 9 a.m.; failures have their own throttle.
  login: { max: 30, windowMs: MINUTE },
  sso: { max: 30, windowMs: MINUTE },
  // Accepting an invitation hashes a password (argon2): the tightest anonymous limit.
  invitation: { max: 10, windowMs: MINUTE },
  anonymous: { max: 60, windowMs: MINUTE },
  import: { max: 10, windowMs: 10 * MINUTE },
  report: { max: 30, windowMs: MINUTE },
  export: { max: 20, windowMs: MINUTE },
};

const BY_ADDRESS = new Set<RateLimitClass>(["login", "sso", "invitation", "anonymous"]);
const PROBES = new Set(["/api/health", "/api/ready"]);
/** List formats that make a list route an export. */
const EXPORT_FORMATS = new Set(["csv", "xlsx"]);

interface RouteFacts {
  method: string;
  url: string;
  policy: PolicyName;
  /** The contract's query declares `format` (a list that can be exported). */
  hasFormat: boolean;
}

/** The rate-limit class of a route, or null when it is not limited. */
export function rateLimitClassOf(route: RouteFacts): RateLimitClass | null {
  const { method, url, policy } = route;
  if (!url.startsWith("/api/") || url.startsWith("/api/docs") || PROBES.has(url)) return null;
  if (policy === "public") {
    if (url === "/api/v1/auth/login") return "login";
    if (url.startsWith("/api/v1/auth/oidc/")) return "sso";
    if (url.startsWith("/api/v1/invitations/")) return "invitation";
    return "anonymous";
  }
  if (method === "POST" && url === "/api/v1/imports") return "import";
  if (url.startsWith("/api/v1/reports/")) return "report";
  if (/\/exports?$/.test(url)) return "export";
  if (method === "GET" && route.hasFormat) return "export";
  return null;
}

/** A list route counts as an export only when it is asked for a file. */
function isFileRequest(request: FastifyRequest): boolean {
  const format = (request.query as Record<string, unknown> | undefined)?.format;
  return typeof format === "string" && EXPORT_FORMATS.has(format);
}

/** The store of @fastify/rate-limit over the table rate_limit_counter, on the app's clock. */
function databaseStore(db: Kysely<Database>, now: () => Date) {
  return class DatabaseRateLimitStore implements FastifyRateLimitStore {
    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
      const at = now();
      const windowEnd = new Date(at.getTime() + timeWindow);
      sql<{ hits: number; window_ends_at: Date | string }>`
        INSERT INTO rate_limit_counter AS c (key, hits, window_ends_at) VALUES (${key}, 1, ${windowEnd})
        ON CONFLICT (key) DO UPDATE SET
          hits = CASE WHEN c.window_ends_at <= ${at} THEN 1 ELSE c.hits + 1 END,
          window_ends_at = CASE WHEN c.window_ends_at <= ${at} THEN excluded.window_ends_at ELSE c.window_ends_at END
        RETURNING hits, window_ends_at`
        .execute(db)
        .then(async (result) => {
          const row = result.rows[0];
          if (!row) throw new Error("rate_limit_counter: no row returned");
          // Keep the table small: windows over for an hour are useless.
          if (Math.random() < 0.01)
            await sql`DELETE FROM rate_limit_counter WHERE window_ends_at < ${new Date(at.getTime() - 3_600_000)}`.execute(db);
          callback(null, { current: Number(row.hits), ttl: Math.max(0, new Date(row.window_ends_at).getTime() - at.getTime()) });
        })
        .catch((error: Error) => callback(error));
    }
    child(): FastifyRateLimitStore {
      return this;
    }
  };
}

export class RateLimitedError extends Error {
  readonly statusCode = 429;
}

/**
 * Registers @fastify/rate-limit with the database store. Must run before the routes are registered:
 * its onRoute hook gives each route the limit of its class.
 */
export async function installRateLimits(app: App, ctx: AppContext): Promise<void> {
  const limits = { ...RATE_LIMITS, ...ctx.config.rateLimits };
  app.addHook("onRoute", (route: RouteOptions) => {
    const config = (route.config ?? {}) as NonNullable<RouteOptions["config"]> & { rateLimit?: unknown };
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const contract = config.contract as { query?: { shape?: Record<string, unknown> } } | undefined;
    const kind = rateLimitClassOf({
      method: String(methods[0]),
      url: route.url ?? "",
      policy: config.policy ?? "public",
      hasFormat: Boolean(contract?.query?.shape && "format" in contract.query.shape),
    });
    if (!kind) return;
    const limit = limits[kind];
    const byAddress = BY_ADDRESS.has(kind);
    config.rateLimit = {
      max: limit.max,
      timeWindow: limit.windowMs,
      keyGenerator: (request: FastifyRequest) =>
        byAddress || !request.principal ? `${kind}:ip:${clientNetwork(request.ip)}` : `${kind}:user:${request.principal.userId}`,
      ...(kind === "export" && !/\/exports?$/.test(route.url ?? "")
        ? { allowList: (request: FastifyRequest) => !isFileRequest(request) }
        : {}),
    };
    route.config = config;
  });
  await app.register(fastifyRateLimit, {
    global: false,
    store: databaseStore(ctx.handle.db, () => ctx.clock.now()),
    errorResponseBuilder: (_request, context) =>
      new RateLimitedError(`Trop de requêtes : réessayez dans ${Math.max(1, Math.ceil(context.ttl / 1000))} seconde(s).`),
  });
}
