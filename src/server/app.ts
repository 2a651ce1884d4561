// The Fastify application: JSON API under /api/v1 (one module per resource in ./routes/, loaded in
// alphabetical order), /api/health, OpenAPI at /api/docs, and the built web app (dist/web).
import { randomUUID } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fastifyCookie from "@fastify/cookie";
import fastifyHelmet from "@fastify/helmet";
import fastifyMultipart from "@fastify/multipart";
import fastifyStatic from "@fastify/static";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import fastifyUnderPressure from "@fastify/under-pressure";
import Fastify, { type FastifyServerOptions } from "fastify";
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import { trustProxyOption } from "./auth/clientAddress.js";
import { installAuth, isSecureUrl } from "./auth/plugin.js";
import { installPersonalDataResponses } from "./personalDataResponses.js";
import { installJobs } from "../jobs/plugin.js";
import { installAuditChainer } from "./auditChainer.js";
import type { App, AppContext, RouteModule } from "./context.js";
import { createMetrics, installMetrics } from "./metrics.js";
import { sendProblem } from "./problem.js";
import { installRateLimits } from "./rateLimit.js";
import { installReadiness } from "./readiness.js";

export const WEB_DIST = fileURLToPath(new URL("../../dist/web/", import.meta.url));

export interface BuildOptions {
  logger?: FastifyServerOptions["logger"];
}

export async function buildApp(ctx: AppContext, options: BuildOptions = {}): Promise<App> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: ctx.config.bodyLimit,
    // X-Forwarded-For is believed only from the reverse proxies the operator declared (none by default):
    // otherwise a client would choose the address the throttles, rate limits and audit trail see.
    trustProxy: trustProxyOption(ctx.config.trustedProxies),
    // A request id in every log line of the request and in every problem+json (requestId): the reverse
    // proxy's X-Request-Id when it sends a sane one (one id across proxy and app logs), else a new UUID.
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
    },
    // Never log cookies, CSRF tokens or credentials (request bodies are never logged).
    ...(options.logger && typeof options.logger === "object"
      ? {
          logger: {
            ...options.logger,
            redact: ["req.headers.cookie", "req.headers.authorization", 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]'],
          },
        }
      : {}),
  }).withTypeProvider<ZodTypeProvider>();
  app.addHook("onSend", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.setErrorHandler((error, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      return sendProblem(reply, 400, "Requête invalide", "Les données envoyées ne sont pas valides.", {
        errors: error.validation.map((v) => ({ field: v.instancePath, message: v.message })),
      });
    }
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status >= 500) request.log.error({ err: error }, "request failed");
    const messages: Record<number, string> = {
      400: "Requête invalide",
      401: "Authentification requise",
      403: "Accès refusé",
      404: "Ressource introuvable",
      409: "Conflit",
      413: "Contenu trop volumineux",
      415: "Type de contenu non pris en charge",
      429: "Trop de requêtes",
    };
    return sendProblem(
      reply,
      status,
      messages[status] ?? (status >= 500 ? "Erreur interne" : "Erreur"),
      status >= 500 ? "Une erreur interne est survenue." : (error as Error).message,
    );
  });

  // Security: headers, cookies, upload limits, then the session/policy/CSRF layer, installed
  // before any route so that a route without a policy cannot be registered.
  const secure = isSecureUrl(ctx.config.publicUrl);
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:", "blob:"],
        fontSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(secure ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    hsts: secure ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
  });
  await app.register(fastifyCookie);
  await app.register(fastifyMultipart, {
    limits: { fileSize: ctx.config.uploadLimit, files: 50, fields: 50, fieldSize: 64 * 1024, parts: 200 },
  });
  installAuth(app, ctx);
  installPersonalDataResponses(app, ctx);
  // Before the routes: its onRoute hook gives each anonymous or expensive route its limit.
  await installRateLimits(app, ctx);

  // Load shedding: an instance whose event loop lags answers 503 (Retry-After) at once instead of
  // queueing more work; health, readiness and metrics still answer so that the cause stays visible.
  const maxEventLoopDelay = ctx.config.maxEventLoopDelayMs ?? Number(process.env.PASSERELLE_MAX_EVENT_LOOP_DELAY ?? 1000);
  if (maxEventLoopDelay > 0) {
    await app.register(fastifyUnderPressure, {
      maxEventLoopDelay,
      pressureHandler: (request, reply) => {
        if (["/api/health", "/api/ready", "/metrics"].includes(request.routeOptions.url ?? "")) return undefined;
        // Sent here: the request goes no further (Fastify stops a request whose reply is sent).
        reply.header("retry-after", "5");
        sendProblem(reply, 503, "Service surchargé", "Le serveur est surchargé : réessayez dans quelques secondes.");
        return undefined;
      },
    });
  }
  const metrics = createMetrics(ctx);
  installMetrics(app, metrics, ctx.config.metricsToken ?? process.env.PASSERELLE_METRICS_TOKEN);
  installJobs(app, ctx, metrics);
  installAuditChainer(app, ctx);
  installReadiness(app, ctx);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.0.3",
      info: {
        title: "API Passerelle",
        description: "API de Passerelle, système d'information de l'insertion par l'activité économique (IAE).",
        version: "1",
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: "/api/docs", staticCSP: true });

  const routesDir = fileURLToPath(new URL("./routes/", import.meta.url));
  const files = readdirSync(routesDir)
    .filter((f) => /\.(ts|js)$/.test(f) && !/\.test\.(ts|js)$/.test(f) && !f.endsWith(".d.ts"))
    .sort();
  for (const file of files) {
    const mod = (await import(new URL(`./routes/${file}`, import.meta.url).href)) as { default?: RouteModule };
    if (typeof mod.default === "function") await mod.default(app, ctx);
  }

  if (existsSync(path.join(WEB_DIST, "index.html"))) {
    await app.register(fastifyStatic, { root: WEB_DIST, prefix: "/", wildcard: false });
    // Client-side routing: unknown non-API GETs get the app shell.
    app.setNotFoundHandler((request, reply) => {
      if (request.method === "GET" && !request.url.startsWith("/api/")) return reply.sendFile("index.html");
      return sendProblem(reply, 404, "Ressource introuvable", `Aucune ressource à l'adresse ${request.url}.`);
    });
  } else {
    app.get("/", { schema: { hide: true }, config: { policy: "public" } }, async (_request, reply) =>
      reply
        .type("text/html; charset=utf-8")
        .send(
          `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Passerelle</title></head>` +
            `<body><h1>Passerelle</h1><p>Système d'information de l'insertion par l'activité économique.</p>` +
            `<p>L'application web n'est pas construite (<code>npm run build</code>). API : <a href="/api/docs">/api/docs</a>, ` +
            `état : <a href="/api/health">/api/health</a>.</p></body></html>`,
        ),
    );
    app.setNotFoundHandler((request, reply) =>
      sendProblem(reply, 404, "Ressource introuvable", `Aucune ressource à l'adresse ${request.url}.`),
    );
  }
  return app;
}
