// Use case: record the situation of people 6 or 12 months after their exit — one entry from the form, or
// every line of a CSV file (format: src/domain/followUp/csv.ts, docs/steering.md). All or nothing: every
// line is checked (format, exit of this structure, follow-up already due) before anything is written, and
// every problem is reported with the file, the line and the field, never with a name or a NIR. Each row
// written (new or changed) is audited; an unchanged situation writes nothing.
import { recordAudit } from "../db/audit.js";
import type { Db } from "../db/schema.js";
import { type FollowUpCsvError, parseFollowUpCsv } from "../domain/followUp/csv.js";
import { type FollowUpHorizon, type FollowUpRecord, type FollowUpSituation, followUpDueOn } from "../domain/followUp/followUp.js";
import type { OperationDeps } from "./types.js";

/** Problems of an entry or an import, each naming where it is (file and line for an import). */
export class FollowUpInputError extends Error {
  constructor(readonly errors: readonly FollowUpCsvError[]) {
    super(`Suivi après sortie refusé : ${errors.length} erreur(s)`);
    this.name = "FollowUpInputError";
  }
}

export interface FollowUpWriteResult {
  /** Rows created or whose situation changed. */
  written: number;
  /** Lines whose situation was already the one recorded. */
  unchanged: number;
}

type Line = FollowUpRecord & { line: number };

/** One situation entered from the work list's form. */
export async function recordFollowUp(
  db: Db,
  deps: OperationDeps,
  structureId: number,
  entry: { exitId: number; horizon: FollowUpHorizon; situation: FollowUpSituation },
): Promise<FollowUpWriteResult> {
  return writeFollowUps(db, deps, structureId, "saisie", "saisie", [{ ...entry, line: 1 }]);
}

/** Every line of a follow-up CSV file, or nothing. */
export async function importFollowUps(
  db: Db,
  deps: OperationDeps,
  structureId: number,
  file: { name: string; text: string },
): Promise<FollowUpWriteResult & { lines: number }> {
  const parsed = parseFollowUpCsv(file.name, file.text);
  if (parsed.errors.length === 0 && parsed.records.length === 0)
    throw new FollowUpInputError([{ file: file.name, line: 2, field: "sortie", message: "le fichier ne contient aucune ligne de suivi" }]);
  const checked = await checkLines(db, deps, structureId, file.name, parsed.records);
  const errors = [...parsed.errors, ...checked].sort((a, b) => a.line - b.line);
  if (errors.length > 0) throw new FollowUpInputError(errors);
  const result = await writeFollowUps(db, deps, structureId, file.name, "import", parsed.records);
  return { ...result, lines: parsed.records.length };
}

/** Lines whose exit is not one of this structure's, or whose follow-up is not due yet (month of the due day). */
async function checkLines(
  db: Db,
  deps: OperationDeps,
  structureId: number,
  file: string,
  lines: readonly Line[],
): Promise<FollowUpCsvError[]> {
  if (lines.length === 0) return [];
  const exits = await db
    .selectFrom("exit")
    .select(["id", "exit_on"])
    .where("structure_id", "=", structureId)
    .where(
      "id",
      "in",
      lines.map((l) => l.exitId),
    )
    .execute();
  const exitOn = new Map(exits.map((e) => [Number(e.id), e.exit_on]));
  const month = deps.clock.today().slice(0, 7);
  const errors: FollowUpCsvError[] = [];
  for (const l of lines) {
    const on = exitOn.get(l.exitId);
    if (on === undefined) {
      errors.push({ file, line: l.line, field: "sortie", message: `sortie n° ${l.exitId} introuvable dans cette structure` });
      continue;
    }
    const due = followUpDueOn(on, l.horizon);
    if (due.slice(0, 7) > month)
      errors.push({
        file,
        line: l.line,
        field: "horizon",
        message: `suivi à ${l.horizon} mois de la sortie n° ${l.exitId} pas encore dû (le ${due})`,
      });
  }
  return errors;
}

async function writeFollowUps(
  db: Db,
  deps: OperationDeps,
  structureId: number,
  file: string,
  source: "saisie" | "import",
  lines: readonly Line[],
): Promise<FollowUpWriteResult> {
  const errors = await checkLines(db, deps, structureId, file, lines);
  if (errors.length > 0) throw new FollowUpInputError(errors);
  const today = deps.clock.today();
  let written = 0;
  let unchanged = 0;
  for (const l of lines) {
    const exit = await db.selectFrom("exit").select(["person_id"]).where("id", "=", l.exitId).executeTakeFirstOrThrow();
    const before = await db
      .selectFrom("follow_up")
      .select(["id", "situation", "observed_on"])
      .where("exit_id", "=", l.exitId)
      .where("horizon", "=", l.horizon)
      .executeTakeFirst();
    if (before?.situation === l.situation) {
      unchanged++;
      continue;
    }
    const row = await db
      .insertInto("follow_up")
      .values({
        exit_id: l.exitId,
        horizon: l.horizon,
        situation: l.situation,
        observed_on: today,
        entered_by: deps.actor.userId,
        source,
      })
      .onConflict((oc) =>
        oc.columns(["exit_id", "horizon"]).doUpdateSet({
          situation: l.situation,
          observed_on: today,
          entered_by: deps.actor.userId,
          source,
          updated_at: new Date(),
        }),
      )
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(db, deps.actor, {
      action: before ? "followUp.update" : "followUp.record",
      entity: "follow_up",
      entityId: row.id,
      personId: Number(exit.person_id),
      structureId,
      before: before ? { situation: before.situation, observedOn: before.observed_on } : null,
      after: { exitId: l.exitId, horizon: l.horizon, situation: l.situation, observedOn: today, source },
    });
    written++;
  }
  return { written, unchanged };
}
