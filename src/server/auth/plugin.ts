// The security layer of the HTTP API, installed by buildApp BEFORE any route module:
//  - onRoute: every /api route must be registered from a contract (src/server/route.ts) with a known
//    policy, else the app refuses to start; non-API routes (web app files) and the OpenAPI documentation
//    are public;
//  - onRequest: the session cookie gives `request.principal`; anonymous calls to non-public routes
//    get 401; state-changing methods carrying a session need the session's CSRF token in
//    `x-csrf-token` (403 otherwise);
//  - preValidation: the contract parses the request's one target (any undeclared query key: 400), the
//    policy authorises it (policies.ts), then the other parameters are parsed; reads of a salarié's
//    personal page (person:read GET on a person) are written to the audit trail;
//  - onResponse: every successful write is written to the audit trail (who, when, which route, ids).
import type { FastifyReply, FastifyRequest } from "fastify";
import { type AuditEntry, recordAudit } from "../../db/audit.js";
import type { AnyContract } from "../../contracts/contract.js";
import type { App, AppContext } from "../context.js";
import { sendProblem } from "../problem.js";
import { NO_TARGET, structureOf } from "../../contracts/target.js";
import { type ParameterProblem, parseInput, parseTarget } from "../route.js";
import { authorize, type Decision, POLICY_NAMES, personRolePrecheck } from "./policies.js";
import type { PolicyName, Principal } from "./principal.js";
import { LiveJobReaders } from "./liveJobReaders.js";
import { loadSession, SESSION_COOKIE, type SessionInfo, sameSecret, sha256Hex } from "./sessions.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /** The route policy (src/server/auth/principal.ts). Mandatory on every /api route. */
    policy?: PolicyName;
    /** false only on routes that open a session (login): no CSRF token exists yet. */
    csrf?: boolean;
    /** false when the route writes its own, more precise, audit entry. */
    audit?: boolean;
    /** PGlite: a poll of a job running here by the session that started it is answered from memory (liveJobReaders.ts). */
    liveJobRead?: boolean;
    /** A logout: the session's live job reads end as the request arrives (liveJobReaders.ts). */
    endsSession?: boolean;
    /** Audit action of a person:read GET (default "person.read"), e.g. "person.export". */
    auditAction?: string;
    /**
     * "inline" on a person:read GET: the handler checks access (personAccess), writes the read's audit row
     * and reads, in one statement (`auditInsertWhen` in a WITH clause: one commit); the plugin then only
     * applies the role pre-check, prepares `request.readAudit`, and refuses to send a 2xx whose audit was
     * not taken.
     */
    readAudit?: "inline";
  }
  interface FastifyInstance {
    liveJobReaders: LiveJobReaders;
  }
  interface FastifyRequest {
    principal: Principal | null;
    session: SessionInfo | null;
    /** The audit entry of this personal read, when the route writes it inline (see readAudit). */
    readAudit: AuditEntry | null;
    /** Set by the handler once readAudit is part of a committed statement. */
    readAuditTaken: boolean;
  }
}

export interface RouteRecord {
  method: string;
  url: string;
  policy: PolicyName;
  /** The route's contract (routes registered through src/server/route.ts). */
  contract?: AnyContract;
}

const routeTables = new WeakMap<object, RouteRecord[]>();

/** Every route registered on the app with its policy (tests build the policy matrix from it). */
export function routeTableOf(app: App): readonly RouteRecord[] {
  return routeTables.get(app) ?? [];
}

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function isSecureUrl(publicUrl: string): boolean {
  return publicUrl.startsWith("https://");
}

export function sessionCookieOptions(ctx: AppContext, expires?: Date) {
  return {
    path: "/",
    httpOnly: true,
    sameSite: "lax" as const,
    secure: isSecureUrl(ctx.config.publicUrl),
    ...(expires ? { expires } : {}),
  };
}

export function actorOf(request: FastifyRequest) {
  return {
    userId: request.principal?.userId ?? null,
    label: request.principal?.email ?? "anonyme",
    ip: request.ip,
  };
}

function policyOf(request: FastifyRequest): PolicyName {
  return request.routeOptions.config?.policy ?? "public";
}

