// `passerelle export opendata --out <file>`: the public list of conventioned structures (open data).
// A structure is listed when it holds, at the reference date, an active AF — VALIDE or PROVISOIRE,
// started and not ended (isActive, iae-reference §2.1) — for a mesure that counts for posts (FDI
// grants excluded, §1.1). One line per (SIRET, kind) with its current AF.
// No personal data: only the structure's public identity (SIRET, name, address of the structure, NAF);
// its e-mail and phone (often a person's) are left out, and nothing about salariés is read.
// CSV: UTF-8, comma, RFC 4180 quoting, header in French (schema.data.gouv.fr conventions), written to
// `<out>.partial` then renamed; cells through the product's one cell writer (src/text/csv.ts).
import { createWriteStream } from "node:fs";
import { rename, unlink } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { type Selectable, sql } from "kysely";
import type { DatabaseHandle } from "../../db/connection.js";
import type { FinancialAnnexTable, StructureTable } from "../../db/schema.js";
import { compareDates, type IsoDate } from "../../domain/calendar/isoDate.js";
import { type AfState, isActive } from "../../domain/conventions/states.js";
import { COMMA, type CsvValue, csvCell as writeCell, csvLine as writeLine } from "../../text/csv.js";

export const OPEN_DATA_COLUMNS = [
  "siret",
  "type_structure",
  "raison_sociale",
  "code_naf",
  "adresse",
  "code_postal",
  "code_commune",
  "commune",
  "code_departement",
  "departement",
  "code_region",
  "region",
  "numero_annexe_financiere",
  "date_debut_annexe",
  "date_fin_annexe",
  "etp_conventionnes",
] as const;

/** One open-data cell: the product's one cell writer, comma-separated (formulas neutralised, numbers kept). */
export const csvCell = (value: CsvValue): string => writeCell(value, COMMA);

const csvLine = (cells: readonly CsvValue[]) => `${writeLine(cells, COMMA)}\n`;

/** A structure (its stored columns) with its territory's names and one AF version. */
type Candidate = Pick<
  Selectable<StructureTable>,
  "siret" | "name" | "naf_code" | "address_line" | "postal_code" | "commune_code" | "commune_name" | "departement_code"
> &
  Pick<Selectable<FinancialAnnexTable>, "number" | "starts_on" | "ends_on" | "etp" | "renewal" | "modification"> & {
    structure_id: number;
    kind: string;
    state: string;
    departement_name: string;
    region_code: string;
    region_name: string;
  };

export interface OpenDataOptions {
  out: string;
  /** Reference date (default: today). */
  at: IsoDate;
  pageSize?: number;
  onProgress?: (rows: number) => void;
}

export async function exportOpenData(
  handle: DatabaseHandle,
  options: OpenDataOptions,
): Promise<{ file: string; rows: number; at: IsoDate }> {
  const partial = `${options.out}.partial`;
  const pageSize = options.pageSize ?? 2000;
  let rows = 0;
  try {
    await handle.withTransaction(async ({ db }) => {
      await sql`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ`.execute(db);
      async function* lines(): AsyncGenerator<string> {
        yield csvLine(OPEN_DATA_COLUMNS);
        let after = 0;
        for (;;) {
          const ids = await db.selectFrom("structure").select("id").where("id", ">", after).orderBy("id").limit(pageSize).execute();
          if (ids.length === 0) return;
          after = ids[ids.length - 1]?.id ?? after;
          const page = await sql<Candidate>`
            SELECT s.id AS structure_id, s.siret, s.kind, s.name, s.naf_code, s.address_line, s.postal_code, s.commune_code,
                   coalesce(s.commune_name, rc.name) AS commune_name, s.departement_code, d.name AS departement_name,
                   r.code AS region_code, r.name AS region_name,
                   fa.number, fa.state, fa.starts_on, fa.ends_on, fa.etp, fa.renewal, fa.modification
            FROM structure s
            JOIN ref_departement d ON d.code = s.departement_code
            JOIN ref_region r ON r.code = d.region_code
            LEFT JOIN ref_commune rc ON rc.code = s.commune_code
            JOIN financial_annex fa ON fa.structure_id = s.id
            JOIN ref_mesure m ON m.code = fa.mesure_code AND m.counts_for_posts
            WHERE s.id = ANY(${sql.val(ids.map((i) => i.id))}::bigint[])
              AND fa.starts_on <= ${options.at} AND fa.ends_on >= ${options.at}
            ORDER BY s.id`.execute(db);
          let chunk = "";
          for (const c of currentAnnexPerStructure(page.rows, options.at)) {
            chunk += csvLine([
              c.siret,
              c.kind,
              c.name,
              c.naf_code,
              c.address_line,
              c.postal_code,
              c.commune_code,
              c.commune_name,
              c.departement_code,
              c.departement_name,
              c.region_code,
              c.region_name,
              c.number,
              c.starts_on,
              c.ends_on,
              c.etp,
            ]);
            rows += 1;
          }
          yield chunk;
          options.onProgress?.(rows);
        }
      }
      await pipeline(Readable.from(lines()), createWriteStream(partial));
    });
    await rename(partial, options.out);
  } catch (error) {
    await unlink(partial).catch(() => undefined);
    throw error;
  }
  return { file: options.out, rows, at: options.at };
}

/** Per structure, the active AF (isActive at `at`) with the latest start, then the highest version. */
export function currentAnnexPerStructure<
  T extends { structure_id: number; state: string; starts_on: string; ends_on: string; renewal: number; modification: number },
>(candidates: readonly T[], at: IsoDate): T[] {
  const best = new Map<number, T>();
  for (const c of candidates) {
    if (compareDates(c.starts_on, at) > 0 || !isActive({ state: c.state as AfState, endDate: c.ends_on }, at)) continue;
    const current = best.get(c.structure_id);
    if (
      current === undefined ||
      compareDates(c.starts_on, current.starts_on) > 0 ||
      (c.starts_on === current.starts_on &&
        (c.renewal > current.renewal || (c.renewal === current.renewal && c.modification > current.modification)))
    )
      best.set(c.structure_id, c);
  }
  return [...best.values()].sort((a, b) => a.structure_id - b.structure_id);
}
