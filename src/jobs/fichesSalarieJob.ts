// The "fiches_salarie" job: a structure's valid fiches salarié exported as RIAE_FS batches and recorded as
// sent (exportFichesSalarie, the same export as POST …/fiches-salarie/exports and the CLI) by whichever
// instance claims the job, its progress counted in fiches recorded. The file to download (downloadOf: one
// batch, or a zip) and the job's outcome (job_outcome, not the job row: the worker keeps renewing that row
// while the export runs) are written in the export's own transaction: an instance dying after that commit
// leaves a job whose retry hands back the recorded file instead of exporting again (it would find nothing
// left to send). Readers: whoever passes structure:declare on the structure (jobView.ts), as for the
// synchronous route.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Actor } from "../db/audit.js";
import type { DatabaseHandle } from "../db/connection.js";
import { downloadOf } from "../interchange/fiche-salarie/batchDownload.js";
import { exportFichesSalarie } from "../interchange/fiche-salarie/exportFichesSalarie.js";
import { NotFoundError } from "../operations/types.js";
import type { PersonalDataCipher } from "../security/personalData.js";
import {
  enqueueFileJob,
  type JobAccess,
  type JobFileResult,
  readJobOutcome,
  stepper,
  writeJobOutcome,
  writeJobResult,
} from "./jobResult.js";
import { JobFailedError, type JobHandler } from "./worker.js";

export interface FichesSalarieJobPayload {
  access: JobAccess;
  structureId: number;
  /** Who asked: the sent batches are audited under this actor. */
  actor: Actor;
}

/** A finished fiches job's result: the file, and how many fiches were sent or left in error. */
export interface FichesJobResult extends JobFileResult {
  sent: number;
  invalid: number;
}

export function enqueueFichesSalarieJob(
  handle: DatabaseHandle,
  input: { structureId: number; actor: Actor; ownerId: number | null },
): Promise<string> {
  return enqueueFileJob<FichesSalarieJobPayload>(handle, {
    kind: "fiches_salarie",
    payload: {
      access: { policy: "structure:declare", target: { type: "structure", id: input.structureId } },
      structureId: input.structureId,
      actor: input.actor,
    },
    ownerId: input.ownerId,
  });
}

export function fichesSalarieJobHandler(handle: DatabaseHandle, pii: PersonalDataCipher, now: () => Date): JobHandler {
  return async (job, ctx) => {
    // An earlier attempt committed the export (and its file) before its instance died.
    const committed = (await readJobOutcome(handle.db, job.id)) as FichesJobResult | null;
    if (committed) return committed;
    const p = job.payload as unknown as FichesSalarieJobPayload;
    stepper(ctx, 1)("contrôle des fiches", 0);
    const dir = await mkdtemp(path.join(tmpdir(), "passerelle-fs-job-"));
    try {
      let outcome: FichesJobResult | null = null;
      const result = await exportFichesSalarie(handle, {
        structureId: p.structureId,
        outDir: dir,
        pii,
        actor: p.actor,
        now: now(),
        onProgress: (recorded, toSend) => stepper(ctx, toSend)("enregistrement des fiches envoyées", recorded),
        onRecorded: async (db, batches, r) => {
          if (batches.length === 0) return;
          const download = downloadOf(batches);
          await writeJobResult(db, job.id, download.body);
          outcome = {
            fileName: download.fileName,
            contentType: download.contentType,
            size: download.body.length,
            sent: r.sent,
            invalid: r.invalid.length,
          };
          await writeJobOutcome(db, job.id, outcome);
        },
      }).catch((error: unknown) => {
        if (error instanceof NotFoundError) {
          throw new JobFailedError({ title: "Structure introuvable", detail: `Structure ${p.structureId} introuvable.`, issues: [] });
        }
        throw error;
      });
      if (!outcome) {
        // Counts only: the names of the salariés in error are on the validation page, never in a job's error.
        throw new JobFailedError({
          title: "Aucune fiche à envoyer",
          detail:
            result.invalid.length > 0
              ? `Aucune fiche valide à envoyer : ${result.invalid.length} fiche(s) en erreur à corriger.`
              : "Aucune fiche à envoyer : toutes les fiches sont à jour ou en attente du fichier retour de l'ASP.",
          issues: [],
        });
      }
      const sent = (outcome as FichesJobResult).sent;
      stepper(ctx, sent)("terminé", sent);
      return outcome;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
}
