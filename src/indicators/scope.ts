// Scope of the indicators: nation, région, département, group of structures, one structure (design §5),
// optionally restricted to one SIAE kind.
import { type Kysely, type RawBuilder, sql } from "kysely";
import type { Database } from "../db/schema.js";
import { SIAE_KINDS, type SiaeKind } from "../domain/structures/kinds.js";

export type Scope =
  | { type: "nation" }
  | { type: "region"; code: string }
  | { type: "departement"; code: string }
  | { type: "group"; id: number }
  | { type: "structure"; id: number };

/** Invalid scope text or unknown territory / structure: the caller's input is wrong (CLI exit 1, HTTP 400/404). */
export class ScopeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ScopeError";
  }
}

const ID_RE = /^[1-9][0-9]{0,15}$/;

/** Parses `nation`, `region:<code>`, `departement:<code>`, `group:<id>`, `structure:<id>`. */
export function parseScope(text: string): Scope {
  const t = text.trim();
  if (t === "nation") return { type: "nation" };
  const m = /^(region|departement|group|structure):(.+)$/.exec(t);
  if (!m) throw new ScopeError(`périmètre invalide « ${text} » : attendu nation, region:<code>, departement:<code>, group:<id> ou structure:<id>`);
  const kind = m[1] as "region" | "departement" | "group" | "structure";
  const value = (m[2] ?? "").trim().toUpperCase();
  if (kind === "region") {
    if (!/^[0-9]{2}$/.test(value)) throw new ScopeError(`code de région invalide « ${m[2]} » (2 chiffres INSEE, ex. 32)`);
    return { type: "region", code: value };
  }
  if (kind === "departement") {
    const code = /^[0-9]$/.test(value) ? `0${value}` : value;
    if (!/^([0-9]{2}|2A|2B|97[1-6])$/.test(code)) throw new ScopeError(`code de département invalide « ${m[2]} » (ex. 62, 2A, 971)`);
    return { type: "departement", code };
  }
  if (!ID_RE.test(value)) throw new ScopeError(`identifiant invalide « ${m[2]} » pour ${kind}`);
  const id = Number(value);
  if (!Number.isSafeInteger(id)) throw new ScopeError(`identifiant invalide « ${m[2]} » pour ${kind}`);
  return { type: kind, id };
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

export function parseKindFilter(value: string | undefined): SiaeKind | undefined {
  if (value === undefined || value === "") return undefined;
  const v = value.trim().toUpperCase();
  if ((SIAE_KINDS as readonly string[]).includes(v)) return v as SiaeKind;
  throw new ScopeError(`type de SIAE inconnu « ${value} » (ACI, AI, EI, ETTI, EITI)`);
}

/** WHERE condition on `structure s` for the scope. */
export function scopeCondition(scope: Scope, kind?: SiaeKind): RawBuilder<unknown> {
  const k = kind === undefined ? sql`true` : sql`s.kind = ${kind}`;
  switch (scope.type) {
    case "nation":
      return k;
    case "region":
      return sql`s.departement_code IN (SELECT code FROM ref_departement WHERE region_code = ${scope.code}) AND ${k}`;
    case "departement":
      return sql`s.departement_code = ${scope.code} AND ${k}`;
    case "group":
      return sql`s.id IN (SELECT structure_id FROM structure_group_member WHERE group_id = ${scope.id}::bigint) AND ${k}`;
    case "structure":
      return sql`s.id = ${scope.id}::bigint AND ${k}`;
  }
}

/** French name of the scope ("Pas-de-Calais (62)"); throws ScopeError when it does not exist. */
export async function describeScope(db: Kysely<Database>, scope: Scope): Promise<string> {
  const one = async (q: RawBuilder<{ name: string }>) => (await q.execute(db)).rows[0]?.name;
  let name: string | undefined;
  switch (scope.type) {
    case "nation":
      return "France entière";
    case "region":
      name = await one(sql<{ name: string }>`SELECT name FROM ref_region WHERE code = ${scope.code}`);
      if (name === undefined) throw new ScopeError(`région inconnue : ${scope.code}`);
      return `${name} (région ${scope.code})`;
    case "departement":
      name = await one(sql<{ name: string }>`SELECT name FROM ref_departement WHERE code = ${scope.code}`);
      if (name === undefined) throw new ScopeError(`département inconnu : ${scope.code}`);
      return `${name} (${scope.code})`;
    case "group":
      name = await one(sql<{ name: string }>`SELECT name FROM structure_group WHERE id = ${scope.id}::bigint`);
      if (name === undefined) throw new ScopeError(`groupe de structures inconnu : ${scope.id}`);
      return name;
    case "structure":
      name = await one(sql<{ name: string }>`SELECT name || ' (' || kind || ')' AS name FROM structure WHERE id = ${scope.id}::bigint`);
      if (name === undefined) throw new ScopeError(`structure inconnue : ${scope.id}`);
      return name;
  }
}
