// The DDETS year (contracts: src/contracts/financing.ts; operations: src/operations/financingRequests.ts,
// dialogueSheet.ts, modulation.ts; read models: src/queries/dialogue.ts, modulation.ts, cdiae.ts).
// Who does what: the SIAE members of the structure draft, attach and file (structure:declare); the State
// agents of the territory read the sheet and the pack and the DDETS (departemental, or a platform admin)
// instruct, propose, record the CDIAE's opinion and the decision (structure:write + role check).
import type { FastifyReply } from "fastify";
import { sql } from "kysely";
import {
  addFinancingAttachment,
  decideModulation,
  fileFinancingRequest,
  getCdiaeDocument,
  getCdiaePack,
  getDialogue,
  getDialogueDocument,
  getFinancingAttachment,
  getFinancingRequest,
  getModulation,
  getModulationGrid,
  listFinancingRequests,
  saveDialogue,
  saveFinancingRequest,
  saveModulationGridContract,
  setEnvelope,
  stepFinancingRequest,
} from "../../contracts/financing.js";
import type { Db } from "../../db/schema.js";
import { saveDialogueSheet, setNotifiedEnvelope } from "../../operations/dialogueSheet.js";
import {
  addRequestAttachment,
  decideFinancing,
  type FinancingRequestRow,
  moveFinancingRequest,
  proposeFinancing,
  saveRequestDraft,
} from "../../operations/financingRequests.js";
import { decideStructureModulation, saveModulationGrid } from "../../operations/modulation.js";
import { NotFoundError } from "../../operations/types.js";
import { computeCdiaePack } from "../../queries/cdiae.js";
import { computeDialogue, gridInForce } from "../../queries/dialogue.js";
import { computeDepartementModulation } from "../../queries/modulation.js";
import {
  cdiaeDocument,
  dialogueDocument,
  type FinancingDocument,
  renderFinancingPdf,
  renderFinancingXlsx,
} from "../../reports/financingDocuments.js";
import type { Principal } from "../auth/principal.js";
import type { RouteModule } from "../context.js";
import { runOperation } from "../lists/runOperation.js";
import { sendProblem } from "../problem.js";
import { route } from "../route.js";

export function requestView(r: FinancingRequestRow) {
  return {
    id: Number(r.id),
    structureId: Number(r.structure_id),
    year: r.year,
    state: r.state,
    requestedEtp: r.requested_etp,
    cofinancingDeclared: r.cofinancing_declared,
    cofinancer: r.cofinancer,
    forecast: {
      dynamicRate: r.forecast_dynamic_rate,
      durableRate: r.forecast_durable_rate,
      transitionRate: r.forecast_transition_rate,
      positiveRate: r.forecast_positive_rate,
    },
    project: { public: r.project_public, support: r.project_support, training: r.project_training, activity: r.project_activity },
    proposedEtp: r.proposed_etp,
    proposedModulationPercent: r.proposed_modulation_percent,
    proposedAmount: r.proposed_amount,
    cdiaeOpinion: r.cdiae_opinion,
    cdiaeSessionOn: r.cdiae_session_on,
    decision: r.decision,
    decidedEtp: r.decided_etp,
    decidedAmount: r.decided_amount,
    annexId: r.annex_id === null ? null : Number(r.annex_id),
  };
}

async function requestId(db: Db, structureId: number, year: number): Promise<number> {
  const r = await db
    .selectFrom("financing_request")
    .select("id")
    .where("structure_id", "=", structureId)
    .where("year", "=", year)
    .executeTakeFirst();
  if (!r) throw new NotFoundError("financing_request", `${structureId}/${year}`);
  return Number(r.id);
}

/**
 * A conseil départemental reads the request and the dialogue sheet of the structures it co-finances only: an
 * AF of the structure with a funding line of the département, or a request declaring a co-financing.
 */
async function refusedToDepartementCouncil(db: Db, principal: Principal | null, structureId: number, reply: FastifyReply) {
  if (principal?.role !== "conseil_departemental") return null;
  const row = await sql<{ ok: boolean }>`
    SELECT EXISTS (
      SELECT 1 FROM financial_annex a
      JOIN financial_annex_funding f ON f.annex_id = a.id
      JOIN funding_line l ON l.code = f.funding_line_code AND l.financer = 'departement'
      WHERE a.structure_id = ${structureId} AND f.amount > 0
    ) OR EXISTS (
      SELECT 1 FROM financing_request r WHERE r.structure_id = ${structureId} AND r.cofinancing_declared > 0
    ) AS ok`.execute(db);
  if (row.rows[0]?.ok) return null;
  return sendProblem(reply, 403, "Accès refusé", "Le conseil départemental lit les demandes et les fiches des structures qu'il cofinance.");
}

