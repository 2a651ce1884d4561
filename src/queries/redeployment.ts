// Read model of the redeployment what-if: each structure of the département with ONE AF in force covering the
// year (its ETP, unit amount, total) and its year-end forecast at the observation date (src/domain/forecast).
// A structure with several AFs in the year, or an AF across two years, is left out (an avenant would be ambiguous)
// and listed as such.
import { type Kysely, sql } from "kysely";
import type { Database, Db } from "../db/schema.js";
import { monthsCovered } from "../domain/calendar/isoDate.js";
import { computeEnvelope } from "../domain/forecast/envelope.js";
import {
  type Move,
  previewMoves,
  proposeMoves,
  type RedeployableStructure,
  type RedeploymentPreview,
} from "../domain/forecast/redeployment.js";
import { Decimal } from "../domain/money/money.js";
import type { Principal } from "../server/auth/principal.js";
import { loadEnvelopeAnnexes } from "./envelope.js";

export interface RedeploymentBase {
  departement: string;
  year: number;
  at: string;
  structures: (RedeployableStructure & { name: string; kind: string; number: string; numberPrefix: string; renewal: number })[];
  /** Structures of the envelope left out: several AFs in the year, or no unit amount. */
  excluded: { structureId: number; name: string; reason: string }[];
}

export async function redeploymentBase(
  db: Kysely<Database> | Db,
  departement: string,
  year: number,
  at: string,
  principal: Principal | null,
): Promise<RedeploymentBase> {
  const scope = { type: "departement" as const, code: departement };
  const annexes = await loadEnvelopeAnnexes(db, scope, year, at.slice(0, 7), principal);
  const env = computeEnvelope(annexes, year, at);
  const ids = env.forecast.structures.map((s) => s.structureId);
  if (ids.length === 0) return { departement, year, at, structures: [], excluded: [] };
  const { rows } = await sql<{
    id: number;
    structure_id: number;
    number: string;
    number_prefix: string;
    renewal: number;
    etp: string;
    unit_amount: string | null;
    total_amount: string | null;
    starts_on: string;
    ends_on: string;
    name: string;
    kind: string;
  }>`
    SELECT a.id, a.structure_id, a.number, a.number_prefix, a.renewal, a.etp, a.unit_amount, a.total_amount, a.starts_on, a.ends_on,
      s.name, s.kind
    FROM counting_annex a JOIN structure s ON s.id = a.structure_id
    WHERE a.structure_id IN (${sql.join(ids.map((id) => sql`${id}::bigint`))})
      AND a.starts_on <= ${`${year}-12-31`}::date AND a.ends_on >= ${`${year}-01-01`}::date
    ORDER BY a.structure_id, a.starts_on`.execute(db);
  const byStructure = new Map<number, typeof rows>();
  for (const r of rows) byStructure.set(r.structure_id, [...(byStructure.get(r.structure_id) ?? []), r]);
  const structures: RedeploymentBase["structures"] = [];
  const excluded: RedeploymentBase["excluded"] = [];
  for (const f of env.forecast.structures) {
    const afs = byStructure.get(f.structureId) ?? [];
    const af = afs[0];
    if (!af) continue;
    if (afs.length > 1) {
      excluded.push({ structureId: f.structureId, name: af.name, reason: "plusieurs annexes financières dans l'année" });
      continue;
    }
    if (af.starts_on < `${year}-01-01` || af.ends_on > `${year}-12-31`) {
      excluded.push({ structureId: f.structureId, name: af.name, reason: "annexe financière à cheval sur deux années" });
      continue;
    }
    if (af.unit_amount === null || af.total_amount === null) {
      excluded.push({ structureId: f.structureId, name: af.name, reason: "annexe sans montant unitaire" });
      continue;
    }
    structures.push({
      structureId: f.structureId,
      annexId: Number(af.id),
      etp: af.etp,
      unitAmount: af.unit_amount,
      months: monthsCovered(af.starts_on, af.ends_on),
      total: af.total_amount,
      projected: f.projected.toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toString(),
      low: f.low.toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toString(),
      high: f.high.toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toString(),
      realisedToDate: f.realisedToDate.toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toString(),
      name: af.name,
      kind: af.kind,
      number: af.number,
      numberPrefix: af.number_prefix,
      renewal: af.renewal,
    });
  }
  return { departement, year, at, structures, excluded };
}

export interface RedeploymentView extends RedeploymentPreview {
  departement: string;
  year: number;
  at: string;
  proposed: { from: number; to: number; etp: string }[];
  names: { structureId: number; name: string; kind: string; number: string; unitAmount: string }[];
  excluded: RedeploymentBase["excluded"];
}

/** The what-if: the proposed moves (when `moves` is absent) or the agent's, applied. */
export function redeploymentView(base: RedeploymentBase, moves?: readonly Move[]): RedeploymentView {
  const proposed = proposeMoves(base.structures).map((m) => ({ from: m.from, to: m.to, etp: String(m.etp) }));
  const preview = previewMoves(base.structures, moves ?? proposed);
  return {
    departement: base.departement,
    year: base.year,
    at: base.at,
    proposed,
    ...preview,
    names: base.structures.map((s) => ({
      structureId: s.structureId,
      name: s.name,
      kind: s.kind,
      number: s.number,
      unitAmount: String(s.unitAmount),
    })),
    excluded: base.excluded,
  };
}
