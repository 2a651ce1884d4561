// Part modulée operations of the DDETS (docs/ddets-year.md): save a new version of the département's grid,
// decide a structure's percentage for a year. The decided percentage gives, for each counting AF of the year,
// its modulated amount (round₂(AF total × % / 100), modulatedAmount — iae-reference §2.2) written on the AF, so
// that it shows as the modulated part of the budget indicators and the annual report; the structure's amount is
// their sum. A percentage other than the grid's needs a reason (decideModulation).
import { sql } from "kysely";
import { z } from "zod";
import { recordAudit } from "../db/audit.js";
import type { Db } from "../db/schema.js";
import { modulationTerritory } from "../domain/aid/territory.js";
import { decideModulation, validateGrid } from "../domain/financing/modulationGrid.js";
import { Decimal } from "../domain/money/money.js";
import { gridInForce } from "../queries/dialogue.js";
import { computeStructureModulation } from "../queries/modulation.js";
import { decimalString, id } from "./schemas.js";
import { OperationInputError, type OperationDeps, parseInput, ruleOnField } from "./types.js";

export const saveGridInput = z
  .object({
    departementCode: z.string().regex(/^(\d{2}|2A|2B|\d{3})$/, "code département attendu"),
    year: z.number().int().min(2014).max(2100),
    criteria: z.array(z.unknown()).min(1),
  })
  .strict();

export async function saveModulationGrid(
  db: Db,
  deps: OperationDeps,
  raw: z.input<typeof saveGridInput>,
): Promise<{ id: number; version: number }> {
  const input = parseInput(saveGridInput, raw);
  const grid = ruleOnField("criteria", () => validateGrid(input.criteria));
  const current = await gridInForce(db, input.departementCode, input.year);
  const version = (current.version ?? 0) + 1;
  const row = await db
    .insertInto("modulation_grid")
    .values({
      departement_code: input.departementCode,
      year: input.year,
      version,
      criteria: JSON.stringify(grid),
      created_by: deps.actor.label,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await recordAudit(db, deps.actor, {
    action: "modulation_grid.save",
    entity: "modulation_grid",
    entityId: row.id,
    after: { departementCode: input.departementCode, year: input.year, version, criteria: grid },
  });
  return { id: row.id, version };
}

export const decideModulationInput = z
  .object({
    structureId: id,
    year: z.number().int().min(2014).max(2100),
    decidedPercent: decimalString,
    reason: z.string().trim().max(2000).optional(),
  })
  .strict();

export async function decideStructureModulation(
  db: Db,
  deps: OperationDeps,
  raw: z.input<typeof decideModulationInput>,
): Promise<{ proposedPercent: string; decidedPercent: string; amount: string }> {
  const input = parseInput(decideModulationInput, raw);
  const line = await computeStructureModulation(db, input.structureId, input.year);
  const s = await db
    .selectFrom("structure")
    .select(["departement_code", sql<string>`coalesce(convention_departement_code, departement_code)`.as("dep")])
    .where("id", "=", input.structureId)
    .executeTakeFirstOrThrow();
  const territory = modulationTerritory({ departementCode: s.dep, penitentiary: line.penitentiary });
  const afs = (
    await sql<{ id: number; total_amount: string | null }>`
      SELECT id, total_amount FROM counting_annex
      WHERE structure_id = ${input.structureId}::bigint AND starts_on <= ${`${input.year}-12-31`}::date AND ends_on >= ${`${input.year}-01-01`}::date
      ORDER BY starts_on`.execute(db)
  ).rows;
  if (afs.length === 0) throw new OperationInputError([{ field: "year", reason: "aucune annexe financière en vigueur cette année" }]);
  // Validates percent, cap and reason once on the year's socle.
  const decision = ruleOnField("decidedPercent", () =>
    decideModulation(line.socleTotal, line.proposedPercent, input.decidedPercent, territory, input.reason),
  );
  let amount = new Decimal(0);
  for (const af of afs) {
    const d = decideModulation(af.total_amount ?? "0", line.proposedPercent, input.decidedPercent, territory, input.reason ?? "-");
    amount = amount.plus(d.amount);
    await db
      .updateTable("financial_annex")
      .set({ modulation_percent: d.decidedPercent, modulated_amount: d.amount, updated_at: new Date() })
      .where("id", "=", Number(af.id))
      .execute();
  }
  const grid = await gridInForce(db, s.dep, input.year);
  const gridId =
    grid.id ??
    (
      await db
        .insertInto("modulation_grid")
        .values({
          departement_code: s.dep,
          year: input.year,
          version: 1,
          criteria: JSON.stringify(grid.grid),
          created_by: deps.actor.label,
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
  const values = {
    grid_id: gridId,
    penitentiary: line.penitentiary,
    proposed_percent: line.proposedPercent,
    decided_percent: decision.decidedPercent,
    override_reason: decision.overridden ? (input.reason ?? null) : null,
    socle_total: line.socleTotal,
    amount: amount.toFixed(2),
    criteria: JSON.stringify(line.criteria),
    updated_at: new Date(),
  };
  await db
    .insertInto("structure_modulation")
    .values({ structure_id: input.structureId, year: input.year, ...values })
    .onConflict((oc) => oc.columns(["structure_id", "year"]).doUpdateSet(values))
    .execute();
  await recordAudit(db, deps.actor, {
    action: "structure_modulation.decide",
    entity: "structure_modulation",
    entityId: `${input.structureId}/${input.year}`,
    structureId: input.structureId,
    after: {
      proposedPercent: line.proposedPercent,
      decidedPercent: decision.decidedPercent,
      amount: amount.toFixed(2),
      reason: input.reason ?? null,
    },
  });
  return { proposedPercent: line.proposedPercent, decidedPercent: decision.decidedPercent, amount: amount.toFixed(2) };
}
