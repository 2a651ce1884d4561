// How a view's columns map to table fields, and the `extra` rule that lets an export give back
// exactly what was imported:
//   extra[column] = the raw text of every column that is NOT mapped (when not empty), and of every
//   mapped column whose stored value does not render back to the same text (e.g. `100` stored as
//   100.00, an empty ETP stored as 0): there the raw value is kept (JSON null for an empty one).
// An exporter therefore writes, for each column of the view:
//   column in extra ? (extra[column] ?? "") : renderFluxValue(type, row[field]).
import { formatFluxDate } from "./values.js";

export type FluxColumnType = "text" | "integer" | "decimal" | "date" | "boolean";

export interface MappedColumn {
  column: string;
  field: string;
  type: FluxColumnType;
}

export type StoredValue = string | number | boolean | null | undefined;

/** A stored value as FluxIAE text (null → null, i.e. an empty field). */
export function renderFluxValue(type: FluxColumnType, value: StoredValue): string | null {
  if (value === null || value === undefined) return null;
  switch (type) {
    case "date":
      return formatFluxDate(String(value));
    case "boolean":
      return value === true || value === "true" ? "true" : "false";
    default:
      return String(value);
  }
}

export function computeExtra(
  values: Readonly<Record<string, string | null>>,
  mapping: readonly MappedColumn[],
  stored: Readonly<Record<string, StoredValue>>,
): Record<string, string | null> {
  const byColumn = new Map(mapping.map((m) => [m.column, m]));
  const extra: Record<string, string | null> = {};
  for (const [column, raw] of Object.entries(values)) {
    const m = byColumn.get(column);
    if (!m) {
      if (raw !== null) extra[column] = raw;
      continue;
    }
    const rendered = renderFluxValue(m.type, stored[m.field]);
    if (rendered !== raw) extra[column] = raw;
  }
  return extra;
}
