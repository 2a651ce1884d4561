// The audit trail for platform admins: a filtered, paginated screen and a CSV export (itself audited).
import type { Kysely } from "kysely";
import type { z } from "zod";
import { type AuditEvent, type AuditFilters, exportAuditEvents, listAuditEvents } from "../../contracts/admin.js";
import type { Database } from "../../db/schema.js";
import { recordAudit } from "../../db/audit.js";
import { actorOf } from "../auth/plugin.js";
import type { RouteModule } from "../context.js";
import { route } from "../route.js";
import { SPREADSHEET, csvCell as writeCsvCell } from "../../text/csv.js";

type Filters = AuditFilters;

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
const view = (r: Row): z.infer<typeof AuditEvent> => ({
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

// The product's one CSV cell writer (quoting, formulas neutralised); JSON columns as their text.
const csvCell = (v: unknown): string =>
  writeCsvCell(v === null || v === undefined || typeof v === "number" || typeof v === "string" ? v : JSON.stringify(v), SPREADSHEET);

export const AUDIT_EXPORT_MAX_ROWS = 200_000;

const routes: RouteModule = async (app, ctx) => {
  route(app, listAuditEvents, { policy: "admin" }, async ({ input }) => {
    let q = query(ctx.handle.db, input)
      .orderBy("id", "desc")
      .limit(input.limit + 1);
    if (input.before) q = q.where("id", "<", input.before);
    const rows = await q.execute();
    const page = rows.slice(0, input.limit);
    return { events: page.map(view), nextBefore: rows.length > input.limit ? Number(page.at(-1)?.id) : null };
  });

  route(app, exportAuditEvents, { policy: "admin" }, async ({ input, request, reply }) => {
    await recordAudit(ctx.handle.db, actorOf(request), { action: "audit.export", entity: "audit_event", after: input });
    const rows = await query(ctx.handle.db, input).orderBy("id").limit(AUDIT_EXPORT_MAX_ROWS).execute();
    const header = [
      "id",
      "at",
      "actor_user_id",
      "actor",
      "action",
      "entity",
      "entity_id",
      "person_id",
      "structure_id",
      "before",
      "after",
      "ip",
    ];
    const lines = [header.join(";")];
    for (const r of rows.map(view)) {
      lines.push(
        [r.id, r.at, r.actorUserId, r.actor, r.action, r.entity, r.entityId, r.personId, r.structureId, r.before, r.after, r.ip]
          .map(csvCell)
          .join(";"),
      );
    }
    reply.header("content-disposition", `attachment; filename="journal-audit-${ctx.clock.today()}.csv"`);
    reply.header("cache-control", "no-store");
    return reply.type("text/csv; charset=utf-8").send(`\uFEFF${lines.join("\r\n")}\r\n`);
  });
};
export default routes;
