// Use cases of a contrôle a posteriori campaign (docs/steering.md; rules: src/domain/controle/sampling.ts and
// workflow.ts): the DDETS draws and records a campaign (its seed, selection and samples, the criteria of each
// sampled hiring's diagnosis to justify); the SIAE adds proofs per criterion and transmits; the DDETS accepts or
// refuses each criterion, closes the review (adversarial phase when one is refused), decides per structure.
// Every step is one transaction with one audit entry; no personal data is written to the trail.
import { randomInt } from "node:crypto";
import { sql } from "kysely";
import { z } from "zod";
import { recordAudit } from "../db/audit.js";
import type { Updateable } from "kysely";
import type { ControleStructureTable, Db } from "../db/schema.js";
import { formatFrenchDate } from "../domain/calendar/isoDate.js";
import { drawCampaign, validateSelectionPercent } from "../domain/controle/sampling.js";
import {
  type CriterionStatus,
  checkDeadlines,
  checkFinalDecision,
  closeReview,
  DECISION_REASONS,
  extendDeadlines,
  type Deadlines,
  defaultDeadlines,
  type FileState,
  proofPhase,
  reviewCriterion,
  submitFile,
} from "../domain/controle/workflow.js";
import { autoPrescribedHirings } from "../queries/controle.js";
import { attachmentFileName, checkAttachment } from "./attachments.js";
import { id, isoDate } from "./schemas.js";
import { NotFoundError, OperationInputError, type OperationDeps, parseInput, ruleOnField } from "./types.js";

export const createCampaignInput = z
  .object({
    departement: z.string().regex(/^([0-9]{2}|2A|2B|97[1-6])$/),
    from: isoDate,
    to: isoDate,
    /** Default: drawn at random now, then recorded (the same seed replays the same draw). */
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    percent: z.number().int().optional(),
    proofsDueOn: isoDate.optional(),
    reviewDueOn: isoDate.optional(),
    adversarialDueOn: isoDate.optional(),
  })
  .strict();
export type CreateCampaignInput = z.input<typeof createCampaignInput>;

export interface CreatedCampaign {
  id: number;
  seed: number;
  percent: number;
  eligible: number;
  selected: { structureId: number; sampled: number[] }[];
}

