// `passerelle audit verify [--json]`: recompute the audit trail's hash chain (src/db/auditChain.ts).
// Exit 0 when every row is in place and unchanged, 1 naming the first bad row otherwise.
import type { Command } from "commander";
import { verifyAuditChain } from "../../db/auditChain.js";
import { chainAllPendingAudit } from "../../db/auditChainer.js";
import { printJson, withDatabase } from "../context.js";

export function register(program: Command): void {
  const audit = program.commands.find((c) => c.name() === "audit") ?? program.command("audit").description("Journal d'audit");
  audit
    .command("verify")
    .description("Vérifie la chaîne d'empreintes du journal d'audit : aucune ligne modifiée, supprimée ou ajoutée hors chaîne")
    .option("--json", "résultat en JSON : { ok, rows, head, firstBreak }")
    .action(async (opts: { json?: boolean }) => {
      await withDatabase(async (handle) => {
        await chainAllPendingAudit(handle.db);
        const report = await handle.withTransaction(({ db }) => verifyAuditChain(db));
        if (opts.json) printJson(report);
        else if (report.ok) {
          process.stdout.write(
            `Journal d'audit intègre : ${report.rows} ligne(s) chaînée(s), tête n° ${report.head.lastSeq} (${report.head.lastHash}).\n`,
          );
        } else {
          const b = report.firstBreak;
          process.stdout.write(`Journal d'audit ALTÉRÉ : première ligne en cause ${b?.id ?? "(inconnue)"} — ${b?.detail}.\n`);
        }
        if (!report.ok) process.exitCode = 1;
      });
    });
}
