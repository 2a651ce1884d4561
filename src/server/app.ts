// The Fastify application: JSON API under /api/v1 (one module per resource in ./routes/, loaded in
// alphabetical order), /api/health, OpenAPI at /api/docs, and the built web app (dist/web).
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyServerOptions } from "fastify";
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import type { App, AppContext, RouteModule } from "./context.js";
import { sendProblem } from "./problem.js";

export const WEB_DIST = fileURLToPath(new URL("../../dist/web/", import.meta.url));

export interface BuildOptions {
  logger?: FastifyServerOptions["logger"];
}

export async function buildApp(ctx: AppContext, options: BuildOptions = {}): Promise<App> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: ctx.config.bodyLimit,
    trustProxy: true,
  }).withTypeProvider<ZodTypeProvider>();
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
  await app.register(fastifySwaggerUi, { routePrefix: "/api/docs" });

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
    app.get("/", { schema: { hide: true } }, async (_request, reply) =>
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
