// Answers carrying personal data:
//  - every answer to an authenticated API call (and every answer of a personal-data route) is sent with
//    `Cache-Control: no-store`: each is scoped to its reader, and neither a shared proxy nor the browser
//    cache of a shared workstation (a DDETS office, an SIAE's common PC) may keep a salarié's data;
//  - a list exported as a file (src/server/lists/exportList.ts) by a route under a personal-data policy
//    (the salariés and exits of a structure: up to 200,000 rows) leaves ONE audit row: who, which route,
//    the target, the filter (a free-text search masked: it is often a name), the format and the row
//    count — no identity. The row is written before the file leaves; if it cannot be, the export fails.
import type { FastifyReply, FastifyRequest } from "fastify";
import { structureOf } from "../contracts/target.js";
import { AUDIT_MASK, recordAudit } from "../db/audit.js";
import type { PolicyName } from "./auth/principal.js";
import { actorOf } from "./auth/plugin.js";
import type { App, AppContext } from "./context.js";
import { exportedRows } from "./lists/exportList.js";

/** Policies whose routes answer with a person's data. */
export const PERSONAL_DATA_POLICIES: ReadonlySet<PolicyName> = new Set(["person:read", "person:write", "structure:declare"]);

/** Query keys that hold free text typed by the user (a name, often): recorded as given, never their value. */
const FREE_TEXT_KEYS = new Set(["q"]);

function filterOf(input: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input ?? {})) {
    if (k === "format" || v === undefined) continue;
    out[k] = FREE_TEXT_KEYS.has(k) && v !== null && v !== "" ? AUDIT_MASK : v;
  }
  return out;
}

export function installPersonalDataResponses(app: App, ctx: AppContext): void {
  app.addHook("onSend", async (request: FastifyRequest, reply: FastifyReply, payload) => {
    const policy = request.routeOptions.config?.policy;
    const personal = policy !== undefined && PERSONAL_DATA_POLICIES.has(policy);
    if ((request.principal || personal) && request.url.startsWith("/api/") && !reply.hasHeader("cache-control")) {
      reply.header("cache-control", "no-store");
    }
    const rows = exportedRows.get(request);
    if (rows === undefined || !personal || reply.statusCode >= 300) return payload;
    const target = request.target;
    try {
      await recordAudit(ctx.handle.db, actorOf(request), {
        action: "personal_data.export",
        entity: target?.type ?? "list",
        entityId: target && "id" in target ? target.id : null,
        structureId: target ? (structureOf(target) ?? null) : null,
        after: { route: request.routeOptions.url ?? null, format: rows.format, rows: rows.count, filter: filterOf(request.input) },
      });
    } catch (error) {
      request.log.error({ err: error }, "audit of a personal-data export failed");
      reply.removeHeader("content-disposition");
      reply.code(500).type("application/problem+json; charset=utf-8");
      return JSON.stringify({ type: "about:blank", title: "Erreur interne", status: 500, detail: "Export non journalisé : refusé." });
    }
    return payload;
  });
}
