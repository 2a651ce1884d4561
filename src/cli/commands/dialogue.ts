// `passerelle dialogue --structure <id> --year <YYYY> [--json]`: the dialogue de gestion sheet of a structure
// (docs/ddets-year.md). JSON keys (stable): structure, year, etp{conventionnes, realises, tauxRealisation, byMonth},
// people, exits{examined, byCategory, dynamicRate, durableRate, …, nationalTargets}, objectives{dynamicRate,
// durableRate, …}, nationalTargets, public, support, peers, history, modulation{proposedPercent, criteria, …}, agent.
// ETP, people and exits are the figures of `passerelle indicators --scope structure:<id>` for that year.
import type { Command } from "commander";
import { NotFoundError } from "../../operations/types.js";
import { formatNumber, formatPercent } from "../../reports/format.js";
import { InvalidInputError, withDatabase } from "../context.js";
import { checkFormat, emitDocument, parsedOptions, parseStructureId, parseYear, todayIso } from "../options.js";

export function register(program: Command): void {
  program
    .command("dialogue")
    .description("Fiche de dialogue de gestion d'une structure pour une année (ETP, public, accompagnement, sorties, pairs, part modulée)")
    .requiredOption("--structure <id>", "identifiant de la structure")
    .requiredOption("--year <AAAA>", "année examinée")
    .option("--format <format>", "json, pdf ou xlsx (pdf et xlsx : avec --out)")
    .option("--out <fichier>", "fichier écrit (--format pdf|xlsx)")
    .option("--json", "sortie JSON (un seul document sur stdout)")
    .addHelpText("after", "\nExemple :\n  passerelle dialogue --structure 12 --year 2019 --json\n")
    .action(async (opts: { structure?: string; year?: string; json?: boolean; format?: string; out?: string }) => {
      const o = parsedOptions(() => {
        checkFormat(opts);
        return { structureId: parseStructureId(opts.structure), year: parseYear(opts.year) };
      });
      if (!o) return;
      const { structureId, year } = o;
      await withDatabase(async (handle) => {
        const { computeDialogue } = await import("../../queries/dialogue.js");
        const sheet = await computeDialogue(handle.db, structureId, year).catch((e) => {
          if (e instanceof NotFoundError) throw new InvalidInputError(`structure inconnue : ${structureId}`);
          throw e;
        });
        const { dialogueDocument } = await import("../../reports/financingDocuments.js");
        if (await emitDocument(opts, sheet, () => dialogueDocument(sheet, todayIso()))) return;
        const lines = [
          `Dialogue de gestion ${year} — ${sheet.structure.name} (${sheet.structure.kind}, ${sheet.structure.departement})`,
          `ETP conventionnés ${formatNumber(sheet.etp.conventionnes, 2)} ; réalisés ${formatNumber(sheet.etp.realises, 2)} ; taux de réalisation ${formatPercent(sheet.etp.tauxRealisation, 1)}`,
          `Personnes entrées ${sheet.people.entered} ; présentes ${sheet.people.present}`,
          `Sorties examinées ${sheet.exits.examined} ; dynamiques ${formatPercent(sheet.exits.dynamicRate)} (objectif AF ${formatPercent(sheet.objectives.dynamicRate)}, cible nationale 60 %) ; durables ${formatPercent(sheet.exits.durableRate)} (objectif AF ${formatPercent(sheet.objectives.durableRate)}, cible nationale 25 %)`,
          `Pairs (${sheet.peers.kind}, ${sheet.peers.departement}, ${sheet.peers.count}) : taux de sorties dynamiques médian ${formatPercent(sheet.peers.dynamicRate.median)}`,
          `Part modulée proposée : ${sheet.modulation.proposedPercent} %${sheet.modulation.decidedPercent ? ` ; décidée : ${sheet.modulation.decidedPercent} %` : ""}`,
          ...(sheet.public.missing.length > 0 ? [`Absent des données : ${sheet.public.missing.join(", ")}`] : []),
        ];
        process.stdout.write(`${lines.join("\n")}\n`);
      });
    });
}
