// Where an import may write (docs/imports.md). National files are national: the DGEFP, the platform
// administrators and the command line import them whole. A DDETS agent imports for its département:
// each row is written only when what it creates or changes lies in that département; every other row
// is refused (one rejection naming file, line and the column that places it) and nothing is written
// for it. The territory is recorded on the import run: it is also who may read the run afterwards.

export type ImportTerritory = { kind: "nation" } | { kind: "departement"; code: string };

export const NATION: ImportTerritory = { kind: "nation" };

/** import_run.departement_code: null for a national import. */
export function territoryColumn(territory: ImportTerritory): string | null {
  return territory.kind === "nation" ? null : territory.code;
}

export function territoryLabel(territory: ImportTerritory): string {
  return territory.kind === "nation" ? "national" : `département ${territory.code}`;
}

/**
 * Null when a row placed in `departementCode` may be written by an import of `territory`; otherwise the
 * reason of its refusal. An unknown département (null) is outside every département.
 */
export function outsideTerritory(territory: ImportTerritory, departementCode: string | null, what: string): string | null {
  if (territory.kind === "nation" || departementCode === territory.code) return null;
  const where = departementCode === null ? "département inconnu" : `département ${departementCode}`;
  return `${what} (${where}) hors du ${territoryLabel(territory)} de l'import : ligne non importée`;
}

/** May whoever reads imports for `reader` (null: nobody) read an import made for `imported`? */
export function mayReadImport(reader: ImportTerritory | null, imported: ImportTerritory): boolean {
  if (reader === null) return false;
  return reader.kind === "nation" || (imported.kind === "departement" && imported.code === reader.code);
}
