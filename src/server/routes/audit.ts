// The audit trail for platform admins: a filtered, paginated screen and a CSV export (itself audited).
import type { Kysely } from "kysely";
import { z } from "zod";
import type { Database } from "../../db/schema.js";
import { recordAudit } from "../../db/audit.js";
import { actorOf } from "../auth/plugin.js";
import type { RouteModule } from "../context.js";

const filters = z.object({
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  actor: z.string().max(254).optional(),
  action: z.string().max(100).optional(),
  personId: z.coerce.number().int().positive().optional(),
  structureId: z.coerce.number().int().positive().optional(),
});
type Filters = z.infer<typeof filters>;

const eventSchema = z.object({
  id: z.number().int(),
  at: z.string(),
  actorUserId: z.number().int().nullable(),
  actor: z.string(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string().nullable(),
  personId: z.number().int().nullable(),
  structureId: z.number().int().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  ip: z.string().nullable(),
});

function query(db: Kysely<Database>, f: Filters) {
  let q = db.selectFrom("audit_event").selectAll();
  if (f.from) q = q.where("at", ">=", new Date(`${f.from}T00:00:00Z`));
  if (f.to) q = q.where("at", "<", new Date(new Date(`${f.to}T00:00:00Z`).getTime() + 86_400_000));
  if (f.actor) q = q.where("actor_label", "=", f.actor.toLowerCase());
  if (f.action) q = q.where("action", "like", `${f.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (f.personId) q = q.where("person_id", "=", f.personId);
  if (f.structureId) q = q.where("structure_id", "=", f.structureId);
  return q;
}

type Row = Awaited<ReturnType<ReturnType<typeof query>["execute"]>>[number];
const parseJson = (v: unknown) => (typeof v === "string" ? (JSON.parse(v) as unknown) : v);
const view = (r: Row): z.infer<typeof eventSchema> => ({
  id: Number(r.id),
  at: r.at.toISOString(),
  actorUserId: r.actor_user_id === null ? null : Number(r.actor_user_id),
  actor: r.actor_label,
  action: r.action,
  entity: r.entity,
  entityId: r.entity_id,
  personId: r.person_id === null ? null : Number(r.person_id),
  structureId: r.structure_id === null ? null : Number(r.structure_id),
  before: parseJson(r.before),
  after: parseJson(r.after),
  ip: r.ip,
});

const csvCell = (v: unknown): string => {
  const s = v === null || v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v);
  // Quote always; neutralise spreadsheet formulas.
  return `"${(/^[=+\-@\t\r]/.test(s) ? `'${s}` : s).replace(/"/g, '""')}"`;
};

export const AUDIT_EXPORT_MAX_ROWS = 200_000;

const routes: RouteModule = async (app, ctx) => {
  app.get(
    "/api/v1/audit",
    {
      config: { policy: "admin" },
      schema: {
        tags: ["administration"],
        summary: "Journal d'audit (du plus récent au plus ancien)",
        querystring: filters.extend({
          limit: z.coerce.number().int().min(1).max(500).default(100),
          before: z.coerce.number().int().positive().optional(),
        }),
        response: { 200: z.object({ events: z.array(eventSchema), nextBefore: z.number().int().nullable() }) },
      },
    },
    async (request) => {
      let q = query(ctx.handle.db, request.query).orderBy("id", "desc").limit(request.query.limit + 1);
      if (request.query.before) q = q.where("id", "<", request.query.before);
      const rows = await q.execute();
      const page = rows.slice(0, request.query.limit);
      return { events: page.map(view), nextBefore: rows.length > request.query.limit ? Number(page.at(-1)?.id) : null };
    },
  );

  app.get(
    "/api/v1/audit/export",
    {
      config: { policy: "admin" },
      schema: { tags: ["administration"], summary: "Export CSV du journal d'audit", querystring: filters },
    },
    async (request, reply) => {
      await recordAudit(ctx.handle.db, actorOf(request), { action: "audit.export", entity: "audit_event", after: request.query });
      const rows = await query(ctx.handle.db, request.query).orderBy("id").limit(AUDIT_EXPORT_MAX_ROWS).execute();
      const header = ["id", "at", "actor_user_id", "actor", "action", "entity", "entity_id", "person_id", "structure_id", "before", "after", "ip"];
      const lines = [header.join(";")];
      for (const r of rows.map(view)) {
        lines.push(
          [r.id, r.at, r.actorUserId, r.actor, r.action, r.entity, r.entityId, r.personId, r.structureId, r.before, r.after, r.ip].map(csvCell).join(";"),
        );
      }
      reply.header("content-disposition", `attachment; filename="journal-audit-${ctx.clock.today()}.csv"`);
      reply.header("cache-control", "no-store");
      return reply.type("text/csv; charset=utf-8").send(`\uFEFF${lines.join("\r\n")}\r\n`);
    },
  );
};
export default routes;
