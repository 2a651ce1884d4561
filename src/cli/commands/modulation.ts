// `passerelle modulation --departement <code> --year <YYYY> [--json]`: the part modulée proposed by the grid
// and decided for every structure of a département (docs/ddets-year.md). JSON keys (stable): departement, year,
// gridVersion, structures[] (structureId, name, kind, penitentiary, socleTotal, capPercent, proposedPercent,
// decidedPercent, amount, overrideReason, criteria[]).
import type { Command } from "commander";
import { InvalidInputError, printJson, withDatabase } from "../context.js";
import { parseDepartementOption, parsedOptions, parseYear } from "../options.js";

export function register(program: Command): void {
  program
    .command("modulation")
    .description("Part modulée d'un département pour une année : pourcentage proposé par la grille (calcul détaillé), décidé, montant")
    .requiredOption("--departement <code>", "code du département (ex. 62)")
    .requiredOption("--year <AAAA>", "année examinée")
    .option("--json", "sortie JSON (un seul document sur stdout)")
    .addHelpText("after", "\nExemple :\n  passerelle modulation --departement 62 --year 2019 --json\n")
    .action(async (opts: { departement?: string; year?: string; json?: boolean }) => {
      const o = parsedOptions(() => ({ code: parseDepartementOption(opts.departement), year: parseYear(opts.year) }));
      if (!o) return;
      const { code, year } = o;
      await withDatabase(async (handle) => {
        const { computeDepartementModulation } = await import("../../queries/modulation.js");
        const dep = await handle.db.selectFrom("ref_departement").select("code").where("code", "=", code).executeTakeFirst();
        if (!dep) throw new InvalidInputError(`département inconnu : ${code}`);
        const m = await computeDepartementModulation(handle.db, code, year);
        if (opts.json) {
          printJson(m);
          return;
        }
        const lines = [
          `Part modulée ${year} — département ${code} (grille ${m.gridVersion === null ? "par défaut, point de départ local" : `version ${m.gridVersion}`})`,
          ...m.structures.map(
            (s) =>
              `  ${s.name} (${s.kind}) : proposée ${s.proposedPercent} %${s.decidedPercent === null ? "" : `, décidée ${s.decidedPercent} % = ${s.amount} €`}`,
          ),
        ];
        process.stdout.write(`${lines.join("\n")}\n`);
      });
    });
}
