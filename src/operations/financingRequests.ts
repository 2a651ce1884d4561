// Use cases of a financing request (demande de conventionnement / renouvellement) through the DDETS year
// (docs/ddets-year.md): the SIAE drafts, edits and files its request for year N with PDF attachments; the DDETS
// instructs it, proposes ETP (the amount is computed by the domain: computeAnnexFigures, the barème in force at
// 1 January of N for the structure's territory — never typed), records the CDIAE's opinion and the préfet's
// decision, which creates or renews the AF through createFinancialAnnex (renewal A+1 of the last AF, state
// PROVISOIRE while the year's arrêté is not known, VALIDE otherwise — iae-reference §2.1/§2.3).
// Every step: one row in financing_request_event (with its comment) and one audit entry.
import { z } from "zod";
import { recordAudit } from "../db/audit.js";
import type { Db, FinancingRequestTable } from "../db/schema.js";
import { baremeTerritory } from "../domain/aid/territory.js";
import { lookupBaremeRow } from "../domain/aid/bareme.js";
import {
  CDIAE_OPINIONS,
  checkDecision,
  checkTransitionComment,
  isEditableBySiae,
  REQUEST_DECISIONS,
  type RequestActor,
  type RequestState,
  type RequestTransition,
  requestTransition,
} from "../domain/financing/requestStates.js";
import { Decimal } from "../domain/money/money.js";
import { attachmentFileName, checkAttachment } from "./attachments.js";
import { computeAnnexFigures, createFinancialAnnex, loadFinancers } from "./createFinancialAnnex.js";
import { loadAnnualHoursRows, loadBaremeRows } from "./referenceData.js";
import { decimalString, id, isoDate } from "./schemas.js";
import { NotFoundError, OperationInputError, type OperationDeps, parseInput, ruleOnField } from "./types.js";
import type { Selectable, Updateable } from "kysely";

export type FinancingRequestRow = Selectable<FinancingRequestTable>;

const rate = decimalString.refine((v) => Number(v) <= 100, { message: "taux entre 0 et 100 attendu" });
const text = z.string().max(4000, "4 000 caractères au plus").optional();

export const saveRequestDraftInput = z
  .object({
    structureId: id,
    year: z.number().int().min(2014).max(2100),
    requestedEtp: decimalString.refine((v) => Number(v) > 0, { message: "nombre d'ETP > 0 attendu" }).optional(),
    cofinancingDeclared: decimalString.optional(),
    cofinancer: z.string().trim().max(100).optional(),
    forecast: z
      .object({
        dynamicRate: rate.optional(),
        durableRate: rate.optional(),
        transitionRate: rate.optional(),
        positiveRate: rate.optional(),
      })
      .strict()
      .optional(),
    project: z.object({ public: text, support: text, training: text, activity: text }).strict().optional(),
  })
  .strict();
export type SaveRequestDraftInput = z.input<typeof saveRequestDraftInput>;

interface NextObjectives {
  etp?: string;
  dynamicRate?: string;
  durableRate?: string;
  transitionRate?: string;
  positiveRate?: string;
}

async function loadRequest(db: Db, requestId: number): Promise<FinancingRequestRow> {
  const row = await db.selectFrom("financing_request").selectAll().where("id", "=", requestId).forUpdate().executeTakeFirst();
  if (!row) throw new NotFoundError("financing_request", requestId);
  return row;
}

async function recordEvent(
  db: Db,
  deps: OperationDeps,
  request: { id: number; structure_id: number },
  from: RequestState | null,
  to: RequestState,
  action: string,
  comment: string,
  after: Record<string, unknown> = {},
): Promise<void> {
  await db
    .insertInto("financing_request_event")
    .values({
      request_id: request.id,
      actor_user_id: deps.actor.userId,
      actor_label: deps.actor.label,
      from_state: from,
      to_state: to,
      comment,
    })
    .execute();
  await recordAudit(db, deps.actor, {
    action: `financing_request.${action}`,
    entity: "financing_request",
    entityId: request.id,
    structureId: request.structure_id,
    before: from === null ? null : { state: from },
    after: { state: to, comment, ...after },
  });
}