export function installAuth(app: App, ctx: AppContext): void {
  const table: RouteRecord[] = [];
  routeTables.set(app, table);
  app.decorateRequest("principal", null);
  app.decorateRequest("session", null);
  app.decorateRequest("readAudit", null);
  app.decorateRequest("readAuditTaken", false);
  app.decorateRequest("target", null as never);
  app.decorateRequest("input", null as never);
  app.addHook("onRequest", async (request: FastifyRequest) => {
    request.target = NO_TARGET;
    request.input = {};
  });

  app.addHook("onRoute", (route) => {
    const url = route.url ?? route.path;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    route.config = route.config ?? {};
    const isApi = url.startsWith("/api/") && !url.startsWith("/api/docs");
    if (route.config.policy === undefined) {
      if (isApi) {
        throw new Error(`La route ${methods.join(",")} ${url} ne déclare pas de politique d'accès (config: { policy }) : refusée.`);
      }
      // Web app files and the API documentation are public by nature.
      route.config.policy = "public";
    }
    if (!POLICY_NAMES.includes(route.config.policy)) {
      throw new Error(`La route ${methods.join(",")} ${url} déclare une politique inconnue : ${route.config.policy}.`);
    }
    const contract = route.config.contract;
    if (isApi && !contract) {
      throw new Error(`La route ${methods.join(",")} ${url} n'est pas enregistrée depuis un contrat (src/server/route.ts) : refusée.`);
    }
    for (const method of methods)
      table.push({ method: String(method), url, policy: route.config.policy, ...(contract ? { contract } : {}) });
  });

  const liveReaders = new LiveJobReaders();
  app.decorate("liveJobReaders", liveReaders);
  const liveSession = (request: FastifyRequest, token: string): SessionInfo | undefined => {
    if (ctx.handle.engine !== "pglite" || request.routeOptions.config?.liveJobRead !== true) return undefined;
    const jobId = (request.params as { jobId?: unknown } | undefined)?.jobId;
    if (typeof jobId !== "string" || !app.jobs?.runningJob(jobId)) return undefined;
    return liveReaders.sessionFor(jobId, sha256Hex(token), ctx.clock.now());
  };

  app.addHook("onRequest", async (request: FastifyRequest, reply: FastifyReply) => {
    const token = request.cookies[SESSION_COOKIE];
    // Before waiting for the database (busy with an import on PGlite): the session stops reading from memory.
    if (token && request.routeOptions.config?.endsSession === true) liveReaders.endSessionsOf(sha256Hex(token));
    if (token) {
      request.session = liveSession(request, token) ?? (await loadSession(ctx.handle.db, token, ctx.clock.now()));
      request.principal = request.session?.principal ?? null;
    }
    const policy = policyOf(request);
    if (policy !== "public" && !request.principal) {
      return sendProblem(reply, 401, "Authentification requise", "Connectez-vous pour accéder à cette ressource.");
    }
    if (STATE_CHANGING.has(request.method) && request.session && request.routeOptions.config?.csrf !== false) {
      const header = request.headers["x-csrf-token"];
      if (typeof header !== "string" || !sameSecret(header, request.session.csrfToken)) {
        return sendProblem(
          reply,
          403,
          "Jeton CSRF invalide",
          "La requête ne porte pas le jeton anti-falsification (en-tête x-csrf-token) de votre session.",
        );
      }
    }
  });

  // Before validation of the body: the contract names the target (unknown query keys refused), the
  // policy authorises it, then the other parameters are parsed (src/server/route.ts). A caller outside
  // the scope learns nothing, not even the expected shape of the other parameters or of the body.
  app.addHook("preValidation", async (request: FastifyRequest, reply: FastifyReply) => {
    const policy = policyOf(request);
    const contract = request.routeOptions.config?.contract;
    // Web app files and the API documentation: no contract, public.
    if (!contract) return;
    const target = parseTarget(contract, request.params, request.query, request.principal);
    if (!target.ok) return parameterProblem(reply, target.problem);
    request.target = target.value;
    // A person:read GET whose handler writes its audit row inline checks access in that same statement
    // (personAccess, one copy of the rule): here only the part that needs no database.
    const personRead = policy === "person:read" && request.method === "GET" && target.value.type === "person";
    const inline = personRead && request.routeOptions.config?.readAudit === "inline" && request.principal !== null;
    const decision =
      inline && request.principal
        ? personRolePrecheck(request.principal, false)
        : await authorize(ctx.handle.db, request.principal, policy, request.target);
    if (!decision.allow) return sendDecision(reply, decision);
    const input = parseInput(contract, request.params, request.query);
    if (!input.ok) {
      // Not yet checked against the database: a caller outside the scope learns nothing of the other parameters.
      if (inline) {
        const full = await authorize(ctx.handle.db, request.principal, policy, request.target);
        if (!full.allow) return sendDecision(reply, full);
      }
      return parameterProblem(reply, input.problem);
    }
    request.input = input.value;
    if (personRead && target.value.type === "person") {
      const personId = target.value.id;
      const entry: AuditEntry = {
        action: request.routeOptions.config?.auditAction ?? "person.read",
        entity: "person",
        entityId: personId,
        personId,
        structureId: null,
        after: { route: request.routeOptions.url },
      };
      if (request.routeOptions.config?.readAudit === "inline") request.readAudit = entry;
      else await recordAudit(ctx.handle.db, actorOf(request), entry);
    }
  });

  // A personal read whose audit the handler was to write inline never leaves unaudited.
  app.addHook("onSend", async (request: FastifyRequest, reply: FastifyReply, payload) => {
    if (request.readAudit && !request.readAuditTaken && reply.statusCode < 300) {
      request.log.error({ route: request.routeOptions.url }, "personal read without its audit row");
      reply.code(500).type("application/problem+json; charset=utf-8");
      return JSON.stringify({ type: "about:blank", title: "Erreur interne", status: 500, detail: "Lecture non journalisée : refusée." });
    }
    return payload;
  });

  app.addHook("onResponse", async (request: FastifyRequest, reply: FastifyReply) => {
    if (!STATE_CHANGING.has(request.method) || reply.statusCode >= 400 || !request.principal) return;
    if (request.routeOptions.config?.audit === false || !request.routeOptions.url) return;
    const target = request.target;
    try {
      await recordAudit(ctx.handle.db, actorOf(request), {
        action: `${request.method} ${request.routeOptions.url}`,
        entity: "request",
        entityId: null,
        personId: target.type === "person" ? target.id : null,
        structureId: structureOf(target) ?? null,
        after: { params: request.params ?? null, status: reply.statusCode },
      });
    } catch (error) {
      request.log.error({ err: error }, "audit of a write failed");
    }
  });
}

/** The problem+json of a refused access decision. */
export function sendDecision(reply: FastifyReply, decision: Decision & { allow: false }): FastifyReply {
  const titles = { 401: "Authentification requise", 403: "Accès refusé", 404: "Ressource introuvable" };
  return sendProblem(reply, decision.status, titles[decision.status], decision.detail);
}

function parameterProblem(reply: FastifyReply, problem: ParameterProblem): FastifyReply {
  return sendProblem(reply, 400, "Requête invalide", problem.detail, {
    parameter: problem.parameter,
    errors: [{ field: problem.parameter, message: problem.detail }],
  });
}
