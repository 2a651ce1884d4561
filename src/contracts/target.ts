// The one grammar of what a request (or a CLI command) is about: a territory scope (nation, région,
// département, group of structures, one structure), a person, an import run or job, an AF of a
// structure. Parsed once, here, into one value: the policy authorises that value and the handler
// receives it (src/server/route.ts). Pure (no database): the web app and the CLI import it too.
import { z } from "zod";

export type Scope =
  | { type: "nation" }
  | { type: "region"; code: string }
  | { type: "departement"; code: string }
  | { type: "group"; id: number }
  | { type: "structure"; id: number };

/**
 * What a request names. `none`: nothing — the read model restricts to what the caller may see.
 * `annex`: an AF version of a structure (the policy authorises the structure; the read model finds the
 * AF only within it). `hiring` (the initial contract of a salarié, whose fiche salarié it carries),
 * `membership`/`invitation`: likewise inside a structure.
 */
export type Target =
  | { type: "none" }
  | Scope
  | { type: "annex"; structureId: number; annexId: number }
  | { type: "hiring"; structureId: number; contractId: number }
  | { type: "member"; structureId: number; userId: number }
  | { type: "invitation"; structureId: number; invitationId: number }
  | { type: "person"; id: number }
  | { type: "importRun"; id: number }
  | { type: "importJob"; id: string }
  /** A background job producing a file: read by whoever may read the target it was made for (src/jobs/jobView.ts). */
  | { type: "job"; id: string };

export const NO_TARGET: Target = { type: "none" };

/** The structure a target belongs to, when it names one. */
export function structureOf(target: Target): number | undefined {
  switch (target.type) {
    case "structure":
      return target.id;
    case "annex":
    case "hiring":
    case "member":
    case "invitation":
      return target.structureId;
    default:
      return undefined;
  }
}

/** Malformed scope text or unknown territory / structure: the caller's input is wrong (CLI exit 1, HTTP 400/404). */
export class ScopeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ScopeError";
  }
}

const ID_RE = /^[1-9][0-9]{0,15}$/;
// Existence is checked against the referential (unknown code → 404), not by this grammar.
const DEPARTEMENT_RE = /^([0-9]{2}|2A|2B|97[1-6])$/;

/** Database identifier (1, 2, … as text or number); ScopeError otherwise. */
export function parseId(text: string | number, what: string): number {
  const t = String(text).trim();
  const id = Number(t);
  if (!ID_RE.test(t) || !Number.isSafeInteger(id)) throw new ScopeError(`identifiant invalide « ${text} » pour ${what}`);
  return id;
}

/** INSEE département code: 62, 2A, 971 ("6" → "06", "2a" → "2A"). */
export function parseDepartementCode(text: string): string {
  const v = text.trim().toUpperCase();
  const code = /^[0-9]$/.test(v) ? `0${v}` : v;
  if (!DEPARTEMENT_RE.test(code)) throw new ScopeError(`code de département invalide « ${text} » (ex. 62, 2A, 971)`);
  return code;
}

/** INSEE région code: two digits (32). */
export function parseRegionCode(text: string): string {
  const v = text.trim();
  if (!/^[0-9]{2}$/.test(v)) throw new ScopeError(`code de région invalide « ${text} » (2 chiffres INSEE, ex. 32)`);
  return v;
}

/** Parses `nation`, `region:<code>`, `departement:<code>`, `group:<id>`, `structure:<id>`. */
export function parseScope(text: string): Scope {
  const t = text.trim();
  if (t === "nation") return { type: "nation" };
  const m = /^(region|departement|group|structure):(.+)$/.exec(t);
  if (!m)
    throw new ScopeError(
      `périmètre invalide « ${text} » : attendu nation, region:<code>, departement:<code>, group:<id> ou structure:<id>`,
    );
  const kind = m[1] as "region" | "departement" | "group" | "structure";
  const value = m[2] ?? "";
  if (kind === "region") return { type: "region", code: parseRegionCode(value) };
  if (kind === "departement") return { type: "departement", code: parseDepartementCode(value) };
  return { type: kind, id: parseId(value, kind) };
}

export function formatScope(scope: Scope): string {
  switch (scope.type) {
    case "nation":
      return "nation";
    case "region":
    case "departement":
      return `${scope.type}:${scope.code}`;
    case "group":
    case "structure":
      return `${scope.type}:${scope.id}`;
  }
}

/** A zod string parsed by one of the functions above; its ScopeError message becomes the issue. */
function parsedBy<T>(parse: (text: string) => T) {
  return z.string().transform((text, ctx): T => {
    try {
      return parse(text);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: error instanceof Error ? error.message : String(error) });
      return z.NEVER;
    }
  });
}

/** `?scope=` / `--scope`: nation, region:<code>, departement:<code>, group:<id>, structure:<id>. */
export const scopeParam = parsedBy(parseScope).describe("nation, region:<code>, departement:<code>, group:<id> ou structure:<id>");
export const departementParam = parsedBy(parseDepartementCode).describe("code INSEE du département (ex. 62, 2A, 971)");
export const regionParam = parsedBy(parseRegionCode).describe("code INSEE de la région (ex. 32)");
/** A path or query identifier (positive integer). */
export const idParam = (what: string) =>
  z.union([z.string(), z.number()]).transform((v, ctx) => {
    try {
      return parseId(v, what);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: error instanceof Error ? error.message : String(error) });
      return z.NEVER;
    }
  });