/** A PDF or XLSX document as a download. */
async function sendDocument(reply: FastifyReply, doc: FinancingDocument, format: "pdf" | "xlsx", base: string) {
  reply.header("content-disposition", `attachment; filename="${base}.${format}"`);
  if (format === "pdf") return reply.type("application/pdf").send(await renderFinancingPdf(doc));
  return reply.type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet").send(await renderFinancingXlsx(doc));
}

const routes: RouteModule = async (app, ctx) => {
  const db = ctx.handle.db;

  route(app, listFinancingRequests, { policy: "structure:read" }, async ({ target, principal, reply }) => {
    const refused = await refusedToDepartementCouncil(db, principal, target.id, reply);
    if (refused) return refused;
    const rows = await db
      .selectFrom("financing_request")
      .selectAll()
      .where("structure_id", "=", target.id)
      .orderBy("year", "desc")
      .execute();
    return rows.map(requestView);
  });

  // An attachment is the SIAE's file for the DDETS: its members and the DDETS of the département read it; the
  // other readers of the structure (conseil départemental, DREETS, DGEFP) see its name, not its content.
  route(app, getFinancingAttachment, { policy: "structure:read" }, async ({ target, input, principal, reply }) => {
    const role = principal?.role;
    if (role !== "siae" && role !== "departemental" && role !== "admin")
      return sendProblem(reply, 403, "Accès refusé", "Les pièces jointes sont lues par la SIAE et la DDETS du département.");
    const a = await db
      .selectFrom("financing_request_attachment as a")
      .innerJoin("financing_request as r", "r.id", "a.request_id")
      .select(["a.file_name", "a.content", "a.sha256"])
      .where("a.id", "=", input.attachmentId)
      .where("r.structure_id", "=", target.id)
      .executeTakeFirst();
    if (!a) return sendProblem(reply, 404, "Introuvable", "Cette pièce jointe n'existe pas pour cette structure.");
    const ascii = a.file_name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
    reply.header("content-disposition", `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(a.file_name)}`);
    reply.header("x-content-type-options", "nosniff");
    return reply.type("application/pdf").send(Buffer.from(a.content));
  });

  route(app, getDialogueDocument, { policy: "structure:read" }, async ({ target, input, principal, reply }) => {
    const refused = await refusedToDepartementCouncil(db, principal, target.id, reply);
    if (refused) return refused;
    const sheet = await computeDialogue(db, target.id, input.year);
    return sendDocument(reply, dialogueDocument(sheet, ctx.clock.today()), input.format, `dialogue-${target.id}-${input.year}`);
  });

  route(app, getCdiaeDocument, { policy: "structure:write" }, async ({ target, input, reply }) => {
    const pack = await computeCdiaePack(db, target.code, input.year, input.session ?? null);
    return sendDocument(reply, cdiaeDocument(pack, ctx.clock.today()), input.format, `cdiae-${target.code}-${input.year}`);
  });

  route(app, setEnvelope, { policy: "structure:instruct", audit: false }, async ({ target, body, request, reply }) => {
    const out = await runOperation(ctx, request, reply, (tx, deps) =>
      setNotifiedEnvelope(tx, deps, {
        departementCode: target.code,
        year: body.year,
        lines: body.lines,
        ...(body.notifiedOn !== undefined ? { notifiedOn: body.notifiedOn } : {}),
      }),
    );
    return out.ok ? { saved: true as const } : out.reply;
  });

  route(app, getModulationGrid, { policy: "structure:write" }, async ({ target, input }) => {
    const inForce = await gridInForce(db, target.code, input.year);
    const versions = await db
      .selectFrom("modulation_grid")
      .select(["version", "created_by", "created_at"])
      .where("departement_code", "=", target.code)
      .where("year", "=", input.year)
      .orderBy("version", "desc")
      .execute();
    return {
      version: inForce.version,
      criteria: inForce.grid,
      versions: versions.map((v) => ({ version: v.version, createdBy: v.created_by, createdAt: v.created_at.toISOString() })),
    };
  });

  route(app, saveModulationGridContract, { policy: "structure:instruct", audit: false }, async ({ target, body, request, reply }) => {
    const out = await runOperation(ctx, request, reply, (tx, deps) =>
      saveModulationGrid(tx, deps, { departementCode: target.code, year: body.year, criteria: body.criteria }),
    );
    return out.ok ? out.value : out.reply;
  });

  route(app, getFinancingRequest, { policy: "structure:read" }, async ({ target, input, principal, reply }) => {
    const refused = await refusedToDepartementCouncil(db, principal, target.id, reply);
    if (refused) return refused;
    const r = await db
      .selectFrom("financing_request")
      .selectAll()
      .where("structure_id", "=", target.id)
      .where("year", "=", input.year)
      .executeTakeFirst();
    if (!r) return { request: null, events: [], attachments: [] };
    const [events, attachments] = await Promise.all([
      db
        .selectFrom("financing_request_event")
        .select(["at", "actor_label", "from_state", "to_state", "comment"])
        .where("request_id", "=", r.id)
        .orderBy("id")
        .execute(),
      db
        .selectFrom("financing_request_attachment")
        .select(["id", "file_name", "size_bytes", "sha256", "created_at"])
        .where("request_id", "=", r.id)
        .orderBy("id")
        .execute(),
    ]);
    return {
      request: requestView(r),
      events: events.map((e) => ({ at: e.at.toISOString(), actor: e.actor_label, from: e.from_state, to: e.to_state, comment: e.comment })),
      attachments: attachments.map((a) => ({
        id: Number(a.id),
        fileName: a.file_name,
        sizeBytes: a.size_bytes,
        sha256: a.sha256,
        createdAt: a.created_at.toISOString(),
      })),
    };
  });

  route(app, saveFinancingRequest, { policy: "structure:declare", audit: false }, async ({ target, body, request, reply }) => {
    const out = await runOperation(ctx, request, reply, (tx, deps) => saveRequestDraft(tx, deps, { structureId: target.id, ...body }));
    return out.ok ? requestView(out.value) : out.reply;
  });

  route(app, fileFinancingRequest, { policy: "structure:declare", audit: false }, async ({ target, body, request, reply }) => {
    const out = await runOperation(ctx, request, reply, async (tx, deps) =>
      moveFinancingRequest(tx, deps, {
        requestId: await requestId(tx, target.id, body.year),
        action: "file",
        by: "siae",
        ...(body.comment !== undefined ? { comment: body.comment } : {}),
      }),
    );
    return out.ok ? requestView(out.value) : out.reply;
  });

  route(app, addFinancingAttachment, { policy: "structure:declare", audit: false }, async ({ target, body, request, reply }) => {
    const content = new Uint8Array(Buffer.from(body.contentBase64, "base64"));
    const out = await runOperation(ctx, request, reply, async (tx, deps) =>
      addRequestAttachment(tx, deps, { requestId: await requestId(tx, target.id, body.year), fileName: body.fileName, content }),
    );
    return out.ok ? reply.status(201).send(out.value) : out.reply;
  });

  route(app, stepFinancingRequest, { policy: "structure:instruct", audit: false }, async ({ target, body, request, reply }) => {
    const comment = body.comment !== undefined ? { comment: body.comment } : {};
    const out = await runOperation(ctx, request, reply, async (tx, deps) => {
      const id = await requestId(tx, target.id, body.year);
      switch (body.action) {
        case "propose":
          return proposeFinancing(tx, deps, {
            requestId: id,
            by: "ddets",
            proposedEtp: body.proposedEtp ?? "",
            ...(body.modulationPercent !== undefined ? { modulationPercent: body.modulationPercent } : {}),
            ...comment,
          });
        case "decide":
          return decideFinancing(tx, deps, {
            requestId: id,
            by: "ddets",
            decision: body.decision ?? ("" as never),
            ...(body.decidedEtp !== undefined ? { decidedEtp: body.decidedEtp } : {}),
            ...comment,
          });
        default:
          return moveFinancingRequest(tx, deps, {
            requestId: id,
            action: body.action,
            by: "ddets",
            ...comment,
            ...(body.opinion !== undefined ? { opinion: body.opinion } : {}),
            ...(body.sessionOn !== undefined ? { sessionOn: body.sessionOn } : {}),
          });
      }
    });
    return out.ok ? requestView(out.value) : out.reply;
  });

  route(app, getDialogue, { policy: "structure:read" }, async ({ target, input, principal, reply }) => {
    const refused = await refusedToDepartementCouncil(db, principal, target.id, reply);
    if (refused) return refused;
    return computeDialogue(db, target.id, input.year);
  });

  route(app, saveDialogue, { policy: "structure:instruct", audit: false }, async ({ target, body, request, reply }) => {
    const out = await runOperation(ctx, request, reply, (tx, deps) =>
      saveDialogueSheet(tx, deps, {
        structureId: target.id,
        year: body.year,
        conclusions: body.conclusions,
        nextObjectives: body.nextObjectives ?? {},
      }),
    );
    return out.ok ? { saved: true as const } : out.reply;
  });

  route(app, decideModulation, { policy: "structure:instruct", audit: false }, async ({ target, body, request, reply }) => {
    const out = await runOperation(ctx, request, reply, (tx, deps) =>
      decideStructureModulation(tx, deps, {
        structureId: target.id,
        year: body.year,
        decidedPercent: body.decidedPercent,
        ...(body.reason !== undefined ? { reason: body.reason } : {}),
      }),
    );
    return out.ok ? out.value : out.reply;
  });

  route(app, getCdiaePack, { policy: "structure:write" }, async ({ target, input }) =>
    computeCdiaePack(db, target.code, input.year, input.session ?? null),
  );

  route(app, getModulation, { policy: "structure:write" }, async ({ target, input }) =>
    computeDepartementModulation(db, target.code, input.year),
  );
};
export default routes;
