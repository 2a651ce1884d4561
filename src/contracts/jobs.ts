// Background jobs that produce a file (the annual report, a structure's fiches salarié batches): their
// state, progress and outcome, then the file. A job is read by whoever may read what it was made for: the job keeps the policy and target its
// creation was authorised for, and every read authorises them again for the reader (unknown otherwise).
import { z } from "zod";
import { defineContract } from "./contract.js";

export const JobView = z.object({
  id: z.uuid(),
  /** report: an annual report; fiches_salarie: a structure's fiches salarié batches, recorded as sent. */
  kind: z.enum(["report", "fiches_salarie"]),
  /** queued: waiting for a worker; running; succeeded (the file is ready); failed (error says why). */
  status: z.enum(["queued", "running", "succeeded", "failed"]),
  /** What the job makes, in French ("Rapport annuel 2019 — département 62 (PDF)"). */
  label: z.string(),
  progress: z.object({
    /** Step in progress, in French. */
    step: z.string().nullable(),
    done: z.number().int(),
    total: z.number().int(),
  }),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  /** The produced file, once succeeded. */
  result: z
    .object({
      fileName: z.string(),
      contentType: z.string(),
      size: z.number().int(),
      url: z.string(),
      /** A fiches salarié export: fiches sent in the file, fiches left in error (listed by the validation route). */
      fiches: z.object({ sent: z.number().int(), invalid: z.number().int() }).optional(),
    })
    .nullable(),
  error: z.object({ title: z.string(), detail: z.string() }).nullable(),
});
export type JobView = z.infer<typeof JobView>;

const jobTarget = {
  params: z.strictObject({ jobId: z.uuid("Identifiant de tâche invalide.") }),
  resolve: ({ jobId }: { jobId: string }) => ({ type: "job" as const, id: jobId }),
};

export const getJob = defineContract({
  method: "GET",
  path: "/api/v1/jobs/:jobId",
  tags: ["tâches"],
  summary: "État et avancement d'une tâche de fond (rapport, fiches salarié), puis l'adresse de son fichier",
  target: jobTarget,
  response: { 200: JobView },
});

export const getJobResult = defineContract({
  method: "GET",
  path: "/api/v1/jobs/:jobId/result",
  tags: ["tâches"],
  summary: "Le fichier produit par une tâche de fond terminée",
  target: jobTarget,
});
