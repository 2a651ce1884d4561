// Every app server links the audit rows its requests committed into the hash chain, once a second
// (src/db/auditChainer.ts); on shutdown it links its last ones.
import { AuditChainer } from "../db/auditChainer.js";
import type { App, AppContext } from "./context.js";

export function installAuditChainer(app: App, ctx: AppContext): void {
  const chainer = new AuditChainer(ctx.handle.db, { log: (message, error) => app.log.error({ err: error }, message) });
  app.addHook("onReady", async () => chainer.start());
  app.addHook("onClose", async () => chainer.stop());
}
