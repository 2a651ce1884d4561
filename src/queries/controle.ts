// Read model of the contrôle a posteriori draw: the hirings of a département's structures that created a PASS IAE
// on a diagnosis made by the hiring structure itself, in the period — iae-reference §4.4 (les-emplois
// EvaluationCampaign.eligible_job_applications: accepted hiring, PASS started on the hiring day, diagnosis by an
// employer = the hiring SIAE, hiring start in the period, evaluable kind, SIAE of the département).
// A hiring = the initial contract of a recruitment (rank 0). No personal data is read.
import { type Kysely, sql } from "kysely";
import type { Database } from "../db/schema.js";
import { structureDepartement } from "../db/structureDepartement.js";
import { type AutoPrescribedHiring, type CampaignDraw, drawCampaign, EVALUABLE_KINDS } from "../domain/controle/sampling.js";
import type { SiaeKind } from "../domain/structures/kinds.js";

export async function autoPrescribedHirings(
  db: Kysely<Database>,
  departement: string,
  from: string,
  to: string,
): Promise<AutoPrescribedHiring[]> {
  const { rows } = await sql<{ id: number; structure_id: number; kind: SiaeKind; starts_on: string }>`
    SELECT c.id, c.structure_id, s.kind, c.starts_on
    FROM contract c
    JOIN structure s ON s.id = c.structure_id
    JOIN approval a ON a.id = c.approval_id
    JOIN eligibility_diagnosis d ON d.id = a.diagnosis_id
    WHERE c.rank = 0 AND c.starts_on BETWEEN ${from}::date AND ${to}::date
      AND a.starts_on = c.starts_on
      AND d.author_kind = 'siae' AND d.author_structure_id = c.structure_id
      AND s.kind IN (${sql.join(EVALUABLE_KINDS.map((k) => sql`${k}`))})
      AND ${structureDepartement("s")} = ${departement}
    ORDER BY c.id`.execute(db);
  return rows.map((r) => ({ hiringId: Number(r.id), structureId: Number(r.structure_id), kind: r.kind, startsOn: r.starts_on }));
}

export interface ControleSample extends CampaignDraw {
  departement: string;
  from: string;
  to: string;
  names: Record<string, string>;
}

export async function controleSample(
  db: Kysely<Database>,
  departement: string,
  from: string,
  to: string,
  seed: number,
  percent?: number,
): Promise<ControleSample> {
  const draw = drawCampaign(await autoPrescribedHirings(db, departement, from, to), seed, percent);
  const ids = draw.eligible.map((e) => e.structureId);
  const names = ids.length === 0 ? [] : await db.selectFrom("structure").select(["id", "name"]).where("id", "in", ids).execute();
  return { departement, from, to, ...draw, names: Object.fromEntries(names.map((n) => [String(n.id), n.name])) };
}
