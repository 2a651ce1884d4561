// Per-structure table of a dashboard: ETP conventionnés / réalisés, taux de réalisation, examined exits and
// taux de sorties dynamiques, envelope — same definitions as computeIndicators (sums of these rows = totals).
import type { Kysely } from "kysely";
import { refreshPlannerStatistics } from "../db/rollups.js";
import type { Database } from "../db/schema.js";
import { exitRates } from "../domain/exits/examined.js";
import { proratedCents } from "../domain/indicators/proration.js";
import { Decimal } from "../domain/money/money.js";
import type { SiaeKind } from "../domain/structures/kinds.js";
import type { StructurePerformance } from "../contracts/indicators.js";
import { checkedPeriod } from "./computeIndicators.js";
import { queryFigures } from "./figures.js";
import { parseScope, type Scope } from "./scope.js";

export type StructureRow = StructurePerformance;

export async function computeStructureTable(
  db: Kysely<Database>,
  params: { scope: Scope | string; from: string; to: string; kind?: SiaeKind },
): Promise<StructureRow[]> {
  const scope = typeof params.scope === "string" ? parseScope(params.scope) : params.scope;
  await refreshPlannerStatistics(db);
  const { period, at } = checkedPeriod(params.from, params.to);
  const raw = await queryFigures(db, { scope, period, at, ...(params.kind ? { kind: params.kind } : {}) });
  return raw.perStructure
    .map((s) => {
      const conv = new Decimal(s.etpConventionnes);
      const real = new Decimal(s.etpRealises);
      const taux = conv.isZero() ? null : real.dividedBy(conv);
      const rates = exitRates(s.exits);
      const total = proratedCents(s.budgetTotal);
      const cof = proratedCents(s.budgetCofinanced);
      return {
        id: s.structureId,
        name: s.name,
        kind: s.kind,
        departement: s.departement,
        etpConventionnes: Number(conv.toFixed(4)),
        etpRealises: Number(real.toFixed(4)),
        tauxRealisation: taux === null ? null : taux.toNumber(),
        tauxRealisationCapped: taux === null ? null : Decimal.min(taux, 1).toNumber(),
        exitsExamined: s.exits.examined,
        dynamicRate: rates.dynamic,
        durableRate: rates.durable,
        budgetTotal: total.toNumber(),
        budgetState: total.minus(cof).toNumber(),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name, "fr") || a.id - b.id);
}
