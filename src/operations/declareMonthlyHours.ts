// Use case: the monthly declaration (états mensuels individuels) of one AF × month: hours per
// salarié. Rows are upserted on (annex, contract, month). Every line is checked and ALL problems
// are reported together, one per salarié line (field "lines.<i>"), before anything is written.
// Rules: the AF must count for statistics and cover the month (iae-reference §2.1, §3.2); the
// contract must belong to the AF's structure and be running during the month; 0 ≤ hours ≤ 744
// (hours of a 31-day month); an exit motif must exist in the referential (§6.2). An AI states, per line,
// the part of the hours placed with companies (companyHours ≤ hours, AI only): a salarié's company hours
// over the 24 months from the first placement may not exceed 480 without the préfet's derogation
// (L.5132-9; checkAiCompanyPlacement, aiCompanyPlacementPeriod).
import { z } from "zod";
import { endOfMonth, type IsoDate } from "../domain/calendar/isoDate.js";
import { countsForStatistics, type AfState } from "../domain/conventions/states.js";
import { exitGroupOfMotif, type ExitReferential } from "../domain/exits/referential.js";
import { DomainRuleError, toResult } from "../domain/errors.js";
import { checkAiCompanyPlacement } from "../domain/contracts/limits.js";
import { formatFrenchDate } from "../domain/calendar/isoDate.js";
import { aiCompanyBalance, aiCompanyHistory, aiPlacementDerogation } from "../queries/aiCompanyPlacements.js";
import { recordAudit } from "../db/audit.js";
import { loadExitReferentialFromDb } from "./referenceData.js";
import { decimalString, id, monthKeyString } from "./schemas.js";
import { type InputIssue, NotFoundError, OperationInputError, type OperationDeps, parseInput } from "./types.js";
import type { Db } from "../db/schema.js";

export const MAX_MONTHLY_HOURS = 744;

export const declareMonthlyHoursInput = z.object({
  annexId: id,
  month: monthKeyString,
  state: z.enum(["BROUILLON", "VALIDE"]).default("VALIDE"),
  lines: z
    .array(
      z.object({
        contractId: id,
        hours: decimalString,
        grossPay: decimalString.optional(),
        exitMotifCode: z.number().int().optional(),
        companyHours: decimalString.nullable().optional(),
      }),
    )
    .min(1, "au moins une ligne"),
});
export type DeclareMonthlyHoursInput = z.input<typeof declareMonthlyHoursInput>;

export interface DeclarationAnnex {
  structureId: number;
  state: AfState;
  startsOn: IsoDate;
  endsOn: IsoDate;
}
export interface DeclarationContract {
  id: number;
  structureId: number;
  startsOn: IsoDate;
  exitOn: IsoDate | null;
}

/** Pure: check one AF × month (returns issues on "month"). */
export function checkDeclarationAnnex(annex: DeclarationAnnex, monthStart: IsoDate): InputIssue[] {
  const issues: InputIssue[] = [];
  if (!countsForStatistics(annex)) issues.push({ field: "annexId", reason: `annexe dans l'état ${annex.state} : déclaration impossible` });
  if (monthStart > annex.endsOn || endOfMonth(monthStart) < annex.startsOn)
    issues.push({ field: "month", reason: `mois hors de la période de l'annexe (${annex.startsOn} – ${annex.endsOn})` });
  return issues;
}

/** Pure: check one salarié line of a declaration (shared with the demo loader's batch path). */
export function checkDeclarationLine(
  annex: DeclarationAnnex,
  monthStart: IsoDate,
  contract: DeclarationContract | undefined,
  line: { hours: string; exitMotifCode?: number | undefined },
  referential: ExitReferential,
): string | null {
  if (!contract) return "contrat inconnu";
  if (contract.structureId !== annex.structureId) return "contrat d'une autre structure que l'annexe";
  if (contract.startsOn > endOfMonth(monthStart)) return `contrat commencé après le mois (${contract.startsOn})`;
  if (contract.exitOn !== null && contract.exitOn < monthStart) return `salarié sorti avant le mois (${contract.exitOn})`;
  const hours = Number(line.hours);
  if (!(hours >= 0 && hours <= MAX_MONTHLY_HOURS)) return `heures hors bornes (0 à ${MAX_MONTHLY_HOURS})`;
  if (line.exitMotifCode !== undefined) {
    const r = toResult(() => exitGroupOfMotif(referential, String(line.exitMotifCode)));
    if (!r.ok) return `motif de sortie inconnu : ${line.exitMotifCode}`;
  }
  return null;
}

