// Requests of the security tests, built from the live route table and each route's contract: the keys
// that name the route's target get the ids of the caller's own territory ("home": 62, région 32, S1, P1,
// AF A1) or of another ("other": 13, région 93, S2, P2, AF A2); required parameters get a valid value.
// Nothing here knows the routes by name: a route added later is covered automatically.
import type { RouteRecord } from "../../../src/server/auth/plugin.js";
import type { Target } from "./rolesMatrix.js";
import type { World } from "./fixture.js";

export type TargetKey = "structureId" | "personId" | "departement" | "region" | "scope" | "annexId";

export function targetValues(world: World, target: Target): Record<TargetKey, string> {
  const home = target === "home";
  return {
    structureId: String(home ? world.s1 : world.s2),
    personId: String(home ? world.p1 : world.p2),
    annexId: String(home ? world.a1 : world.a2),
    departement: home ? "62" : "13",
    region: home ? "32" : "93",
    scope: home ? "departement:62" : "departement:13",
  };
}

/** Valid values of the non-target parameters a route may require. */
const SAMPLES: Record<string, string> = {
  year: "2025",
  month: "2025-06",
  from: "2025-01-01",
  to: "2025-12-31",
  kind: "ACI",
  etp: "1",
  jobId: "00000000-0000-4000-8000-000000000000",
  token: "x".repeat(32),
};

export interface Built {
  path: string;
  query: Record<string, string>;
}

/** Does the route's target carry this key (in its path or its query)? */
export function namesTarget(route: RouteRecord, key: string): boolean {
  return route.contract?.targetKeys.includes(key) ?? route.url.includes(`:${key}`);
}

/** The query keys a route accepts. */
export function acceptedQuery(route: RouteRecord): string[] {
  return Object.keys(route.contract?.allQuery?.shape ?? {});
}

/** Does the route name a territory or a person (so that "other" means something)? */
export function isTerritorial(route: RouteRecord): boolean {
  return (["structureId", "personId", "departement", "region", "scope"] as const).some((k) => namesTarget(route, k));
}

/** The plain request of a route for a target: one target key, every required parameter filled. */
export function build(route: RouteRecord, world: World, target: Target): Built {
  const values = targetValues(world, target);
  const path = route.url.replace(/:([A-Za-z]+)/g, (_m, name: string) => values[name as TargetKey] ?? SAMPLES[name] ?? "999999");
  const query: Record<string, string> = {};
  const contract = route.contract;
  if (contract) {
    // One query key naming the target (a second one is refused by design).
    const targetQuery = Object.keys(contract.target?.query?.shape ?? {});
    const first = (["scope", "departement", "region"] as const).find((k) => targetQuery.includes(k));
    if (first) query[first] = values[first];
    for (const [key, schema] of Object.entries((contract.query?.shape ?? {}) as Record<string, { safeParse(v: unknown): { success: boolean } }>)) {
      const required = !schema.safeParse(undefined).success || key === "year";
      if (required && SAMPLES[key] !== undefined) query[key] = SAMPLES[key];
    }
  }
  return { path, query };
}

export function urlOf(built: Built): string {
  const qs = new URLSearchParams(built.query).toString();
  return qs ? `${built.path}?${qs}` : built.path;
}
