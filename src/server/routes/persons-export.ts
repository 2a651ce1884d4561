// GET /api/v1/persons/:personId/export — everything held about one person (RGPD right of access),
// policy person:read, written to the audit trail as "person.export" (src/security/personExport.ts).
import { z } from "zod";
import { exportPerson } from "../../security/personExport.js";
import type { RouteModule } from "../context.js";
import { sendProblem } from "../problem.js";

const routes: RouteModule = async (app, ctx) => {
  app.get(
    "/api/v1/persons/:personId/export",
    {
      config: { policy: "person:read", auditAction: "person.export" },
      schema: {
        tags: ["salariés"],
        summary: "Export de toutes les données détenues sur une personne (droit d'accès RGPD)",
        params: z.object({ personId: z.coerce.number().int().positive() }),
      },
    },
    async (request, reply) => {
      const principal = request.principal;
      if (!principal) return sendProblem(reply, 401, "Authentification requise", "Connectez-vous.");
      const data = await exportPerson(ctx.handle.db, ctx.pii, principal, request.params.personId, ctx.clock.now());
      if (!data) return sendProblem(reply, 404, "Ressource introuvable", "Personne introuvable.");
      reply.header("content-disposition", `attachment; filename="personne-${request.params.personId}.json"`);
      reply.header("cache-control", "no-store");
      return reply.type("application/json; charset=utf-8").send(JSON.stringify(data, null, 2));
    },
  );
};
export default routes;
