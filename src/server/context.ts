// What every route receives: the database, the clock and the configuration.
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { DatabaseHandle } from "../db/connection.js";
import type { Clock } from "../domain/calendar/clock.js";
import { parisDay } from "../domain/calendar/parisTime.js";
import type { JobsConfig } from "../jobs/plugin.js";
import type { PersonalDataCipher } from "../security/personalData.js";
import type { TrustedProxies } from "./auth/clientAddress.js";
import type { OidcConfig } from "./auth/oidc.js";
import type { Mailer } from "./mail/mailer.js";
import type { RateLimit, RateLimitClass } from "./rateLimit.js";

export interface AppConfig {
  /** Public base URL (used for cookies' Secure flag and OIDC redirects). */
  publicUrl: string;
  /** Folder of the embedded data (key file, etc.); undefined on PostgreSQL without a data dir. */
  dataDir: string;
  /** Body size limit for JSON requests, bytes. */
  bodyLimit: number;
  /** Upload size limit (imports), bytes. */
  uploadLimit: number;
  /**
   * Single sign-on (ProConnect-compatible OpenID Connect). undefined: read PASSERELLE_OIDC_* from the
   * environment; null: SSO disabled.
   */
  oidc?: OidcConfig | null;
  /** Background jobs of this instance (src/jobs/plugin.ts); default: from the environment (jobsConfigFromEnv). */
  jobs?: JobsConfig;
  /** GET /metrics requires `Authorization: Bearer <token>`; default: PASSERELLE_METRICS_TOKEN (unset: open). */
  metricsToken?: string;
  /**
   * Load shedding (@fastify/under-pressure): 503 when the event loop lags more than this many ms
   * (PASSERELLE_MAX_EVENT_LOOP_DELAY, default 1000; 0 disables).
   */
  maxEventLoopDelayMs?: number;
  /** Reverse proxies whose X-Forwarded-For is believed (PASSERELLE_TRUSTED_PROXIES); default: none. */
  trustedProxies?: TrustedProxies;
  /** Request rate limits per class of route (src/server/rateLimit.ts); default RATE_LIMITS. */
  rateLimits?: Partial<Record<RateLimitClass, RateLimit>>;
  /** Outgoing e-mail (invitations). undefined: PASSERELLE_SMTP_URL from the environment; null: none. */
  mailer?: Mailer | null;
}

/** The domain clock plus the instant (sessions, audit). */
export interface ServerClock extends Clock {
  now(): Date;
}

export const systemClock: ServerClock = {
  now: () => new Date(),
  today: () => parisDay(new Date()),
};

export interface AppContext {
  handle: DatabaseHandle;
  clock: ServerClock;
  config: AppConfig;
  /** Encryption and keyed hashing of NIR / PASS numbers. */
  pii: PersonalDataCipher;
}

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** A route module in src/server/routes/: `export default async function routes(app, ctx) {…}`. */
export type RouteModule = (app: App, ctx: AppContext) => Promise<void>;