export async function declareMonthlyHours(db: Db, deps: OperationDeps, raw: DeclareMonthlyHoursInput): Promise<{ upserted: number }> {
  const input = parseInput(declareMonthlyHoursInput, raw);
  const annexRow = await db
    .selectFrom("financial_annex")
    .select(["id", "structure_id", "state", "starts_on", "ends_on"])
    .where("id", "=", input.annexId)
    .executeTakeFirst();
  if (!annexRow) throw new NotFoundError("financial_annex", input.annexId);
  const annex: DeclarationAnnex = {
    structureId: annexRow.structure_id,
    state: annexRow.state,
    startsOn: annexRow.starts_on,
    endsOn: annexRow.ends_on,
  };
  const monthStart = `${input.month}-01`;
  const issues = checkDeclarationAnnex(annex, monthStart);
  if (issues.length > 0) throw new OperationInputError(issues);
  const ids = [...new Set(input.lines.map((l) => l.contractId))];
  if (ids.length !== input.lines.length)
    throw new OperationInputError([{ field: "lines", reason: "un contrat apparaît deux fois dans la déclaration" }]);
  const contracts = await db
    .selectFrom("contract")
    .select(["id", "structure_id", "starts_on", "exit_on", "person_id"])
    .where("id", "in", ids)
    .execute();
  const byId = new Map(contracts.map((c) => [c.id, c]));
  const referential = await loadExitReferentialFromDb(db);
  input.lines.forEach((line, i) => {
    const c = byId.get(line.contractId);
    const problem = checkDeclarationLine(
      annex,
      monthStart,
      c && { id: c.id, structureId: c.structure_id, startsOn: c.starts_on, exitOn: c.exit_on },
      line,
      referential,
    );
    if (problem !== null) issues.push({ field: `lines.${i}`, reason: `contrat ${line.contractId} : ${problem}` });
  });
  if (issues.length > 0) throw new OperationInputError(issues);
  issues.push(...(await checkCompanyHours(db, annexRow, monthStart, input.lines, byId)));
  if (issues.length > 0) throw new OperationInputError(issues);
  const now = new Date();
  await db
    .insertInto("monthly_declaration")
    .values(
      input.lines.map((line) => ({
        annex_id: annexRow.id,
        contract_id: line.contractId,
        person_id: byId.get(line.contractId)?.person_id ?? 0,
        structure_id: annexRow.structure_id,
        month: monthStart,
        hours: line.hours,
        gross_pay: line.grossPay ?? null,
        state: input.state,
        exit_motif_code: line.exitMotifCode ?? null,
        company_hours: line.companyHours ?? null,
        validated_at: input.state === "VALIDE" ? now : null,
      })),
    )
    .onConflict((oc) =>
      oc.columns(["annex_id", "contract_id", "month"]).doUpdateSet((eb) => ({
        hours: eb.ref("excluded.hours"),
        gross_pay: eb.ref("excluded.gross_pay"),
        state: eb.ref("excluded.state"),
        exit_motif_code: eb.ref("excluded.exit_motif_code"),
        company_hours: eb.ref("excluded.company_hours"),
        validated_at: eb.ref("excluded.validated_at"),
        updated_at: now,
      })),
    )
    .execute();
  await recordAudit(db, deps.actor, {
    action: "monthly_declaration.declare",
    entity: "financial_annex",
    entityId: annexRow.id,
    structureId: annexRow.structure_id,
    after: { month: input.month, lines: input.lines.length, state: input.state },
  });
  return { upserted: input.lines.length };
}

/**
 * Company hours of the lines (field "lines.<i>.companyHours"): AI only, at most the line's hours, and within
 * the 480 h of the salarié's current 24-month period unless a derogation covers the month (L.5132-9).
 * Lines of the same salarié in one declaration add up, in their order.
 */
async function checkCompanyHours(
  db: Db,
  annex: { id: number; structure_id: number },
  monthStart: IsoDate,
  lines: readonly { contractId: number; hours: string; companyHours?: string | null | undefined }[],
  contracts: ReadonlyMap<number, { person_id: number }>,
): Promise<InputIssue[]> {
  const stated = lines.map((l, i) => ({ line: l, i })).filter(({ line }) => line.companyHours !== undefined && line.companyHours !== null);
  if (stated.length === 0) return [];
  const issues: InputIssue[] = [];
  const structure = await db.selectFrom("structure").select("kind").where("id", "=", annex.structure_id).executeTakeFirstOrThrow();
  if (structure.kind !== "AI")
    return stated.map(({ i }) => ({
      field: `lines.${i}.companyHours`,
      reason: "heures mises à disposition en entreprise : réservées aux associations intermédiaires",
    }));
  const personIds = [...new Set(stated.map(({ line }) => Number(contracts.get(line.contractId)?.person_id)))];
  const [history, derogation] = await Promise.all([
    aiCompanyHistory(db, annex.structure_id, personIds, monthStart, { annexId: annex.id, contractIds: lines.map((l) => l.contractId) }),
    aiPlacementDerogation(db, annex.structure_id, monthStart),
  ]);
  for (const { line, i } of stated) {
    const field = `lines.${i}.companyHours`;
    const company = Number(line.companyHours);
    if (company > Number(line.hours)) {
      issues.push({
        field,
        reason: `contrat ${line.contractId} : heures mises à disposition en entreprise supérieures aux heures du mois`,
      });
      continue;
    }
    if (company === 0) continue;
    const personId = Number(contracts.get(line.contractId)?.person_id);
    const months = history.get(personId) ?? [];
    const balance = aiCompanyBalance(months, monthStart);
    try {
      checkAiCompanyPlacement({ hoursInWindow: balance.used, newHours: company, derogation });
    } catch (e) {
      if (!(e instanceof DomainRuleError)) throw e;
      issues.push({
        field,
        reason:
          `contrat ${line.contractId} : heures mises à disposition en entreprise au-delà de 480 h sur 24 mois (L.5132-9) — ` +
          `période ouverte le ${formatFrenchDate(balance.startsOn)}, ${frenchHours(balance.used)} h déjà comptées, ${frenchHours(balance.remaining)} h possibles ce mois-ci`,
      });
    }
    // The next line of the same salarié counts these hours.
    months.push({ month: monthStart, hours: company, annexId: annex.id, contractId: line.contractId });
    history.set(personId, months);
  }
  return issues;
}

function frenchHours(n: number): string {
  return String(n).replace(".", ",");
}
