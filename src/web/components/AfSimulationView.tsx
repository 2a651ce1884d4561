// The aide au poste of an AF as computed by the API (GET /api/v1/simulations/af, the same figures as
// `passerelle simulate af`): unit amount from the barème, months, total, modulated part, monthly
// payment schedule (regularisation months flagged).
import { Badge } from "@codegouvfr/react-dsfr/Badge.js";
import type { AfSimulation } from "../../contracts/annexes.js";
import { formatEuros } from "../format.js";
import { num } from "./TableHead.js";
import { DataTable } from "./DataTable.js";

const MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];

export function monthLabel(month: string): string {
  const [y, m] = month.split("-");
  return `${MONTHS[Number(m) - 1] ?? m} ${y}`;
}

export function AfSimulationView({ simulation: s, stale = false }: { simulation: AfSimulation; stale?: boolean }) {
  return (
    <div data-testid="af-simulation" aria-live="polite" aria-busy={stale}>
      <dl>
        <dt className="fr-text--bold">Montant unitaire (barème, par ETP et par an)</dt>
        <dd data-testid="af-unit-amount">{formatEuros(s.unitAmount)}</dd>
        <dt className="fr-text--bold">Nombre de mois</dt>
        <dd data-testid="af-months">{s.months}</dd>
        <dt className="fr-text--bold">Aide au poste (montant socle)</dt>
        <dd data-testid="af-total" className="fr-text--bold">
          {formatEuros(s.total)}
        </dd>
        <dt className="fr-text--bold">Part modulée ({s.modulationPercent.replace(".", ",")} %)</dt>
        <dd data-testid="af-modulated-amount">
          {formatEuros(s.modulatedAmount)}
          {Number(s.modulatedAmount) > 0 && ` — versée en une fois, indicativement en ${monthLabel(s.modulatedPaymentMonth)}`}
        </dd>
      </dl>
      <DataTable
        caption="Échéancier mensuel de l'aide au poste"
        testId="af-schedule"
        className="fr-table--sm"
        columns={["Mois", num("Montant"), "Régularisation possible"]}
      >
        {s.monthly.map((m) => (
          <tr key={m.month}>
            <td>{monthLabel(m.month)}</td>
            <td className="numeric">{formatEuros(m.amount)}</td>
            <td>
              {m.regularisation ? (
                <Badge small severity="info">
                  oui
                </Badge>
              ) : (
                "—"
              )}
            </td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}
