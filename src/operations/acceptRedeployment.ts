// Use case: a DDETS agent accepts redeployment moves. The what-if is recomputed here from the database (never from
// figures sent by the browser); each structure whose ETP change gets a DRAFT modification of its AF in force (M+1,
// state SAISI, through createFinancialAnnex: amounts computed by the domain, audited); the version in force keeps
// counting until an agent validates the avenant. One audit row records the accepted moves.
import { z } from "zod";
import { recordAudit } from "../db/audit.js";
import type { Db } from "../db/schema.js";
import { Decimal } from "../domain/money/money.js";
import { redeploymentBase, redeploymentView } from "../queries/redeployment.js";
import type { Principal } from "../server/auth/principal.js";
import { createFinancialAnnex } from "./createFinancialAnnex.js";
import { isoDate } from "./schemas.js";
import { OperationInputError, type OperationDeps, parseInput } from "./types.js";

export const acceptRedeploymentInput = z.object({
  departement: z.string().min(1),
  year: z.number().int(),
  at: isoDate,
  moves: z
    .array(
      z.object({
        from: z.number().int().positive(),
        to: z.number().int().positive(),
        etp: z.string().regex(/^\d+(\.\d{1,2})?$/, "nombre d'ETP au centième attendu"),
      }),
    )
    .min(1, "au moins un mouvement"),
});
export type AcceptRedeploymentInput = z.input<typeof acceptRedeploymentInput>;

export interface AcceptedRedeployment {
  drafts: { structureId: number; annexId: number; number: string; etp: string; total: string; baseAnnexId: number }[];
}

export async function acceptRedeployment(
  db: Db,
  deps: OperationDeps,
  principal: Principal,
  raw: AcceptRedeploymentInput,
): Promise<AcceptedRedeployment> {
  const input = parseInput(acceptRedeploymentInput, raw);
  if (!input.at.startsWith(`${input.year}-`)) throw new OperationInputError([{ field: "at", reason: "la date doit être dans l'année" }]);
  const base = await redeploymentBase(db, input.departement, input.year, input.at, principal);
  const view = redeploymentView(base, input.moves);
  const drafts: AcceptedRedeployment["drafts"] = [];
  for (const s of view.structures) {
    if (new Decimal(s.etpAfter).equals(s.etpBefore)) continue;
    const b = base.structures.find((x) => x.structureId === s.structureId);
    const af = await db
      .selectFrom("financial_annex")
      .select(["starts_on", "ends_on", "annual_hours", "unit_amount", "penitentiary", "modulation_percent", "convention_id"])
      .where("id", "=", s.annexId)
      .executeTakeFirstOrThrow();
    // Co-financing lines are kept; the State's droit commun line takes the change.
    const funding = await db
      .selectFrom("financial_annex_funding")
      .select(["funding_line_code", "amount"])
      .where("annex_id", "=", s.annexId)
      .execute();
    const others = funding.filter((f) => f.funding_line_code !== "ETAT_DROIT_COMMUN");
    const othersSum = others.reduce((acc, f) => acc.plus(f.amount), new Decimal(0));
    const stateLine = new Decimal(s.totalAfter).minus(othersSum);
    if (stateLine.isNegative())
      throw new OperationInputError([
        { field: "moves", reason: `les cofinancements de ${b?.name ?? s.structureId} dépasseraient le nouveau total` },
      ]);
    const created = await createFinancialAnnex(db, deps, {
      structureId: s.structureId,
      ...(af.convention_id !== null ? { conventionId: Number(af.convention_id) } : {}),
      numberPrefix: b?.numberPrefix,
      renewal: b?.renewal ?? 0,
      state: "SAISI",
      startsOn: af.starts_on,
      endsOn: af.ends_on,
      etp: s.etpAfter,
      unitAmount: af.unit_amount ?? undefined,
      annualHours: af.annual_hours,
      penitentiary: af.penitentiary,
      ...(af.modulation_percent !== null ? { modulationPercent: af.modulation_percent } : {}),
      funding: [
        ...(stateLine.greaterThan(0) ? [{ code: "ETAT_DROIT_COMMUN", amount: stateLine.toFixed(2) }] : []),
        ...others.map((f) => ({ code: f.funding_line_code, amount: new Decimal(f.amount).toFixed(2) })),
      ],
    });
    if (created.total !== s.totalAfter) throw new Error(`redeployment: draft total ${created.total} ≠ preview ${s.totalAfter}`);
    drafts.push({
      structureId: s.structureId,
      annexId: created.id,
      number: created.number,
      etp: s.etpAfter,
      total: created.total,
      baseAnnexId: s.annexId,
    });
  }
  await recordAudit(db, deps.actor, {
    action: "redeployment.accept",
    entity: "departement",
    entityId: input.departement,
    after: {
      year: input.year,
      at: input.at,
      moves: view.moves,
      drafts: drafts.map((d) => ({ annexId: d.annexId, number: d.number, total: d.total })),
    },
  });
  return { drafts };
}
