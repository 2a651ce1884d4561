// The figures of a financing request as every request list shows them (the structure's list, the DDETS's work
// list, the CDIAE pack): ETP requested, ETP proposed by the DDETS and the amount proposed.
import { formatEtp, formatEuros } from "../format.js";
import { type Column, num } from "./TableHead.js";

export const REQUEST_FIGURE_COLUMNS: readonly Column[] = [num("ETP demandés"), num("ETP proposés"), num("Montant proposé")];

type Figure = string | number | null;

export function RequestFigureCells({ r }: { r: { requestedEtp: Figure; proposedEtp: Figure; proposedAmount: Figure } }) {
  return (
    <>
      <td className="numeric">{formatEtp(r.requestedEtp)}</td>
      <td className="numeric">{formatEtp(r.proposedEtp)}</td>
      <td className="numeric">{formatEuros(r.proposedAmount)}</td>
    </>
  );
}