/** Draws the campaign of a département and period and records it with its seed, selection and samples. */
export async function createControleCampaign(db: Db, deps: OperationDeps, raw: CreateCampaignInput): Promise<CreatedCampaign> {
  const input = parseInput(createCampaignInput, raw);
  if (input.from > input.to) throw new OperationInputError([{ field: "to", reason: "fin de période après son début attendue" }]);
  const today = deps.clock.today();
  if (input.to >= today) throw new OperationInputError([{ field: "to", reason: "la période contrôlée doit être passée" }]);
  const percent = ruleOnField("percent", () => validateSelectionPercent(input.percent ?? 30));
  const defaults = defaultDeadlines(today);
  const deadlines: Deadlines = ruleOnField("proofsDueOn", () =>
    checkDeadlines(today, {
      proofsDueOn: input.proofsDueOn ?? defaults.proofsDueOn,
      reviewDueOn: input.reviewDueOn ?? defaults.reviewDueOn,
      adversarialDueOn: input.adversarialDueOn ?? defaults.adversarialDueOn,
    }),
  );
  // A hiring is controlled once: the periods of one département's campaigns do not overlap.
  const overlap = await db
    .selectFrom("controle_campaign")
    .select(["id", "period_from", "period_to"])
    .where("departement_code", "=", input.departement)
    .where("period_from", "<=", input.to)
    .where("period_to", ">=", input.from)
    .executeTakeFirst();
  if (overlap)
    throw new OperationInputError([
      {
        field: "from",
        reason: `une campagne couvre déjà cette période (du ${formatFrenchDate(overlap.period_from)} au ${formatFrenchDate(overlap.period_to)})`,
      },
    ]);
  const seed = input.seed ?? randomInt(0, 2 ** 47);
  const draw = drawCampaign(await autoPrescribedHirings(db, input.departement, input.from, input.to), seed, percent);
  const campaign = await db
    .insertInto("controle_campaign")
    .values({
      departement_code: input.departement,
      period_from: input.from,
      period_to: input.to,
      seed,
      percent,
      eligible_structures: draw.eligible.length,
      proofs_due_on: deadlines.proofsDueOn,
      review_due_on: deadlines.reviewDueOn,
      adversarial_due_on: deadlines.adversarialDueOn,
      created_by: deps.actor.label,
      created_on: today,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const campaignId = Number(campaign.id);
  if (draw.selected.length > 0) {
    await db
      .insertInto("controle_structure")
      .values(draw.selected.map((s) => ({ campaign_id: campaignId, structure_id: s.structureId, eligible_hirings: s.hirings.length })))
      .execute();
    const hirings = draw.selected.flatMap((s) =>
      s.sampled.map((c) => ({ campaign_id: campaignId, structure_id: s.structureId, contract_id: c })),
    );
    await db.insertInto("controle_hiring").values(hirings).execute();
    // The criteria of the diagnosis behind each sampled hiring; a certified one is accepted without proof.
    await sql`
      INSERT INTO controle_criterion (campaign_id, contract_id, criterion_code, certified, review, reviewed_at, reviewed_by)
      SELECT h.campaign_id, h.contract_id, k.criterion_code, k.certified,
        CASE WHEN k.certified THEN 'acceptee' ELSE 'en_attente' END,
        CASE WHEN k.certified THEN now() END,
        CASE WHEN k.certified THEN 'certifié' END
      FROM controle_hiring h
      JOIN contract c ON c.id = h.contract_id
      JOIN approval a ON a.id = c.approval_id
      JOIN eligibility_diagnosis_criterion k ON k.diagnosis_id = a.diagnosis_id
      WHERE h.campaign_id = ${campaignId}`.execute(db);
  }
  await recordAudit(db, deps.actor, {
    action: "controle.create",
    entity: "controle_campaign",
    entityId: campaignId,
    after: {
      departement: input.departement,
      from: input.from,
      to: input.to,
      seed,
      percent,
      eligible: draw.eligible.length,
      selected: draw.selected.map((s) => ({ structureId: s.structureId, sampled: s.sampled })),
      ...deadlines,
    },
  });
  return {
    id: campaignId,
    seed,
    percent,
    eligible: draw.eligible.length,
    selected: draw.selected.map((s) => ({ structureId: s.structureId, sampled: s.sampled })),
  };
}

interface FileRow {
  state: FileState;
  departement: string;
  campaignState: "en_cours" | "close";
  deadlines: Deadlines;
}

/** The file of a structure in a campaign, locked for the step; 404 when the structure is not selected in it. */
async function loadFile(db: Db, campaignId: number, structureId: number): Promise<FileRow> {
  const row = await db
    .selectFrom("controle_structure as f")
    .innerJoin("controle_campaign as c", "c.id", "f.campaign_id")
    .select(["f.state", "c.departement_code", "c.state as campaign_state", "c.proofs_due_on", "c.review_due_on", "c.adversarial_due_on"])
    .select([
      "f.proofs_due_on as file_proofs_due_on",
      "f.review_due_on as file_review_due_on",
      "f.adversarial_due_on as file_adversarial_due_on",
    ])
    .where("f.campaign_id", "=", campaignId)
    .where("f.structure_id", "=", structureId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new NotFoundError("controle_structure", `${campaignId}/${structureId}`);
  return {
    state: row.state,
    departement: row.departement_code,
    campaignState: row.campaign_state,
    // A file whose deadlines the DDETS extended is held to its own (set together, migration 0760).
    deadlines:
      row.file_proofs_due_on !== null && row.file_review_due_on !== null && row.file_adversarial_due_on !== null
        ? { proofsDueOn: row.file_proofs_due_on, reviewDueOn: row.file_review_due_on, adversarialDueOn: row.file_adversarial_due_on }
        : { proofsDueOn: row.proofs_due_on, reviewDueOn: row.review_due_on, adversarialDueOn: row.adversarial_due_on },
  };
}

interface CriterionRow extends CriterionStatus {
  id: number;
  contractId: number;
  code: string;
}

async function loadCriteria(db: Db, campaignId: number, structureId: number): Promise<CriterionRow[]> {
  const { rows } = await sql<{
    id: number;
    contract_id: number;
    criterion_code: string;
    certified: boolean;
    review: CriterionStatus["review"];
    initial: number;
    adversarial: number;
  }>`
    SELECT k.id, k.contract_id, k.criterion_code, k.certified, k.review,
      (SELECT count(*) FROM controle_proof p WHERE p.criterion_id = k.id AND p.phase = 'initiale')::int AS initial,
      (SELECT count(*) FROM controle_proof p WHERE p.criterion_id = k.id AND p.phase = 'contradictoire')::int AS adversarial
    FROM controle_criterion k
    JOIN controle_hiring h ON h.campaign_id = k.campaign_id AND h.contract_id = k.contract_id
    WHERE k.campaign_id = ${campaignId} AND h.structure_id = ${structureId}
    ORDER BY k.contract_id, k.criterion_code`.execute(db);
  return rows.map((r) => ({
    id: Number(r.id),
    contractId: Number(r.contract_id),
    code: r.criterion_code,
    certified: r.certified,
    review: r.review,
    initialProofs: Number(r.initial),
    adversarialProofs: Number(r.adversarial),
  }));
}

function criterionOf(criteria: readonly CriterionRow[], criterionId: number): CriterionRow {
  const c = criteria.find((k) => k.id === criterionId);
  if (!c) throw new NotFoundError("controle_criterion", criterionId);
  return c;
}

const fileRef = { campaignId: id, structureId: id };
type FileRef = { campaignId: number; structureId: number };

/** A change of a selected structure's file, in the audit trail of its campaign. */
async function auditFile(db: Db, deps: OperationDeps, ref: FileRef, action: string, change: { before?: unknown; after: unknown }) {
  await recordAudit(db, deps.actor, {
    action: `controle.${action}`,
    entity: "controle_campaign",
    entityId: ref.campaignId,
    structureId: ref.structureId,
    ...change,
  });
}

/** Writes `set` on a selected structure's file. */
async function updateFile(db: Db, ref: FileRef, set: Updateable<ControleStructureTable>) {
  await db
    .updateTable("controle_structure")
    .set(set)
    .where("campaign_id", "=", ref.campaignId)
    .where("structure_id", "=", ref.structureId)
    .execute();
}

export const addProofInput = z
  .object({ ...fileRef, criterionId: id, fileName: attachmentFileName, content: z.instanceof(Uint8Array) })
  .strict();

/** The SIAE adds a proof (PDF, PNG or JPEG, 5 MiB at most) to a criterion of one of its sampled hirings. */
export async function addControleProof(
  db: Db,
  deps: OperationDeps,
  raw: z.input<typeof addProofInput>,
): Promise<{ id: number; phase: "initiale" | "contradictoire"; sha256: string; sizeBytes: number }> {
  const input = parseInput(addProofInput, raw);
  const file = await loadFile(db, input.campaignId, input.structureId);
  const criterion = criterionOf(await loadCriteria(db, input.campaignId, input.structureId), input.criterionId);
  const phase = ruleOnField("criterionId", () => proofPhase(file.state, criterion, deps.clock.today(), file.deadlines));
  const { bytes, contentType, sha256 } = checkAttachment(input.content, ["application/pdf", "image/png", "image/jpeg"]);
  const row = await db
    .insertInto("controle_proof")
    .values({
      criterion_id: criterion.id,
      phase,
      file_name: input.fileName,
      content_type: contentType,
      size_bytes: bytes.length,
      sha256,
      content: bytes,
      uploaded_by: deps.actor.label,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await auditFile(db, deps, input, "proof", {
    after: {
      criterionId: criterion.id,
      criterion: criterion.code,
      phase,
      proofId: Number(row.id),
      fileName: input.fileName,
      sizeBytes: bytes.length,
      sha256,
    },
  });
  return { id: Number(row.id), phase, sha256, sizeBytes: bytes.length };
}

async function moveFile(
  db: Db,
  deps: OperationDeps,
  ref: FileRef,
  from: FileState,
  to: FileState,
  action: string,
  after: Record<string, unknown> = {},
) {
  const now = new Date();
  await updateFile(db, ref, {
    state: to,
    ...(to === "soumis" && from === "pieces" ? { submitted_at: now } : {}),
    ...(to === "contradictoire" ? { adversarial_at: now } : {}),
    ...(to === "soumis_contradictoire" ? { adversarial_submitted_at: now } : {}),
  });
  await auditFile(db, deps, ref, action, { before: { state: from }, after: { state: to, ...after } });
}

export const fileInput = z.object(fileRef).strict();

/** The SIAE transmits its file (first phase, or its adversarial proofs). */
export async function submitControleFile(db: Db, deps: OperationDeps, raw: z.input<typeof fileInput>): Promise<{ state: FileState }> {
  const input = parseInput(fileInput, raw);
  const file = await loadFile(db, input.campaignId, input.structureId);
  const criteria = await loadCriteria(db, input.campaignId, input.structureId);
  const to = ruleOnField("state", () => submitFile(file.state, criteria, deps.clock.today(), file.deadlines));
  await moveFile(db, deps, input, file.state, to, "submit");
  return { state: to };
}

export const reviewInput = z
  .object({ ...fileRef, criterionId: id, verdict: z.enum(["acceptee", "refusee"]), comment: z.string().trim().max(2000).default("") })
  .strict();

/** The DDETS accepts or refuses (with its reason) one criterion. */
export async function reviewControleCriterion(
  db: Db,
  deps: OperationDeps,
  raw: z.input<typeof reviewInput>,
): Promise<{ criterionId: number; review: string }> {
  const input = parseInput(reviewInput, raw);
  const file = await loadFile(db, input.campaignId, input.structureId);
  const criterion = criterionOf(await loadCriteria(db, input.campaignId, input.structureId), input.criterionId);
  const review = ruleOnField("verdict", () => reviewCriterion(file.state, criterion, input.verdict, input.comment));
  await db
    .updateTable("controle_criterion")
    .set({ review, review_comment: input.comment, reviewed_at: new Date(), reviewed_by: deps.actor.label })
    .where("id", "=", criterion.id)
    .execute();
  await auditFile(db, deps, input, "review", {
    before: { criterionId: criterion.id, review: criterion.review },
    after: { criterionId: criterion.id, criterion: criterion.code, review, comment: input.comment },
  });
  return { criterionId: criterion.id, review };
}

/** The DDETS closes its first review: the adversarial phase opens when a criterion is refused. */
export async function closeControleReview(db: Db, deps: OperationDeps, raw: z.input<typeof fileInput>): Promise<{ state: FileState }> {
  const input = parseInput(fileInput, raw);
  const file = await loadFile(db, input.campaignId, input.structureId);
  const criteria = await loadCriteria(db, input.campaignId, input.structureId);
  const to = ruleOnField("state", () => closeReview(file.state, criteria));
  if (to !== file.state)
    await moveFile(db, deps, input, file.state, to, "adversarial", {
      refused: criteria.filter((c) => c.review === "refusee").length,
    });
  return { state: to };
}

export const decideInput = z
  .object({
    ...fileRef,
    decision: z.enum(["conforme", "non_conforme"]),
    reason: z.enum(DECISION_REASONS).optional(),
    comment: z.string().trim().max(4000).default(""),
    trainingRequired: z.boolean().optional(),
    suspendedFrom: isoDate.optional(),
    suspendedTo: isoDate.optional(),
    aidCorrection: z.string().trim().max(2000).optional(),
  })
  .strict();

/** The DDETS's final decision on a structure, with the consequences of a non-conforme one. */
export async function decideControleFile(db: Db, deps: OperationDeps, raw: z.input<typeof decideInput>): Promise<{ state: FileState }> {
  const input = parseInput(decideInput, raw);
  const file = await loadFile(db, input.campaignId, input.structureId);
  const criteria = await loadCriteria(db, input.campaignId, input.structureId);
  ruleOnField("decision", () => checkFinalDecision(file.state, criteria, deps.clock.today(), file.deadlines, input));
  const consequences = {
    training_required: input.decision === "non_conforme" && input.trainingRequired === true,
    suspended_from: input.decision === "non_conforme" ? (input.suspendedFrom ?? null) : null,
    suspended_to: input.decision === "non_conforme" ? (input.suspendedTo ?? null) : null,
    aid_correction: input.decision === "non_conforme" ? (input.aidCorrection ?? "") : "",
  };
  await updateFile(db, input, {
    state: "decide",
    decision: input.decision,
    decision_reason: input.decision === "non_conforme" ? (input.reason ?? null) : null,
    decision_comment: input.comment,
    ...consequences,
    decided_at: new Date(),
    decided_by: deps.actor.label,
  });
  await auditFile(db, deps, input, "decide", {
    before: { state: file.state },
    after: { state: "decide", decision: input.decision, reason: input.reason ?? null, comment: input.comment, ...consequences },
  });
  // The campaign is over once every selected structure has its decision.
  const open = await db
    .selectFrom("controle_structure")
    .select("structure_id")
    .where("campaign_id", "=", input.campaignId)
    .where("state", "<>", "decide")
    .executeTakeFirst();
  if (!open) await db.updateTable("controle_campaign").set({ state: "close" }).where("id", "=", input.campaignId).execute();
  return { state: "decide" };
}

export const extendInput = z.object({ ...fileRef, dueOn: isoDate, reason: z.string().trim().min(1).max(2000) }).strict();

/** The DDETS extends a file's current deadline (and the later ones by as many days), with its reason; audited. */
export async function extendControleDeadline(
  db: Db,
  deps: OperationDeps,
  raw: z.input<typeof extendInput>,
): Promise<{ deadlines: Deadlines }> {
  const input = parseInput(extendInput, raw);
  const file = await loadFile(db, input.campaignId, input.structureId);
  const deadlines = ruleOnField("dueOn", () => extendDeadlines(file.state, file.deadlines, input.dueOn, deps.clock.today()));
  await updateFile(db, input, {
    proofs_due_on: deadlines.proofsDueOn,
    review_due_on: deadlines.reviewDueOn,
    adversarial_due_on: deadlines.adversarialDueOn,
  });
  await auditFile(db, deps, input, "deadline.extend", {
    before: { state: file.state, ...file.deadlines },
    after: { ...deadlines, reason: input.reason },
  });
  return { deadlines };
}
