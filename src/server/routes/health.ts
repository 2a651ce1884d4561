import { z } from "zod";
import { schemaVersion } from "../../db/migrate.js";
import type { RouteModule } from "../context.js";

const routes: RouteModule = async (app, ctx) => {
  app.get(
    "/api/health",
    {
      config: { policy: "public" },
      schema: {
        tags: ["système"],
        summary: "État du service (moteur de base de données, version du schéma)",
        response: {
          200: z.object({
            status: z.literal("ok"),
            engine: z.enum(["pglite", "postgresql"]),
            schemaVersion: z.string(),
          }),
          // Only while `npm start` is starting (migrations, first demo load): answered by src/demo/startingPage.ts.
          503: z.object({
            status: z.literal("starting"),
            progress: z.number().int().min(0).max(100),
            step: z.string(),
          }),
        },
      },
    },
    async () => ({ status: "ok" as const, engine: ctx.handle.engine, schemaVersion: await schemaVersion(ctx.handle) }),
  );
};
export default routes;
