// passerelle structures list [--departement 62] [--kind ACI] [--json]   (design §5)
// JSON: array of { id, siret, name, kind, departement, commune }.
import type { Command } from "commander";
import { sql } from "kysely";
import type { StructureRow } from "../../contracts/structures.js";
import { DomainRuleError } from "../../domain/errors.js";
import { normalizeDepartement } from "../../domain/identifiers/index.js";
import { parseSiaeKind } from "../../domain/structures/index.js";
import { InvalidInputError, printJson, withDatabase } from "../context.js";

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
      let departement: string | undefined;
      let kind: string | undefined;
      try {
        departement = opts.departement === undefined ? undefined : normalizeDepartement(opts.departement);
        kind = opts.kind === undefined ? undefined : parseSiaeKind(opts.kind);
      } catch (error) {
        const message =
          error instanceof DomainRuleError
            ? `${opts.kind !== undefined && error.message.includes("SIAE") ? "--kind" : "--departement"} : ${error.message}`
            : String(error);
        process.stderr.write(`Erreur ${message}\n`);
        process.exitCode = 1;
        return;
      }
      await withDatabase(async (handle) => {
        if (departement !== undefined) {
          const known = await handle.db.selectFrom("ref_departement").select("code").where("code", "=", departement).executeTakeFirst();
          if (!known) throw new InvalidInputError(`--departement : département ${opts.departement} inconnu`);
        }
        const rows = await sql<ListedStructure>`
          SELECT s.id, s.siret, s.name, s.kind, s.departement_code AS departement, coalesce(s.commune_name, c.name) AS commune
          FROM structure s LEFT JOIN ref_commune c ON c.code = s.commune_code
          WHERE (${departement ?? null}::text IS NULL OR s.departement_code = ${departement ?? null})
            AND (${kind ?? null}::text IS NULL OR s.kind = ${kind ?? null})
          ORDER BY s.departement_code, s.kind, s.name, s.id`.execute(handle.db);
        if (opts.json) {
          printJson(rows.rows);
          return;
        }
        for (const r of rows.rows) {
          process.stdout.write(
            `${String(r.id).padStart(6)}  ${r.kind.padEnd(4)}  ${r.departement.padEnd(3)}  ${(r.siret ?? "—").padEnd(14)}  ${r.name}${r.commune ? ` (${r.commune})` : ""}\n`,
          );
        }
        process.stderr.write(`${rows.rows.length} structure(s)\n`);
      });
    });
}