/** Moves a request along transition `t`: its new state and `set` written, then the event and the audit with `after`. */
async function applyTransition(
  db: Db,
  deps: OperationDeps,
  request: FinancingRequestRow,
  t: RequestTransition,
  comment: string,
  set: Updateable<FinancingRequestTable>,
  after: (row: FinancingRequestRow) => Record<string, unknown>,
): Promise<FinancingRequestRow> {
  const row = await db
    .updateTable("financing_request")
    .set({ ...set, state: t.to, updated_at: new Date() })
    .where("id", "=", request.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordEvent(db, deps, row, request.state, t.to, t.action, comment, after(row));
  return row;
}

/**
 * Creates the request of (structure, year) or edits it while it is a draft (the SIAE). A new request is
 * pre-filled with the objectives agreed in the dialogue de gestion of the year before (dialogue_sheet).
 */
export async function saveRequestDraft(db: Db, deps: OperationDeps, raw: SaveRequestDraftInput): Promise<FinancingRequestRow> {
  const input = parseInput(saveRequestDraftInput, raw);
  const structure = await db.selectFrom("structure").select(["id"]).where("id", "=", input.structureId).executeTakeFirst();
  if (!structure) throw new NotFoundError("structure", input.structureId);
  const values = {
    ...(input.requestedEtp !== undefined ? { requested_etp: input.requestedEtp } : {}),
    ...(input.cofinancingDeclared !== undefined ? { cofinancing_declared: input.cofinancingDeclared } : {}),
    ...(input.cofinancer !== undefined ? { cofinancer: input.cofinancer || null } : {}),
    ...(input.forecast?.dynamicRate !== undefined ? { forecast_dynamic_rate: input.forecast.dynamicRate } : {}),
    ...(input.forecast?.durableRate !== undefined ? { forecast_durable_rate: input.forecast.durableRate } : {}),
    ...(input.forecast?.transitionRate !== undefined ? { forecast_transition_rate: input.forecast.transitionRate } : {}),
    ...(input.forecast?.positiveRate !== undefined ? { forecast_positive_rate: input.forecast.positiveRate } : {}),
    ...(input.project?.public !== undefined ? { project_public: input.project.public } : {}),
    ...(input.project?.support !== undefined ? { project_support: input.project.support } : {}),
    ...(input.project?.training !== undefined ? { project_training: input.project.training } : {}),
    ...(input.project?.activity !== undefined ? { project_activity: input.project.activity } : {}),
  };
  const existing = await db
    .selectFrom("financing_request")
    .selectAll()
    .where("structure_id", "=", input.structureId)
    .where("year", "=", input.year)
    .forUpdate()
    .executeTakeFirst();
  if (existing) {
    if (!isEditableBySiae(existing.state))
      throw new OperationInputError([{ field: "state", reason: "la demande a été déposée : elle n'est plus modifiable" }]);
    const row = await db
      .updateTable("financing_request")
      .set({ ...values, updated_at: new Date() })
      .where("id", "=", existing.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(db, deps.actor, {
      action: "financing_request.update",
      entity: "financing_request",
      entityId: row.id,
      structureId: row.structure_id,
      after: values,
    });
    return row;
  }
  const sheet = await db
    .selectFrom("dialogue_sheet")
    .select("next_objectives")
    .where("structure_id", "=", input.structureId)
    .where("year", "=", input.year - 1)
    .executeTakeFirst();
  const agreed = (sheet?.next_objectives ?? {}) as NextObjectives;
  const prefill = {
    ...(agreed.etp !== undefined ? { requested_etp: agreed.etp } : {}),
    ...(agreed.dynamicRate !== undefined ? { forecast_dynamic_rate: agreed.dynamicRate } : {}),
    ...(agreed.durableRate !== undefined ? { forecast_durable_rate: agreed.durableRate } : {}),
    ...(agreed.transitionRate !== undefined ? { forecast_transition_rate: agreed.transitionRate } : {}),
    ...(agreed.positiveRate !== undefined ? { forecast_positive_rate: agreed.positiveRate } : {}),
  };
  const row = await db
    .insertInto("financing_request")
    .values({ structure_id: input.structureId, year: input.year, ...prefill, ...values })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordEvent(db, deps, row, null, "brouillon", "create", "", { year: input.year, prefilledFrom: sheet ? input.year - 1 : null });
  return row;
}

export const transitionInput = z
  .object({
    requestId: id,
    action: z.enum(["file", "return", "instruct", "cdiae"]),
    by: z.enum(["siae", "ddets"]),
    comment: z.string().max(4000).optional(),
    opinion: z.enum(CDIAE_OPINIONS).optional(),
    sessionOn: isoDate.optional(),
  })
  .strict();
export type TransitionInput = z.input<typeof transitionInput>;

function transitionOf(state: RequestState, action: RequestTransition["action"], by: RequestActor, comment?: string) {
  const t = ruleOnField("state", () => requestTransition(state, action, by));
  const c = ruleOnField("comment", () => checkTransitionComment(t, comment));
  return { t, comment: c };
}

/** File (SIAE), send back, take into instruction, record the CDIAE's opinion (DDETS). */
export async function moveFinancingRequest(db: Db, deps: OperationDeps, raw: TransitionInput): Promise<FinancingRequestRow> {
  const input = parseInput(transitionInput, raw);
  const request = await loadRequest(db, input.requestId);
  const { t, comment } = transitionOf(request.state, input.action, input.by, input.comment);
  const set: Updateable<FinancingRequestTable> = {};
  if (input.action === "file" && request.requested_etp === null)
    throw new OperationInputError([{ field: "requestedEtp", reason: "indiquer le nombre d'ETP demandés avant de déposer" }]);
  if (input.action === "cdiae") {
    if (input.opinion === undefined) throw new OperationInputError([{ field: "opinion", reason: "avis du CDIAE attendu" }]);
    set.cdiae_opinion = input.opinion;
    set.cdiae_session_on = input.sessionOn ?? deps.clock.today();
  }
  return applyTransition(db, deps, request, t, comment, set, (row) =>
    input.action === "cdiae" ? { opinion: row.cdiae_opinion, sessionOn: row.cdiae_session_on } : {},
  );
}

/** Territory and penitentiary flag of the structure, from its last AF (the data tells whether it works in a prison). */
async function structurePlace(db: Db, structureId: number) {
  const s = await db
    .selectFrom("structure")
    .select(["id", "kind", "departement_code"])
    .where("id", "=", structureId)
    .executeTakeFirstOrThrow();
  const last = await db
    .selectFrom("financial_annex")
    .select(["id", "number_prefix", "renewal", "penitentiary", "convention_id", "starts_on"])
    .where("structure_id", "=", structureId)
    .where("state", "not in", ["ANNULE", "REJETE"])
    .orderBy("starts_on", "desc")
    .orderBy("renewal", "desc")
    .orderBy("modification", "desc")
    .executeTakeFirst();
  return { structure: s, lastAnnex: last ?? null, penitentiary: last?.penitentiary ?? false };
}

export interface AmountProposal {
  etp: string;
  socleTotal: string;
  unitAmount: string;
  modulationPercent: string | null;
  modulatedAmount: string | null;
}

/** The aide au poste of a full-year AF of `year` for `etp` (the same figures createFinancialAnnex will compute). */
export async function computeYearAmount(
  db: Db,
  structureId: number,
  year: number,
  etp: string,
  modulationPercent?: string,
): Promise<AmountProposal> {
  const place = await structurePlace(db, structureId);
  const figures = computeAnnexFigures(
    {
      startsOn: `${year}-01-01`,
      endsOn: `${year}-12-31`,
      etp,
      unitAmount: undefined,
      annualHours: undefined,
      penitentiary: place.penitentiary,
      modulationPercent,
      funding: undefined,
    },
    place.structure.kind,
    { bareme: await loadBaremeRows(db), annualHours: await loadAnnualHoursRows(db), financers: await loadFinancers(db) },
    place.structure.departement_code,
  );
  return {
    etp,
    socleTotal: figures.total.toFixed(2),
    unitAmount: figures.unitAmount.toFixed(2),
    modulationPercent: modulationPercent ?? null,
    modulatedAmount: figures.modulatedAmount?.toFixed(2) ?? null,
  };
}

export const proposeInput = z
  .object({
    requestId: id,
    by: z.enum(["siae", "ddets"]),
    proposedEtp: decimalString.refine((v) => Number(v) > 0, { message: "nombre d'ETP > 0 attendu" }),
    modulationPercent: decimalString.optional(),
    comment: z.string().max(4000).optional(),
  })
  .strict();
export type ProposeInput = z.input<typeof proposeInput>;

/** The DDETS proposes ETP (and the part modulée); the amount is the domain's. From en_instruction (or again from proposee). */
export async function proposeFinancing(db: Db, deps: OperationDeps, raw: ProposeInput): Promise<FinancingRequestRow> {
  const input = parseInput(proposeInput, raw);
  const request = await loadRequest(db, input.requestId);
  const { t, comment } = transitionOf(request.state, "propose", input.by, input.comment);
  const amount = await computeYearAmount(db, request.structure_id, request.year, input.proposedEtp, input.modulationPercent);
  return applyTransition(
    db,
    deps,
    request,
    t,
    comment,
    { proposed_etp: input.proposedEtp, proposed_modulation_percent: input.modulationPercent ?? null, proposed_amount: amount.socleTotal },
    () => ({
      proposedEtp: input.proposedEtp,
      modulationPercent: input.modulationPercent ?? null,
      proposedAmount: amount.socleTotal,
      unitAmount: amount.unitAmount,
    }),
  );
}

export const decideInput = z
  .object({
    requestId: id,
    by: z.enum(["siae", "ddets"]),
    decision: z.enum(REQUEST_DECISIONS),
    /** Default: the proposed ETP (accordée), required for a partial decision. */
    decidedEtp: decimalString.optional(),
    comment: z.string().max(4000).optional(),
    signedOn: isoDate.optional(),
  })
  .strict();
export type DecideInput = z.input<typeof decideInput>;

/** The préfet's decision (entered by the DDETS): creates or renews the AF of the year, amount by the domain. */
export async function decideFinancing(
  db: Db,
  deps: OperationDeps,
  raw: DecideInput,
): Promise<FinancingRequestRow & { annexNumber: string | null }> {
  const input = parseInput(decideInput, raw);
  const request = await loadRequest(db, input.requestId);
  const { t, comment } = transitionOf(request.state, "decide", input.by, input.comment);
  const requested = request.requested_etp ?? "0";
  const decidedEtp =
    input.decision === "refusee" ? (input.decidedEtp ?? null) : (input.decidedEtp ?? request.proposed_etp ?? request.requested_etp);
  ruleOnField("decidedEtp", () => checkDecision(input.decision, requested, decidedEtp));
  let annexId: number | null = null;
  let annexNumber: string | null = null;
  let decidedAmount = "0.00";
  if (input.decision !== "refusee" && decidedEtp !== null) {
    const place = await structurePlace(db, request.structure_id);
    const year = request.year;
    const startsOn = `${year}-01-01`;
    const amount = await computeYearAmount(db, request.structure_id, year, decidedEtp);
    const total = new Decimal(amount.socleTotal);
    const cofinanced = Decimal.min(new Decimal(request.cofinancing_declared), total);
    const funding = cofinanced.greaterThan(0)
      ? [
          { code: "ETAT_DROIT_COMMUN", amount: total.minus(cofinanced).toFixed(2) },
          { code: "CONSEIL_DEPARTEMENTAL", amount: cofinanced.toFixed(2) },
        ]
      : undefined;
    // Rule: an AF decided before the year's arrêté carries the amount in force and stays PROVISOIRE — iae-reference §2.3 (FluxIAE 2022 rows)
    const row = lookupBaremeRow(
      await loadBaremeRows(db),
      place.structure.kind,
      baremeTerritory({ departementCode: place.structure.departement_code, penitentiary: place.penitentiary }),
      startsOn,
    );
    const state = row.validFrom >= startsOn ? "VALIDE" : "PROVISOIRE";
    const last = place.lastAnnex;
    const renew = last !== null && last.renewal < 9 && Number(last.starts_on.slice(0, 4)) < year;
    const created = await createFinancialAnnex(db, deps, {
      structureId: request.structure_id,
      ...(last?.convention_id ? { conventionId: last.convention_id } : {}),
      ...(renew && last ? { numberPrefix: last.number_prefix, renewal: last.renewal + 1 } : {}),
      state,
      startsOn,
      endsOn: `${year}-12-31`,
      etp: decidedEtp,
      penitentiary: place.penitentiary,
      ...(request.proposed_modulation_percent !== null ? { modulationPercent: request.proposed_modulation_percent } : {}),
      ...(funding ? { funding } : {}),
      ...(input.signedOn ? { signedOn: input.signedOn } : {}),
      forecast: {
        ...(request.forecast_dynamic_rate !== null ? { dynamicRate: request.forecast_dynamic_rate } : {}),
        ...(request.forecast_durable_rate !== null ? { durableRate: request.forecast_durable_rate } : {}),
      },
    });
    annexId = created.id;
    annexNumber = created.number;
    decidedAmount = created.total;
    if (request.forecast_transition_rate !== null || request.forecast_positive_rate !== null)
      await db
        .updateTable("financial_annex")
        .set({ forecast_transition_rate: request.forecast_transition_rate, forecast_positive_rate: request.forecast_positive_rate })
        .where("id", "=", created.id)
        .execute();
  }
  const row = await applyTransition(
    db,
    deps,
    request,
    t,
    comment,
    { decision: input.decision, decided_etp: decidedEtp ?? "0", decided_amount: decidedAmount, annex_id: annexId },
    () => ({ decision: input.decision, decidedEtp, decidedAmount, annexNumber }),
  );
  return { ...row, annexNumber };
}

export { MAX_ATTACHMENT_BYTES } from "./attachments.js";

export const attachmentInput = z
  .object({
    requestId: id,
    fileName: attachmentFileName,
    content: z.instanceof(Uint8Array),
  })
  .strict();

/** Adds a PDF to a request still in the SIAE's hands or under instruction: type checked on the magic bytes, size limited. */
export async function addRequestAttachment(
  db: Db,
  deps: OperationDeps,
  raw: z.input<typeof attachmentInput>,
): Promise<{ id: number; sha256: string; sizeBytes: number }> {
  const input = parseInput(attachmentInput, raw);
  const request = await loadRequest(db, input.requestId);
  if (!["brouillon", "deposee", "en_instruction"].includes(request.state))
    throw new OperationInputError([{ field: "state", reason: "pièces jointes possibles jusqu'à l'instruction seulement" }]);
  const { bytes, sha256 } = checkAttachment(input.content, ["application/pdf"]);
  const row = await db
    .insertInto("financing_request_attachment")
    .values({
      request_id: request.id,
      file_name: input.fileName,
      content_type: "application/pdf",
      size_bytes: bytes.length,
      sha256,
      content: bytes,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await recordAudit(db, deps.actor, {
    action: "financing_request.attach",
    entity: "financing_request",
    entityId: request.id,
    structureId: request.structure_id,
    after: { attachmentId: row.id, fileName: input.fileName, sizeBytes: bytes.length, sha256 },
  });
  return { id: row.id, sha256, sizeBytes: bytes.length };
}
