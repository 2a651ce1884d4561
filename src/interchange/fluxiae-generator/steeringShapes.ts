// The shapes of in-year steering on generated national data, added after `passerelle import` of a
// `passerelle generate` delivery (a FluxIAE delivery carries neither eligibility diagnoses nor follow-ups,
// iae-reference §7.1, so they cannot be in its views): the same shapes as the demo's (src/demo/):
//  - follow-ups after exit: for each structure, a CSV in the follow-up import's format (`sortie;horizon;situation`,
//    src/domain/followUp/csv.ts) with every exit whose 6- or 12-month follow-up fell due before the month of
//    `asOf`, with realistic gaps (exits left out, `INCONNU`) — written next to the delivery (`suivis/`, a
//    sub-folder the FluxIAE reader does not read) and imported through the follow-up import itself;
//  - hirings on the SIAE's own diagnosis: in one département, half of the structures take one in three of their
//    initial hirings of the campaign's period on their own diagnosis (criteria the SIAE rule accepts, a PASS IAE
//    started on the hiring day);
//  - a contrôle campaign on the first half of the year before `asOf`, drawn through the domain's sampling with the
//    generator's seed, its files at every step (src/demo/controle.ts progressControleFiles).
// Deterministic for a seed and a database imported from the same delivery.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { sql } from "kysely";
import { type Actor, recordAudit } from "../../db/audit.js";
import type { Db } from "../../db/schema.js";
import { structureDepartement } from "../../db/structureDepartement.js";
import { progressControleFiles } from "../../demo/controle.js";
import { demoSituation } from "../../demo/followUp.js";
import { Random } from "../../demo/random.js";
import { fixedClock } from "../../domain/calendar/clock.js";
import { addDays } from "../../domain/calendar/isoDate.js";
import { initialEndDate } from "../../domain/approvals/approval.js";
import { EVALUABLE_KINDS } from "../../domain/controle/sampling.js";
import { checkCriteria, MUTUALLY_EXCLUSIVE_CRITERIA } from "../../domain/eligibility/criteria.js";
import { diagnosisExpiresAt } from "../../domain/eligibility/diagnosis.js";
import { FOLLOW_UP_HORIZONS, followUpDueOn, isFollowedExitGroup } from "../../domain/followUp/followUp.js";
import type { SiaeKind } from "../../domain/structures/kinds.js";
import { createControleCampaign } from "../../operations/controleCampaign.js";
import { importFollowUps } from "../../operations/recordFollowUps.js";
import { loadCriteria } from "../../operations/referenceData.js";
import type { OperationDeps } from "../../operations/types.js";
import type { PersonalDataCipher } from "../../security/personalData.js";

export interface SteeringShapesOptions {
  seed: number;
  /** The data's "today" (default: 15 January of the year after the last month declared). */
  asOf?: string;
  /** Département of the contrôle campaign (default: the one with the most initial hirings in the period). */
  departement?: string;
  /** Folder receiving `suivis/<structure>.csv` (the delivery folder); none: the files are only imported. */
  out?: string;
}

export interface SteeringShapesSummary {
  asOf: string;
  followUps: { structures: number; lines: number; written: number; dueExits: number; folder: string | null; files: number };
  autoPrescribed: number;
  campaign: { id: number; departement: string; from: string; to: string; seed: number; eligible: number; selected: number } | null;
}

export const GENERATED_ACTOR: Actor = { userId: null, label: "generate" };

export async function addGeneratedSteeringShapes(
  db: Db,
  pii: PersonalDataCipher,
  options: SteeringShapesOptions,
): Promise<SteeringShapesSummary> {
  const asOf = options.asOf ?? (await defaultAsOf(db));
  const deps = (on: string): OperationDeps => ({ clock: fixedClock(on), pii, actor: GENERATED_ACTOR });
  const followUps = await addFollowUps(db, deps(asOf), options.seed, asOf, options.out);
  const year = Number(asOf.slice(0, 4)) - 1;
  const from = `${year}-01-01`;
  const to = `${year}-06-30`;
  const departement = options.departement ?? (await busiestDepartement(db, from, to));
  if (departement === null) return { asOf, followUps, autoPrescribed: 0, campaign: null };
  const autoPrescribed = await addAutoPrescriptions(db, options.seed, departement, from, to);
  const drawnOn = `${year}-12-09`;
  const created = await createControleCampaign(db, deps(drawnOn), { departement, from, to, seed: options.seed });
  await progressControleFiles(
    db,
    { pii },
    GENERATED_ACTOR,
    created.id,
    created.selected.map((s) => s.structureId),
    year,
  );
  return {
    asOf,
    followUps,
    autoPrescribed,
    campaign: {
      id: created.id,
      departement,
      from,
      to,
      seed: options.seed,
      eligible: created.eligible,
      selected: created.selected.length,
    },
  };
}

async function defaultAsOf(db: Db): Promise<string> {
  const { rows } = await sql<{ y: number | null }>`SELECT extract(year FROM max(month))::int AS y FROM monthly_declaration`.execute(db);
  const y = rows[0]?.y;
  if (y === null || y === undefined) throw new RangeError("aucune déclaration mensuelle : importer d'abord une livraison générée");
  return `${Number(y) + 1}-01-15`;
}

