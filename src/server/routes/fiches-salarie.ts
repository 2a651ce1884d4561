// Fiches salarié of a structure (SIAE journey): the pre-send validation (every error per salarié
// and per ASP field, French messages) and the export of the valid ones as the CLI writes them
// (`passerelle export fiches-salarie`: RIAE_FS_<horodatage>.json batches, recorded as sent). One batch is
// downloaded as is, several as a zip. Policy structure:declare (members of the structure, admins).
// Audited: the validation (it shows names) as fiche_salarie.validate; each sent batch as
// fiche_salarie.send (exportFichesSalarie) and the request itself by the state-changing hook.
// POST …/exports/jobs makes the same export through the job queue (src/jobs/fichesSalarieJob.ts): 202 and
// the job, followed and downloaded on /api/v1/jobs/{jobId} by the structure's members only (routes/jobs.ts).
// The complement of one hiring (fields only the ASP needs) is read and saved within the structure of the
// path: a contract of another structure is not found; saving is audited as fiche_salarie.complete.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  enqueueFichesSalarieExport,
  exportFichesSalarie as exportFichesSalarieContract,
  type FichesValidation,
  getFicheComplement,
  saveFicheComplement,
  validateFichesSalarie,
} from "../../contracts/fichesSalarie.js";
import { downloadOf } from "../../interchange/fiche-salarie/batchDownload.js";
import { completeFicheSalarie } from "../../interchange/fiche-salarie/completeFicheSalarie.js";
import { loadFicheComplement } from "../../queries/ficheComplement.js";
import { exportFichesSalarie, type FichesExportResult } from "../../interchange/fiche-salarie/exportFichesSalarie.js";
import { recordAudit } from "../../db/audit.js";
import { enqueueFichesSalarieJob } from "../../jobs/fichesSalarieJob.js";
import { readJobView } from "../../jobs/jobView.js";
import { NotFoundError } from "../../operations/types.js";
import { actorOf } from "../auth/plugin.js";
import type { RouteModule } from "../context.js";
import { runOperation } from "../lists/runOperation.js";
import { sendProblem } from "../problem.js";
import { route } from "../route.js";

function validationOf(r: FichesExportResult): FichesValidation {
  return {
    structureId: r.structureId,
    valid: r.sent,
    creations: r.creations,
    modifications: r.modifications,
    awaitingReturn: r.awaitingReturn,
    upToDate: r.upToDate,
    invalid: r.invalid.map((i) => ({
      personId: i.personId,
      contractId: i.contractId,
      salarie: i.salarie,
      movement: i.movement,
      errors: i.errors.map((e) => ({ field: e.field, message: e.message })),
    })),
  };
}

const routes: RouteModule = async (app, ctx) => {
  const run = async (structureId: number, actor: ReturnType<typeof actorOf>, dryRun: boolean, outDir: string) =>
    exportFichesSalarie(ctx.handle, { structureId, outDir, pii: ctx.pii, actor, dryRun, now: ctx.clock.now() });

  route(app, validateFichesSalarie, { policy: "structure:declare" }, async ({ target, request, reply }) => {
    const structureId = target.id;
    let result: FichesExportResult;
    try {
      result = await run(structureId, actorOf(request), true, tmpdir());
    } catch (error) {
      if (error instanceof NotFoundError) return sendProblem(reply, 404, "Structure introuvable", `Structure ${structureId} introuvable.`);
      throw error;
    }
    await recordAudit(ctx.handle.db, actorOf(request), {
      action: "fiche_salarie.validate",
      entity: "structure",
      entityId: structureId,
      structureId,
      after: { valid: result.sent, invalid: result.invalid.length },
    });
    return validationOf(result);
  });

  const hiringNotFound = (reply: Parameters<typeof sendProblem>[0], contractId: number) =>
    sendProblem(reply, 404, "Embauche introuvable", `Aucune embauche n° ${contractId} dans cette structure (contrat initial).`);

  route(app, getFicheComplement, { policy: "structure:declare" }, async ({ target, reply }) => {
    const found = await loadFicheComplement(ctx.handle.db, target.structureId, target.contractId);
    return found ?? hiringNotFound(reply, target.contractId);
  });

  route(app, saveFicheComplement, { policy: "structure:declare" }, async ({ target, body, request, reply }) => {
    const found = await loadFicheComplement(ctx.handle.db, target.structureId, target.contractId);
    if (!found) return hiringNotFound(reply, target.contractId);
    const outcome = await runOperation(ctx, request, reply, (db, deps) =>
      completeFicheSalarie(db, deps, { contractId: target.contractId, structureId: target.structureId, fields: body }),
    );
    if (!outcome.ok) return outcome.reply;
    return (await loadFicheComplement(ctx.handle.db, target.structureId, target.contractId)) ?? hiringNotFound(reply, target.contractId);
  });

  route(app, enqueueFichesSalarieExport, { policy: "structure:declare" }, async ({ target, request, principal, reply }) => {
    const id = await enqueueFichesSalarieJob(ctx.handle, {
      structureId: target.id,
      actor: actorOf(request),
      ownerId: principal?.userId ?? null,
    });
    app.jobs.wake();
    const job = await readJobView(ctx.handle.db, principal, id, (j) => app.jobs.liveProgress(j));
    return reply.code(202).header("location", `/api/v1/jobs/${id}`).send(job);
  });

  route(app, exportFichesSalarieContract, { policy: "structure:declare" }, async ({ target, request, reply }) => {
    const structureId = target.id;
    const dir = await mkdtemp(path.join(tmpdir(), "passerelle-fs-"));
    try {
      let result: FichesExportResult;
      try {
        result = await run(structureId, actorOf(request), false, dir);
      } catch (error) {
        if (error instanceof NotFoundError)
          return sendProblem(reply, 404, "Structure introuvable", `Structure ${structureId} introuvable.`);
        throw error;
      }
      const summary = {
        "x-fiches-envoyees": String(result.sent),
        "x-fiches-en-erreur": String(result.invalid.length),
        "access-control-expose-headers": "x-fiches-envoyees, x-fiches-en-erreur, content-disposition",
      };
      if (result.files.length === 0) {
        return sendProblem(
          reply,
          409,
          "Aucune fiche à envoyer",
          result.invalid.length > 0
            ? `Aucune fiche valide à envoyer : ${result.invalid.length} fiche(s) en erreur à corriger.`
            : "Aucune fiche à envoyer : toutes les fiches sont à jour ou en attente du fichier retour de l'ASP.",
          validationOf(result),
        );
      }
      const files = await Promise.all(result.files.map(async (f) => ({ name: path.basename(f.file), data: await readFile(f.file) })));
      const download = downloadOf(files);
      return reply
        .headers(summary)
        .type(download.contentType)
        .header("content-disposition", `attachment; filename="${download.fileName}"`)
        .send(download.body);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
};
export default routes;
