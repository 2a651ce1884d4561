// Operations: readiness of an instance for a load balancer (liveness stays GET /api/health, admin.ts).
import { z } from "zod";
import { defineContract } from "./contract.js";

const NotReady = z.object({ status: z.enum(["stopping", "restoring", "migrating"]), detail: z.string() });

export const ready = defineContract({
  method: "GET",
  path: "/api/ready",
  tags: ["système"],
  summary: "Prêt à recevoir du trafic (répartiteur de charge) : 503 pendant l'arrêt, les migrations ou une restauration",
  response: {
    200: z.object({
      status: z.literal("ready"),
      engine: z.enum(["pglite", "postgresql"]),
      schemaVersion: z.string(),
      jobs: z.object({ queued: z.number().int(), running: z.number().int() }),
    }),
    503: NotReady,
  },
});
