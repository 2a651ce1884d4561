// Contrôle a posteriori (contracts: src/contracts/controle.ts; operations: src/operations/controleCampaign.ts;
// read models: src/queries/controleCampaigns.ts). Who does what:
//  - a département's campaigns: read by the State agents of the territory (structure:write), drawn by its DDETS
//    (or a platform admin);
//  - a structure's file: read by its members and the State agents of its territory (structure:read); proofs
//    and transmission by its members (structure:declare); verdicts, closing the review and the decision by the
//    DDETS of its département (structure:write + role check), and so is extending a file's deadline.
// A campaign id is looked up only within the target (the département, or the structure's own file): another
// territory's campaign answers 404.
import type { FastifyReply } from "fastify";
import {
  addControleProof as addProofContract,
  closeControleReview as closeReviewContract,
  createControleCampaign as createCampaignContract,
  decideControleFile as decideContract,
  extendControleDeadline as extendContract,
  getControleCampaign,
  getControleFile,
  getControleProof,
  listControleCampaigns,
  listStructureControles,
  reviewControleCriterion as reviewContract,
  submitControleFile as submitContract,
} from "../../contracts/controle.js";
import {
  addControleProof,
  closeControleReview,
  createControleCampaign,
  decideControleFile,
  extendControleDeadline,
  reviewControleCriterion,
  submitControleFile,
} from "../../operations/controleCampaign.js";
import { campaignDetail, controleFile, controleProofContent, listCampaigns, structureCampaigns } from "../../queries/controleCampaigns.js";
import { recordAudit } from "../../db/audit.js";
import { actorOf } from "../auth/plugin.js";
import type { RouteModule } from "../context.js";
import { runOperation } from "../lists/runOperation.js";
import { sendProblem } from "../problem.js";
import { route } from "../route.js";

/** Drawing a campaign and ruling on a file is the DDETS's (or a platform admin's). */
const notFound = (reply: FastifyReply) =>
  sendProblem(reply, 404, "Ressource introuvable", "Campagne de contrôle introuvable pour cette cible.");

const routes: RouteModule = async (app, ctx) => {
  const db = ctx.handle.db;

  route(app, listControleCampaigns, { policy: "structure:write" }, async ({ target }) => ({
    campaigns: await listCampaigns(db, target.code, ctx.clock.today()),
  }));

  route(app, createCampaignContract, { policy: "structure:instruct", audit: false }, async ({ target, body, request, reply }) => {
    const out = await runOperation(ctx, request, reply, (tx, deps) =>
      createControleCampaign(tx, deps, { departement: target.code, ...body }),
    );
    return out.ok ? reply.status(201).send(out.value) : out.reply;
  });

  route(app, getControleCampaign, { policy: "structure:write" }, async ({ target, input, reply }) => {
    const detail = await campaignDetail(db, target.code, input.campaignId, ctx.clock.today());
    return detail ?? notFound(reply);
  });

  route(app, listStructureControles, { policy: "structure:read" }, async ({ target }) => ({
    campaigns: await structureCampaigns(db, target.id, ctx.clock.today()),
  }));

  route(app, getControleFile, { policy: "structure:read" }, async ({ target, input, reply }) => {
    const file = await controleFile(db, target.id, input.campaignId, ctx.clock.today());
    return file ?? notFound(reply);
  });

  route(app, getControleProof, { policy: "structure:read" }, async ({ target, input, request, reply }) => {
    const proof = await controleProofContent(db, target.id, input.campaignId, input.proofId);
    if (!proof) return sendProblem(reply, 404, "Ressource introuvable", "Justificatif introuvable pour cette cible.");
    // A proof documents a salarié's situation: each download is in the trail.
    await recordAudit(db, actorOf(request), {
      action: "controle.proof.read",
      entity: "controle_campaign",
      entityId: input.campaignId,
      structureId: target.id,
      after: { proofId: input.proofId },
    });
    const ascii = proof.fileName.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
    return reply
      .type(proof.contentType)
      .header("content-disposition", `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(proof.fileName)}`)
      .header("x-content-type-options", "nosniff")
      .send(Buffer.from(proof.content));
  });

  route(app, addProofContract, { policy: "structure:declare", audit: false }, async ({ target, input, body, request, reply }) => {
    const content = new Uint8Array(Buffer.from(body.contentBase64, "base64"));
    const out = await runOperation(ctx, request, reply, (tx, deps) =>
      addControleProof(tx, deps, {
        campaignId: input.campaignId,
        structureId: target.id,
        criterionId: body.criterionId,
        fileName: body.fileName,
        content,
      }),
    );
    return out.ok ? reply.status(201).send(out.value) : out.reply;
  });

  route(app, submitContract, { policy: "structure:declare", audit: false }, async ({ target, input, request, reply }) => {
    const out = await runOperation(ctx, request, reply, (tx, deps) =>
      submitControleFile(tx, deps, { campaignId: input.campaignId, structureId: target.id }),
    );
    return out.ok ? out.value : out.reply;
  });

  route(app, reviewContract, { policy: "structure:instruct", audit: false }, async ({ target, input, body, request, reply }) => {
    const out = await runOperation(ctx, request, reply, (tx, deps) =>
      reviewControleCriterion(tx, deps, { campaignId: input.campaignId, structureId: target.id, ...body }),
    );
    return out.ok ? out.value : out.reply;
  });

  route(app, closeReviewContract, { policy: "structure:instruct", audit: false }, async ({ target, input, request, reply }) => {
    const out = await runOperation(ctx, request, reply, (tx, deps) =>
      closeControleReview(tx, deps, { campaignId: input.campaignId, structureId: target.id }),
    );
    return out.ok ? out.value : out.reply;
  });

  route(app, decideContract, { policy: "structure:instruct", audit: false }, async ({ target, input, body, request, reply }) => {
    const out = await runOperation(ctx, request, reply, (tx, deps) =>
      decideControleFile(tx, deps, { campaignId: input.campaignId, structureId: target.id, ...body }),
    );
    return out.ok ? out.value : out.reply;
  });

  route(app, extendContract, { policy: "structure:instruct", audit: false }, async ({ target, input, body, request, reply }) => {
    const out = await runOperation(ctx, request, reply, (tx, deps) =>
      extendControleDeadline(tx, deps, { campaignId: input.campaignId, structureId: target.id, ...body }),
    );
    return out.ok ? out.value : out.reply;
  });
};
export default routes;
