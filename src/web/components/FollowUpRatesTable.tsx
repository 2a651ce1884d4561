// The follow-up figures of an indicators answer (key followUp): at 6 and 12 months, overall and per category of
// the exit recorded at exit, the unknown share always shown; figures withheld by the small-count rule say why.
import type { FollowUpIndicators } from "../../contracts/indicators.js";
import { formatInt, formatRate } from "../format.js";

export const EXIT_GROUP_LABELS: Record<string, string> = {
  durable: "Emploi durable",
  transition: "Emploi de transition",
  positive: "Sortie positive",
  other: "Autre sortie",
};

export function FollowUpRatesTable({ f, caption, testId }: { f: FollowUpIndicators; caption: string; testId: string }) {
  const withheld = f.at6Months.withheldReason ?? f.at12Months.withheldReason;
  const anyWithheld = [f.at6Months, f.at12Months].some((h) => h.withheld || Object.values(h.byExitGroup).some((g) => g.withheld));
  return (
    <div className="fr-table fr-table--sm">
      <table data-testid={testId}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Catégorie de la sortie</th>
            <th scope="col">Échéance</th>
            <th scope="col" className="numeric">
              Sorties à suivre
            </th>
            <th scope="col" className="numeric">
              Situations inconnues
            </th>
            <th scope="col" className="numeric">
              En emploi
            </th>
            <th scope="col" className="numeric">
              En emploi durable
            </th>
          </tr>
        </thead>
        <tbody>
          {(["all", "durable", "transition", "positive", "other"] as const).flatMap((g) =>
            (["at6Months", "at12Months"] as const).map((h) => {
              const x = g === "all" ? f[h] : f[h].byExitGroup[g];
              return (
                <tr key={`${g}-${h}`}>
                  <td>{g === "all" ? "Toutes" : EXIT_GROUP_LABELS[g]}</td>
                  <td>{h === "at6Months" ? "6 mois" : "12 mois"}</td>
                  <td className="numeric">{x.due === null ? "< 5" : formatInt(x.due)}</td>
                  <td className="numeric">{formatRate(x.unknownShare)}</td>
                  <td className="numeric">{formatRate(x.employedRate)}</td>
                  <td className="numeric">{formatRate(x.durableEmployedRate)}</td>
                </tr>
              );
            }),
          )}
        </tbody>
      </table>
      {anyWithheld && (
        <p className="fr-text--xs">— : {withheld ?? "moins de 5 personnes : non publié hors de la structure (secret statistique)"}.</p>
      )}
    </div>
  );
}
