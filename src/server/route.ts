// Registers an API route from its contract (src/contracts): contract + policy + handler(target, input).
// The auth plugin (auth/plugin.ts), before any validation of the body:
//   1. refuses any query key the contract does not declare (400 naming it: every query is strict);
//   2. parses the keys naming the target into one Target value (400 naming the malformed one, or the
//      second of two targets named at once);
//   3. has the route's policy authorise that value (401/403/404) — an out-of-scope caller learns nothing
//      more about the route;
//   4. parses the other params and query keys (400 naming the parameter).
// The handler receives that target and the parsed input; it never sees the raw request parameters.
import type { FastifyReply, FastifyRequest } from "fastify";
import { validatorCompiler as zodValidatorCompiler } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { AnyContract, BodyOf, InputOf, ResponseOf, TargetOf } from "../contracts/contract.js";
import type { Target } from "../contracts/target.js";
import type { Principal, PolicyName } from "./auth/principal.js";
import type { App } from "./context.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /** The contract of the route (registered through `route`). */
    contract?: AnyContract;
  }
  interface FastifyRequest {
    /** The request's target, parsed by its contract and authorised by its policy. */
    target: Target;
    /** The parsed non-target params and query of the request. */
    input: Record<string, unknown>;
  }
}

export interface RouteOptions {
  policy: PolicyName;
  /** false only on routes that open a session (login). */
  csrf?: boolean;
  /** false when the route writes its own, more precise, audit entry. */
  audit?: boolean;
  /** Audit action of a person:read GET (default "person.read"). */
  auditAction?: string;
  /** "inline": the handler writes the personal read's audit row in the statement of its read. */
  readAudit?: "inline";
  /** PGlite: answer a poll of a job running here, by the session that started it, without the database. */
  liveJobRead?: boolean;
  /** A logout: the session's live job reads end as the request arrives (auth/liveJobReaders.ts). */
  endsSession?: boolean;
}

export interface Handled<C extends AnyContract> {
  target: TargetOf<C>;
  input: InputOf<C>;
  body: BodyOf<C>;
  /** null only on public routes. */
  principal: Principal | null;
  request: FastifyRequest;
  reply: FastifyReply;
}

type Answer<C extends AnyContract> = ResponseOf<C, 200> | ResponseOf<C, 201> | FastifyReply | undefined;

/** The problem+json naming the parameter of the first issue. */
export interface ParameterProblem {
  parameter: string;
  detail: string;
}

function problemOf(error: z.ZodError, accepted: readonly string[]): ParameterProblem {
  const issue = error.issues[0];
  if (!issue) return { parameter: "", detail: "Paramètres invalides." };
  if (issue.code === "unrecognized_keys") {
    const name = issue.keys[0] ?? "";
    const list = accepted.length ? ` (paramètres acceptés : ${accepted.join(", ")})` : " (cette adresse n'accepte aucun paramètre)";
    return { parameter: name, detail: `Le paramètre « ${name} » n'est pas accepté par cette adresse${list}.` };
  }
  const name = String(issue.path[0] ?? "");
  const missing = issue.code === "invalid_type" && /received undefined/.test(issue.message);
  return {
    parameter: name,
    detail: missing ? `Le paramètre « ${name} » est obligatoire.` : `Le paramètre « ${name} » n'est pas valide : ${issue.message}`,
  };
}

function pick(from: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (from[k] !== undefined) out[k] = from[k];
  return out;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: ParameterProblem };

/** Steps 1 and 2: unknown query keys, then the target. */
export function parseTarget(contract: AnyContract, rawParams: unknown, rawQuery: unknown, principal: Principal | null): Parsed<Target> {
  const params = (rawParams ?? {}) as Record<string, unknown>;
  const query = (rawQuery ?? {}) as Record<string, unknown>;
  const acceptedQuery = Object.keys(contract.allQuery?.shape ?? {});
  const unknown = Object.keys(query).find((k) => !acceptedQuery.includes(k));
  if (unknown !== undefined) {
    const list = acceptedQuery.length
      ? ` (paramètres acceptés : ${acceptedQuery.join(", ")})`
      : " (cette adresse n'accepte aucun paramètre)";
    return {
      ok: false,
      problem: { parameter: unknown, detail: `Le paramètre « ${unknown} » n'est pas accepté par cette adresse${list}.` },
    };
  }
  const spec = contract.target;
  if (!spec) return { ok: true, value: contract.resolveTarget({}, principal) };
  const named: Record<string, unknown> = {};
  for (const [schema, source] of [
    [spec.params, params],
    [spec.query, query],
  ] as const) {
    if (!schema) continue;
    const result = (schema as z.ZodObject).safeParse(pick(source, Object.keys((schema as z.ZodObject).shape)));
    if (!result.success) return { ok: false, problem: problemOf(result.error, contract.targetKeys) };
    Object.assign(named, result.data);
  }
  return { ok: true, value: contract.resolveTarget(named, principal) };
}

/** Step 4: the other params and query keys. */
export function parseInput(contract: AnyContract, rawParams: unknown, rawQuery: unknown): Parsed<Record<string, unknown>> {
  const params = (rawParams ?? {}) as Record<string, unknown>;
  const query = (rawQuery ?? {}) as Record<string, unknown>;
  const input: Record<string, unknown> = {};
  const acceptedQuery = Object.keys(contract.allQuery?.shape ?? {});
  for (const [schema, source] of [
    [contract.params, params],
    [contract.query, query],
  ] as const) {
    if (!schema) continue;
    const result = (schema as z.ZodObject).safeParse(pick(source, Object.keys((schema as z.ZodObject).shape)));
    if (!result.success) return { ok: false, problem: problemOf(result.error, acceptedQuery) };
    Object.assign(input, result.data);
  }
  return { ok: true, value: input };
}

// Params and query are parsed by the auth plugin (above); Fastify validates only the body (after the policy).
const passThrough = () => (data: unknown) => ({ value: data });

/** Registers the route of a contract. */
export function route<C extends AnyContract>(
  app: App,
  contract: C,
  options: RouteOptions,
  handler: (h: Handled<C>) => Promise<Answer<C>>,
): void {
  const { policy, ...flags } = options;
  const response = contract.response as Record<number, z.ZodType> | undefined;
  app.route({
    method: contract.method,
    url: contract.path,
    config: { policy, contract, ...flags },
    schema: {
      ...(contract.hide ? { hide: true } : {}),
      tags: [...contract.tags],
      summary: contract.summary,
      ...(contract.allParams ? { params: contract.allParams } : {}),
      ...(contract.allQuery ? { querystring: contract.allQuery } : {}),
      ...(contract.body ? { body: contract.body } : {}),
      ...(response ? { response } : {}),
    },
    validatorCompiler: (route) =>
      route.httpPart === "body" ? zodValidatorCompiler(route as unknown as Parameters<typeof zodValidatorCompiler>[0]) : passThrough(),
    handler: async (request, reply) =>
      handler({
        target: request.target as TargetOf<C>,
        input: request.input as InputOf<C>,
        body: request.body as BodyOf<C>,
        principal: request.principal,
        request,
        reply,
      }),
  });
}
