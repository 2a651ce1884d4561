// GET /api/health (design §5): engine and schema version. Contract: src/contracts/admin.ts.
import { health } from "../../contracts/admin.js";
import { schemaVersion } from "../../db/migrate.js";
import type { RouteModule } from "../context.js";
import { route } from "../route.js";

const routes: RouteModule = async (app, ctx) => {
  route(app, health, { policy: "public" }, async () => ({
    status: "ok" as const,
    engine: ctx.handle.engine,
    schemaVersion: await schemaVersion(ctx.handle),
  }));
};
export default routes;