/** One CSV per structure, in the follow-up import's format, imported by the follow-up import (all or nothing). */
async function addFollowUps(
  db: Db,
  deps: OperationDeps,
  seed: number,
  asOf: string,
  out: string | undefined,
): Promise<SteeringShapesSummary["followUps"]> {
  const { rows } = await sql<{ id: number; structure_id: number; exit_on: string; grp: string }>`
    SELECT e.id, e.structure_id, e.exit_on, c.grp FROM exit e
    JOIN ref_exit_motif m ON m.code = e.motif_code JOIN ref_exit_category c ON c.code = m.category_code
    WHERE e.exit_on < ${asOf}::date
    ORDER BY e.structure_id, e.id`.execute(db);
  const month = asOf.slice(0, 7);
  const byStructure = new Map<number, string[]>();
  let dueExits = 0;
  for (const r of rows) {
    if (!isFollowedExitGroup(r.grp)) continue;
    const exitId = Number(r.id);
    for (const horizon of FOLLOW_UP_HORIZONS) {
      if (followUpDueOn(r.exit_on, horizon).slice(0, 7) >= month) continue;
      dueExits++;
      const situation = demoSituation(exitId, horizon, r.grp, seed + 1);
      if (situation === null) continue;
      const lines = byStructure.get(Number(r.structure_id)) ?? [];
      lines.push(`${exitId};${horizon};${situation}`);
      byStructure.set(Number(r.structure_id), lines);
    }
  }
  const dir = out === undefined ? null : path.join(out, "suivis");
  if (dir !== null) mkdirSync(dir, { recursive: true });
  let files = 0;
  let lines = 0;
  let written = 0;
  for (const [structureId, body] of byStructure) {
    const name = `suivi-${structureId}.csv`;
    const text = `sortie;horizon;situation\n${body.join("\n")}\n`;
    if (dir !== null) {
      writeFileSync(path.join(dir, name), text);
      files++;
    }
    const result = await importFollowUps(db, deps, structureId, { name, text });
    lines += result.lines;
    written += result.written;
  }
  return { structures: byStructure.size, lines, written, dueExits, folder: dir, files };
}

async function busiestDepartement(db: Db, from: string, to: string): Promise<string | null> {
  const { rows } = await sql<{ dep: string }>`
    SELECT ${structureDepartement("s")} AS dep FROM contract c JOIN structure s ON s.id = c.structure_id
    WHERE c.rank = 0 AND c.starts_on BETWEEN ${from}::date AND ${to}::date
      AND s.kind IN (${sql.join(EVALUABLE_KINDS.map((k) => sql`${k}`))})
    GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`.execute(db);
  return rows[0]?.dep ?? null;
}

/**
 * Half of the département's structures (drawn with the seed) take one in three of their initial hirings of the
 * period on their own diagnosis, made up to 30 days before the hiring, with one level-1 criterion (enough for a
 * SIAE of any kind) and sometimes a level-2 one; the hiring's PASS IAE starts on the hiring day. Hirings that
 * already have a PASS are left alone.
 */
async function addAutoPrescriptions(db: Db, seed: number, departement: string, from: string, to: string): Promise<number> {
  const criteria = await loadCriteria(db);
  const exclusive = (a: string, b: string) => MUTUALLY_EXCLUSIVE_CRITERIA.some(([x, y]) => (x === a && y === b) || (x === b && y === a));
  // Age criteria depend on the birth date: left out rather than checked against each person.
  const level1 = criteria.filter((c) => c.level === 1).map((c) => c.kind);
  const level2 = criteria.filter((c) => c.level === 2 && c.kind !== "SENIOR" && c.kind !== "JEUNE").map((c) => c.kind);
  const { rows } = await sql<{ id: number; person_id: number; structure_id: number; kind: SiaeKind; starts_on: string }>`
    SELECT c.id, c.person_id, c.structure_id, s.kind, c.starts_on FROM contract c JOIN structure s ON s.id = c.structure_id
    WHERE c.rank = 0 AND c.approval_id IS NULL AND c.starts_on BETWEEN ${from}::date AND ${to}::date
      AND s.kind IN (${sql.join(EVALUABLE_KINDS.map((k) => sql`${k}`))})
      AND ${structureDepartement("s")} = ${departement}
    ORDER BY c.structure_id, c.id`.execute(db);
  const rnd = new Random(seed);
  const takes = new Map<number, boolean>();
  let n = 0;
  for (const r of rows) {
    const structureId = Number(r.structure_id);
    if (!takes.has(structureId)) takes.set(structureId, rnd.chance(0.5));
    if (!takes.get(structureId) || !rnd.chance(1 / 3)) continue;
    const first = rnd.pick(level1);
    const others = level2.filter((c) => !exclusive(c, first));
    const second = others.length > 0 && rnd.chance(0.5) ? rnd.pick(others) : undefined;
    const chosen = second === undefined ? [first] : [first, second];
    if (!checkCriteria(criteria, chosen, "SIAE", r.kind).eligible) continue;
    const madeOn = addDays(r.starts_on, -rnd.int(0, 30));
    const diagnosis = await db
      .insertInto("eligibility_diagnosis")
      .values({
        person_id: Number(r.person_id),
        author_kind: "siae",
        author_structure_id: structureId,
        made_on: madeOn,
        expires_on: diagnosisExpiresAt({ author: "SIAE", createdAt: madeOn }),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db
      .insertInto("eligibility_diagnosis_criterion")
      .values(chosen.map((code) => ({ diagnosis_id: diagnosis.id, criterion_code: code })))
      .execute();
    const approval = await db
      .insertInto("approval")
      .values({
        person_id: Number(r.person_id),
        starts_on: r.starts_on,
        ends_on: initialEndDate(r.starts_on),
        diagnosis_id: diagnosis.id,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db.updateTable("contract").set({ approval_id: approval.id }).where("id", "=", Number(r.id)).execute();
    n++;
  }
  await recordAudit(db, GENERATED_ACTOR, {
    action: "generate.auto_prescriptions",
    entity: "eligibility_diagnosis",
    after: { departement, from, to, diagnoses: n },
  });
  return n;
}
