// passerelle structures list [--departement 62] [--kind ACI] [--json]   (design §5)
// JSON: array of { id, siret, name, kind, departement, commune }.
import type { Command } from "commander";
import type { StructureRow } from "../../contracts/structures.js";
import { DomainRuleError } from "../../domain/errors.js";
import { parseSiaeKind } from "../../domain/structures/index.js";
import { listStructures } from "../../queries/structures.js";
import { CLI_PRINCIPAL, InvalidInputError, printJson, withDatabase } from "../context.js";
import { parseDepartementOption, parsedOptions } from "../options.js";

function kindOption(value: string): ListedStructure["kind"] {
  try {
    return parseSiaeKind(value);
  } catch (error) {
    throw new InvalidInputError(`--kind : ${error instanceof DomainRuleError ? error.message : String(error)}`);
  }
}

interface ListOptions {
  departement?: string;
  kind?: string;
  json?: boolean;
}

/** The §5 JSON row: the API's structure row, these keys only. */
export type ListedStructure = Pick<StructureRow, "id" | "siret" | "name" | "kind" | "departement" | "commune">;

export function register(program: Command): void {
  const structures =
    program.commands.find((c) => c.name() === "structures") ?? program.command("structures").description("Structures (SIAE)");
  structures
    .command("list")
    .description("Lister les structures, filtrées par département et par type")
    .option("--departement <code>", "code du département (62, 062, 2A, 971…)")
    .option("--kind <kind>", "type de structure : ACI, AI, EI, ETTI, EITI")
    .option("--json", "un document JSON sur la sortie standard")
    .action(async (opts: ListOptions) => {
      const parsed = parsedOptions(() => ({
        departement: opts.departement === undefined ? undefined : parseDepartementOption(opts.departement),
        kind: opts.kind === undefined ? undefined : kindOption(opts.kind),
      }));
      if (parsed === undefined) return;
      const { departement, kind } = parsed;
      await withDatabase(async (handle) => {
        if (departement !== undefined) {
          const known = await handle.db.selectFrom("ref_departement").select("code").where("code", "=", departement).executeTakeFirst();
          if (!known) throw new InvalidInputError(`--departement : département ${opts.departement} inconnu`);
        }
        // The read model of the API's list, as the operator sees it: every structure, the steering
        // département as the filter, ordered by département, kind and name.
        const { items } = await listStructures(
          handle.db,
          CLI_PRINCIPAL,
          departement === undefined ? { type: "none" } : { type: "departement", code: departement },
          {
            kind,
            sort: [
              { key: "departement", direction: "asc" },
              { key: "kind", direction: "asc" },
              { key: "name", direction: "asc" },
            ],
          },
        );
        const rows = items.map(
          ({ id, siret, name, kind, departement, commune }): ListedStructure => ({ id, siret, name, kind, departement, commune }),
        );
        if (opts.json) {
          printJson(rows);
          return;
        }
        for (const r of rows) {
          process.stdout.write(
            `${String(r.id).padStart(6)}  ${r.kind.padEnd(4)}  ${r.departement.padEnd(3)}  ${(r.siret ?? "—").padEnd(14)}  ${r.name}${r.commune ? ` (${r.commune})` : ""}\n`,
          );
        }
        process.stderr.write(`${rows.length} structure(s)\n`);
      });
    });
}
