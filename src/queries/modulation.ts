// Part modulée of a département for a year (`passerelle modulation`, the DDETS's modulation page): for every
// structure with a counting AF in the year, the grid's proposal line by line (the same measures as its
// dialogue sheet: measuresOf over the indicators' figures), and the percentage and amount decided.
import { type Kysely, sql } from "kysely";
import type { Database } from "../db/schema.js";
import { structureDepartement } from "../db/structureDepartement.js";
import { refreshPlannerStatistics } from "../db/rollups.js";
import { modulationTerritory } from "../domain/aid/territory.js";
import { type CriterionLine, proposeModulation } from "../domain/financing/modulationGrid.js";
import type { SiaeKind } from "../domain/structures/kinds.js";
import { computePeriodFigures } from "../indicators/computeIndicators.js";
import { gridInForce, measuresOf, publicAndSupport } from "./dialogue.js";

export interface StructureModulationLine {
  structureId: number;
  name: string;
  kind: SiaeKind;
  penitentiary: boolean;
  /** Aide au poste (socle) of the year, prorated like the indicators' budget. */
  socleTotal: string;
  capPercent: number;
  proposedPercent: string;
  decidedPercent: string | null;
  amount: string | null;
  overrideReason: string | null;
  criteria: CriterionLine[];
}

export interface DepartementModulation {
  departement: string;
  year: number;
  gridVersion: number | null;
  structures: StructureModulationLine[];
}

export async function computeStructureModulation(
  db: Kysely<Database>,
  structureId: number,
  year: number,
  pre?: Awaited<ReturnType<typeof publicAndSupport>> & { grid: Awaited<ReturnType<typeof gridInForce>> },
): Promise<StructureModulationLine> {
  const s = await db
    .selectFrom("structure as s")
    .select(["s.id", "s.name", "s.kind", sql<string>`${structureDepartement("s")}`.as("departement")])
    .where("s.id", "=", structureId)
    .executeTakeFirstOrThrow();
  const afs = (
    await sql<{ penitentiary: boolean; forecast_dynamic_rate: string | null }>`
      SELECT penitentiary, forecast_dynamic_rate FROM counting_annex
      WHERE structure_id = ${structureId}::bigint AND starts_on <= ${`${year}-12-31`}::date AND ends_on >= ${`${year}-01-01`}::date
      ORDER BY starts_on DESC`.execute(db)
  ).rows;
  const penitentiary = afs.some((a) => a.penitentiary);
  const objective = afs.find((a) => a.forecast_dynamic_rate !== null)?.forecast_dynamic_rate;
  const figures = await computePeriodFigures(
    db,
    { type: "structure", id: structureId },
    { from: `${year}-01-01`, to: `${year}-12-31` },
    `${year}-12-31`,
  );
  const ps = pre ?? {
    ...(await publicAndSupport(db, sql`s.id = ${structureId}::bigint`, year)),
    grid: await gridInForce(db, s.departement, year),
  };
  const territory = modulationTerritory({ departementCode: s.departement, penitentiary });
  const proposal = proposeModulation(
    ps.grid.grid,
    measuresOf(
      figures,
      ps.pub.get(structureId),
      ps.sup.get(structureId),
      objective === undefined || objective === null ? null : Number(objective) / 100,
    ),
    territory,
  );
  const decided = await db
    .selectFrom("structure_modulation")
    .selectAll()
    .where("structure_id", "=", structureId)
    .where("year", "=", year)
    .executeTakeFirst();
  return {
    structureId,
    name: s.name,
    kind: s.kind as SiaeKind,
    penitentiary,
    socleTotal: figures.budget.total.toFixed(2),
    capPercent: proposal.capPercent,
    proposedPercent: proposal.proposedPercent,
    decidedPercent: decided?.decided_percent ?? null,
    amount: decided?.amount ?? null,
    overrideReason: decided?.override_reason ?? null,
    criteria: proposal.criteria,
  };
}

export async function computeDepartementModulation(
  db: Kysely<Database>,
  departementCode: string,
  year: number,
): Promise<DepartementModulation> {
  await refreshPlannerStatistics(db);
  const { rows: ids } = await sql<{ id: number }>`
    SELECT s.id FROM structure s
    WHERE ${structureDepartement("s")} = ${departementCode}
      AND EXISTS (SELECT 1 FROM counting_annex a WHERE a.structure_id = s.id
        AND a.starts_on <= ${`${year}-12-31`}::date AND a.ends_on >= ${`${year}-01-01`}::date)
    ORDER BY s.name, s.id`.execute(db);
  const grid = await gridInForce(db, departementCode, year);
  const ps = await publicAndSupport(db, sql`${structureDepartement("s")} = ${departementCode}`, year);
  const structures: StructureModulationLine[] = [];
  for (const { id } of ids) structures.push(await computeStructureModulation(db, Number(id), year, { ...ps, grid }));
  return { departement: departementCode, year, gridVersion: grid.version, structures };
}
