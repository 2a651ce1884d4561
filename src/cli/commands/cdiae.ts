// `passerelle cdiae --departement <code> --year <YYYY> [--session <date>] [--json]`: the CDIAE pack of a
// département (docs/ddets-year.md). JSON keys (stable): departement, departementName, year, sessionOn,
// requests[] (requestId, structureId, name, kind, state, requestedEtp, proposedEtp, proposedAmount,
// proposedModulationPercent, cofinancingDeclared, cdiaeOpinion, decision, decidedEtp, decidedAmount, previousYear),
// totals, envelope (lines[], notified*, gap*).
import type { Command } from "commander";
import { formatEuros, formatNumber } from "../../reports/format.js";
import { InvalidInputError, withDatabase } from "../context.js";
import { checkFormat, emitDocument, parseDateOption, parseDepartementOption, parsedOptions, parseYear, todayIso } from "../options.js";

export function register(program: Command): void {
  program
    .command("cdiae")
    .description("Dossier du CDIAE d'un département : demandes de l'année, propositions, totaux face à l'enveloppe notifiée, écart")
    .requiredOption("--departement <code>", "code du département (ex. 62)")
    .requiredOption("--year <AAAA>", "année des annexes financières demandées")
    .option("--session <date>", "date de la séance du CDIAE (AAAA-MM-JJ)")
    .option("--format <format>", "json, pdf ou xlsx (pdf et xlsx : avec --out)")
    .option("--out <fichier>", "fichier écrit (--format pdf|xlsx)")
    .option("--json", "sortie JSON (un seul document sur stdout)")
    .addHelpText("after", "\nExemple :\n  passerelle cdiae --departement 62 --year 2020 --json\n")
    .action(async (opts: { departement?: string; year?: string; session?: string; json?: boolean; format?: string; out?: string }) => {
      const o = parsedOptions(() => {
        checkFormat(opts);
        if (opts.session !== undefined) parseDateOption(opts.session, "--session");
        return { code: parseDepartementOption(opts.departement), year: parseYear(opts.year) };
      });
      if (!o) return;
      const { code, year } = o;
      await withDatabase(async (handle) => {
        const { computeCdiaePack } = await import("../../queries/cdiae.js");
        const dep = await handle.db.selectFrom("ref_departement").select("code").where("code", "=", code).executeTakeFirst();
        if (!dep) throw new InvalidInputError(`département inconnu : ${code}`);
        const pack = await computeCdiaePack(handle.db, code, year, opts.session ?? null);
        const { cdiaeDocument } = await import("../../reports/financingDocuments.js");
        if (await emitDocument(opts, pack, () => cdiaeDocument(pack, todayIso()))) return;
        const lines = [
          `CDIAE ${pack.departementName} (${code}) — annexes financières ${year}${pack.sessionOn ? `, séance du ${pack.sessionOn}` : ""}`,
          `${pack.totals.requests} demandes ; ETP demandés ${formatNumber(Number(pack.totals.requestedEtp), 2)}, proposés ${formatNumber(Number(pack.totals.proposedEtp), 2)} ; montant proposé ${formatEuros(Number(pack.totals.proposedAmount))}`,
          pack.envelope.gapTotal === null
            ? "Enveloppe notifiée : non saisie"
            : `Enveloppe notifiée ${formatEuros(Number(pack.envelope.notifiedTotal))} ; écart ${formatEuros(Number(pack.envelope.gapTotal))}`,
          ...pack.requests.map(
            (r) =>
              `  ${r.name} (${r.kind}) : ${r.state}, demandé ${r.requestedEtp ?? "—"} ETP, proposé ${r.proposedEtp ?? "—"} ETP${r.proposedAmount ? ` = ${formatEuros(Number(r.proposedAmount))}` : ""}`,
          ),
        ];
        process.stdout.write(`${lines.join("\n")}\n`);
      });
    });
}
