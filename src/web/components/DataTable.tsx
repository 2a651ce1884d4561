// A DSFR data table: the fr-table frame (with its modifiers), the caption every table needs for screen readers
// (visually hidden when the page already says it), the header row and the body rows given as children.
import type { ReactNode } from "react";
import { type Column, TableHead } from "./TableHead.js";

export function DataTable({
  caption,
  columns,
  testId,
  className,
  hiddenCaption = false,
  children,
}: {
  caption: ReactNode;
  columns: readonly Column[];
  testId?: string;
  /** DSFR modifiers added to `fr-table`, e.g. "fr-table--sm". */
  className?: string;
  hiddenCaption?: boolean;
  children: ReactNode;
}) {
  return (
    <div className={className ? `fr-table ${className}` : "fr-table"} data-testid={testId}>
      <table>
        <caption className={hiddenCaption ? "fr-sr-only" : undefined}>{caption}</caption>
        <TableHead columns={columns} />
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
