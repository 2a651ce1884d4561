// The header row of a DSFR data table: one `th scope="col"` per column, numeric columns right-aligned.
export type Column = string | { label: string; numeric: true };

/** A right-aligned (numeric) column. */
export const num = (label: string): Column => ({ label, numeric: true });

export function TableHead({ columns }: { columns: readonly Column[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c) =>
          typeof c === "string" ? (
            <th key={c} scope="col">
              {c}
            </th>
          ) : (
            <th key={c.label} scope="col" className="numeric">
              {c.label}
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}
