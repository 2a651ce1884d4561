// Requests of the security tests, built from the live route table and each route's contract: the keys
// that name the route's target get the ids of the caller's own territory ("home": 62, région 32, S1, P1,
// AF A1) or of another ("other": 13, région 93, S2, P2, AF A2); required parameters get a valid value.
// Nothing here knows the routes by name: a route added later is covered automatically.
import type { RouteRecord } from "../../../src/server/auth/plugin.js";
import type { Target } from "./rolesMatrix.js";

export type TargetKey = "structureId" | "personId" | "departement" | "region" | "scope" | "annexId";

/** The ids of the caller's own territory (S1, P1, A1) and of another (S2, P2, A2); territories default to 62/13. */
export interface Places {
  s1: number;
  s2: number;
  p1: number;
  p2: number;
  a1: number;
  a2: number;
  territories?: Record<Target, { departement: string; region: string; scope: string }>;
}

const TERRITORIES: Record<Target, { departement: string; region: string; scope: string }> = {
  home: { departement: "62", region: "32", scope: "departement:62" },
  other: { departement: "13", region: "93", scope: "departement:13" },
};

export function targetValues(world: Places, target: Target): Record<TargetKey, string> {
  const home = target === "home";
  return {
    structureId: String(home ? world.s1 : world.s2),
    personId: String(home ? world.p1 : world.p2),
    annexId: String(home ? world.a1 : world.a2),
    ...(world.territories ?? TERRITORIES)[target],
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
  format: "xlsx",
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
export function build(route: RouteRecord, world: Places, target: Target): Built {
  const values = targetValues(world, target);
  const path = route.url.replace(/:([A-Za-z]+)/g, (_m, name: string) => values[name as TargetKey] ?? SAMPLES[name] ?? "999999");
  const query: Record<string, string> = {};
  const contract = route.contract;
  if (contract) {
    // One query key naming the target (a second one is refused by design).
    const targetQuery = Object.keys(contract.target?.query?.shape ?? {});
    const first = (["scope", "departement", "region"] as const).find((k) => targetQuery.includes(k));
    if (first) query[first] = values[first];
    for (const [key, schema] of Object.entries(
      (contract.query?.shape ?? {}) as Record<string, { safeParse(v: unknown): { success: boolean } }>,
    )) {
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

const ATTACK_KEYS: readonly TargetKey[] = ["structureId", "personId", "departement", "region", "scope"];

/** The attacker's variants of a plain request: other-territory ids in each target position, extra target keys, an unknown key. */
export function attackerVariants(route: RouteRecord, plain: Built, world: Places): { label: string; built: Built }[] {
  const home = targetValues(world, "home");
  const other = targetValues(world, "other");
  const out: { label: string; built: Built }[] = [];
  const segments = route.url.split("/");
  const plainSegments = plain.path.split("/");
  // Ids of the other territory in each position of the path.
  for (const key of ["structureId", "personId", "annexId", "departement"] as const) {
    if (!route.url.includes(`:${key}`)) continue;
    const path = segments.map((seg, i) => (seg === `:${key}` ? other[key] : (plainSegments[i] ?? seg))).join("/");
    out.push({ label: `${key}=<other> in the path`, built: { path, query: plain.query } });
  }
  const accepted = acceptedQuery(route);
  for (const key of ATTACK_KEYS) {
    if (route.url.includes(`:${key}`)) continue;
    const values: [string, string][] = [
      ["home", home[key]],
      ["other", other[key]],
    ];
    if (key === "scope") values.push(["nation", "nation"]);
    for (const [side, value] of values) {
      if (plain.query[key] === value) continue;
      out.push({
        label: `${accepted.includes(key) ? "" : "extra "}${key}=${side}`,
        built: { path: plain.path, query: { ...plain.query, [key]: value } },
      });
    }
  }
  // The trick of the leaks found with the demo: a foreign target in one position, and in-scope ones in the
  // others to satisfy the policy (…/departements/59/rsa?structureId=<mine>, ?scope=nation&structureId=<mine>).
  for (const v of [...out]) {
    if (!/other|nation/.test(v.label)) continue;
    const homeKeys = Object.fromEntries(
      ATTACK_KEYS.filter((k) => !route.url.includes(`:${k}`) && !(k in v.built.query)).map((k) => [k, home[k]]),
    );
    out.push({ label: `${v.label} + in-scope keys`, built: { path: v.built.path, query: { ...v.built.query, ...homeKeys } } });
    for (const [k, value] of Object.entries(homeKeys)) {
      out.push({ label: `${v.label} + ${k}=home`, built: { path: v.built.path, query: { ...v.built.query, [k]: value } } });
    }
  }
  const allOther = Object.fromEntries(ATTACK_KEYS.filter((k) => !route.url.includes(`:${k}`)).map((k) => [k, other[k]]));
  out.push({ label: "all other-territory keys", built: { path: plain.path, query: { ...plain.query, ...allOther } } });
  out.push({ label: "unknown key", built: { path: plain.path, query: { ...plain.query, perimetre: "nation" } } });
  return out;
}

/** Values that change at each call (a personal read's own audit row, the export's timestamp). */
const VOLATILE = new Set(["exportedAt", "accessLog", "lastSeenAt"]);
export function normalisedBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), (key, value) => (VOLATILE.has(key) ? undefined : value));
  } catch {
    return body;
  }
}
