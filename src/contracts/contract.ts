// A route contract: method, path, zod schemas of the path, query, body and responses, and the target —
// the keys of the path/query that name what the request is about, and how they resolve into one
// Target value. The server registers routes from contracts (src/server/route.ts), the web client calls
// them (src/web/api/client.ts `call`), the CLI reuses their shapes and grammars. Pure: no server import.
import { z } from "zod";
import type { Principal } from "../server/auth/principal.js";
import { NO_TARGET, type Target } from "./target.js";

export type Method = "GET" | "POST" | "PATCH" | "DELETE";
type AnyObject = z.ZodObject;
type Out<S> = S extends z.ZodType ? z.output<S> : Record<never, never>;
type In<S> = S extends z.ZodType ? z.input<S> : Record<never, never>;

export interface TargetSpec<TP extends AnyObject | undefined, TQ extends AnyObject | undefined, T extends Target> {
  /** Path parameters naming the target. */
  params?: TP;
  /** Query keys naming the target (refinements allowed: two targets named at once → an issue on one of them). */
  query?: TQ;
  /** The one target value; the principal only fills in a default ("my territory") when nothing is named. */
  resolve: (named: Out<TP> & Out<TQ>, principal: Principal | null) => T;
}

export interface ContractSpec<
  P extends AnyObject | undefined,
  Q extends AnyObject | undefined,
  B extends z.ZodType | undefined,
  R extends Partial<Record<number, z.ZodType>>,
  TP extends AnyObject | undefined,
  TQ extends AnyObject | undefined,
  T extends Target,
> {
  method: Method;
  path: string;
  tags: readonly string[];
  summary: string;
  /** Path parameters that do not name the target (handler input). */
  params?: P;
  /** Query keys that do not name the target (filters, period, paging; handler input). */
  query?: Q;
  body?: B;
  response?: R;
  target?: TargetSpec<TP, TQ, T>;
  /** Kept out of the OpenAPI document. */
  hide?: boolean;
}

export interface Contract<
  P extends AnyObject | undefined = AnyObject | undefined,
  Q extends AnyObject | undefined = AnyObject | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
  R extends Partial<Record<number, z.ZodType>> = Partial<Record<number, z.ZodType>>,
  TP extends AnyObject | undefined = AnyObject | undefined,
  TQ extends AnyObject | undefined = AnyObject | undefined,
  T extends Target = Target,
> extends ContractSpec<P, Q, B, R, TP, TQ, T> {
  /** Every path parameter (target and others), strict — for the OpenAPI document and the web client. */
  readonly allParams: AnyObject | undefined;
  /** Every query key (target and others), strict. */
  readonly allQuery: AnyObject | undefined;
  /** Names of the path/query keys that name the target. */
  readonly targetKeys: readonly string[];
  readonly resolveTarget: (named: Record<string, unknown>, principal: Principal | null) => T;
}

/** A strict object of the given shapes, or undefined when there are none. */
function strictOf(...parts: (AnyObject | undefined)[]): AnyObject | undefined {
  const present = parts.filter((p): p is AnyObject => p !== undefined);
  if (present.length === 0) return undefined;
  return z.strictObject(Object.assign({}, ...present.map((p) => p.shape)));
}

function assertStrict(schema: AnyObject | undefined, where: string): void {
  if (schema && schema._zod.def.catchall?._zod.def.type !== "never") {
    throw new Error(`${where} : le schéma doit être strict (z.strictObject) — une clé inconnue est refusée.`);
  }
}

export function defineContract<
  P extends AnyObject | undefined = undefined,
  Q extends AnyObject | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  R extends Partial<Record<number, z.ZodType>> = Record<never, never>,
  TP extends AnyObject | undefined = undefined,
  TQ extends AnyObject | undefined = undefined,
  T extends Target = { type: "none" },
>(spec: ContractSpec<P, Q, B, R, TP, TQ, T>): Contract<P, Q, B, R, TP, TQ, T> {
  const where = `${spec.method} ${spec.path}`;
  for (const [part, schema] of [
    ["params", spec.params],
    ["query", spec.query],
    ["target.params", spec.target?.params],
    ["target.query", spec.target?.query],
  ] as const) {
    assertStrict(schema, `${where} (${part})`);
  }
  const targetKeys = [...Object.keys(spec.target?.params?.shape ?? {}), ...Object.keys(spec.target?.query?.shape ?? {})];
  const pathKeys = [...spec.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1] as string);
  const declaredPath = [...Object.keys(spec.target?.params?.shape ?? {}), ...Object.keys(spec.params?.shape ?? {})];
  if (pathKeys.sort().join() !== declaredPath.sort().join()) {
    throw new Error(`${where} : paramètres de chemin déclarés (${declaredPath.join(", ")}) ≠ chemin (${pathKeys.join(", ")}).`);
  }
  const resolve = spec.target?.resolve;
  return {
    ...spec,
    allParams: strictOf(spec.target?.params, spec.params),
    allQuery: strictOf(spec.target?.query, spec.query),
    targetKeys,
    resolveTarget: (named, principal) => (resolve ? resolve(named as Out<TP> & Out<TQ>, principal) : (NO_TARGET as T)),
  };
}

// Types of a contract, for the server helper and the web client.
// biome-ignore lint/suspicious/noExplicitAny: matches any contract (generic boundary)
export type AnyContract = Contract<any, any, any, any, any, any, any>;
export type TargetOf<C extends AnyContract> =
  C extends Contract<infer _P, infer _Q, infer _B, infer _R, infer _TP, infer _TQ, infer T> ? T : never;
/** What the handler receives besides the target: the parsed non-target params and query. */
export type InputOf<C extends AnyContract> = C extends Contract<infer P, infer Q> ? Out<P> & Out<Q> : never;
export type BodyOf<C extends AnyContract> = C extends Contract<infer _P, infer _Q, infer B> ? Out<B> : never;
type Responses<C extends AnyContract> = C extends Contract<infer _P, infer _Q, infer _B, infer R> ? R : never;
/** The JSON a 200 (or 201) answer carries. */
export type ResponseOf<C extends AnyContract, S extends number = 200> = Responses<C>[S] extends z.ZodType
  ? z.output<Responses<C>[S]>
  : unknown;
/** What a client sends: every path parameter, every query key (as text or numbers), the body. */
export type RequestOf<C extends AnyContract> =
  C extends Contract<infer P, infer Q, infer B, infer _R, infer TP, infer TQ>
    ? { params: In<P> & In<TP>; query: In<Q> & In<TQ>; body: In<B> }
    : never;

/** The path with its parameters filled in (encoded). */
export function pathOf(contract: AnyContract, params: Record<string, unknown> = {}): string {
  return contract.path.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined || value === null) throw new Error(`${contract.path} : paramètre ${name} manquant`);
    return encodeURIComponent(String(value));
  });
}
