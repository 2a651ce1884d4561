// What-if of next year's allocation of an AF: the agent changes the ETP conventionnés and the modulated
// part; the API (…/annexes/{id}/next-year) computes next year's aide au poste from next year's barème,
// shown against this year's.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useParams } from "react-router-dom";
import { simulateNextYear } from "../../contracts/annexes.js";
import { call } from "../api/client.js";
import { etpError, fromHundredths, ModulationPercentField, modulationError, toHundredths } from "../components/AfForm.js";
import { StructureBreadcrumb } from "../components/StructureBreadcrumb.js";
import { ErrorState, Loading } from "../components/States.js";
import { formatDate, formatEtp, formatEuros } from "../format.js";
import { useAnnexDetail } from "./AnnexePage.js";
import { useDebounced } from "../components/useDebounced.js";
import { DecimalField } from "../components/TextField.js";

/** The same day one year later (29 February → 28 February), as the API shifts the period. */
export function nextYearDate(iso: string): string {
  const [y, m, d] = iso.split("-");
  return `${Number(y) + 1}-${m}-${m === "02" && d === "29" ? "28" : d}`;
}

const signedEuros = (v: string) => `${Number(v) > 0 ? "+" : ""}${formatEuros(v)}`;

export function SimulationNextYearPage() {
  const { structureId, annexId } = useParams();
  const detail = useAnnexDetail(structureId, annexId);
  const [etp, setEtp] = useState<string | null>(null);
  const [modulation, setModulation] = useState<string | null>(null);
  const a = detail.data;
  const etpValue = etp ?? (a ? String(Number(a.etp)).replace(".", ",") : "");
  const modulationValue = modulation ?? (a?.modulationPercent ? String(Number(a.modulationPercent)).replace(".", ",") : "");
  const errors = { etp: etpError(etpValue), modulation: modulationError(modulationValue, a?.penitentiary ?? false) };
  const valid = a !== undefined && !errors.etp && !errors.modulation;
  const etpChange = a && valid ? fromHundredths((toHundredths(etpValue) ?? 0) - (toHundredths(String(Number(a.etp))) ?? 0)) : "";
  const query = useDebounced(JSON.stringify({ etpChange, modulation: modulationValue.trim().replace(",", ".") || undefined }), 250);
  const simulation = useQuery({
    enabled: valid,
    queryKey: ["next-year", structureId, annexId, query],
    queryFn: () => call(simulateNextYear, { params: { structureId: structureId ?? "", annexId: annexId ?? "" }, query: JSON.parse(query) }),
    placeholderData: keepPreviousData,
    retry: false,
  });
  if (detail.isPending) return <Loading />;
  if (detail.isError || !a) return <ErrorState error={detail.error} />;
  const year = Number(a.startsOn.slice(0, 4));
  const r = valid ? simulation.data : undefined;
  return (
    <>
      <StructureBreadcrumb
        structure={{ id: a.structureId, name: a.structureName }}
        annex={a}
        current={{ label: "Simulation de l'année suivante", href: `/structures/${a.structureId}/annexes/${a.id}/simulation` }}
      />
      <h1>Simulation de l'allocation {year + 1}</h1>
      <p className="fr-text--lead">
        Annexe {a.number} : même période décalée d'un an, barème {year + 1}. Rien n'est enregistré.
      </p>
      <form aria-label="Hypothèses de l'année suivante" onSubmit={(e) => e.preventDefault()} className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-12 fr-col-md-4">
          <DecimalField
            label={`ETP conventionnés en ${year + 1}`}
            hint={`${formatEtp(a.etp)} ETP en ${year}`}
            error={errors.etp}
            name="etp"
            value={etpValue}
            onChange={setEtp}
          />
        </div>
        <div className="fr-col-12 fr-col-md-4">
          <ModulationPercentField
            penitentiary={a.penitentiary}
            error={errors.modulation}
            value={modulationValue}
            onChange={setModulation}
          />
        </div>
      </form>
      {valid && simulation.isPending && <Loading label="Calcul de l'allocation…" />}
      {valid && simulation.isError && <ErrorState error={simulation.error} />}
      {r && !simulation.isError && (
        <div aria-live="polite" aria-busy={simulation.isFetching}>
          <div className="fr-table" data-testid="next-year-table">
            <table>
              <caption>
                Allocation {year} et simulation {year + 1}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Élément</th>
                  <th scope="col" className="numeric">
                    {year} (annexe en cours)
                  </th>
                  <th scope="col" className="numeric">
                    {year + 1} (simulation)
                  </th>
                </tr>
              </thead>
              <tbody>
                <tr>
                  <th scope="row">Période</th>
                  <td className="numeric">
                    {formatDate(a.startsOn)} – {formatDate(a.endsOn)}
                  </td>
                  <td className="numeric">
                    {formatDate(nextYearDate(a.startsOn))} – {formatDate(nextYearDate(a.endsOn))}
                  </td>
                </tr>
                <tr>
                  <th scope="row">ETP conventionnés</th>
                  <td className="numeric">{formatEtp(r.lastYearEtp)}</td>
                  <td className="numeric" data-testid="next-etp">
                    {formatEtp(r.nextEtp)}
                  </td>
                </tr>
                <tr>
                  <th scope="row">Montant unitaire</th>
                  <td className="numeric">{formatEuros(a.unitAmount)}</td>
                  <td className="numeric">{formatEuros(r.next.unitAmount)}</td>
                </tr>
                <tr>
                  <th scope="row">Aide au poste (montant socle)</th>
                  <td className="numeric">{formatEuros(r.lastYearTotal)}</td>
                  <td className="numeric" data-testid="next-total">
                    {formatEuros(r.next.total)}
                  </td>
                </tr>
                <tr>
                  <th scope="row">Part modulée</th>
                  <td className="numeric">{formatEuros(a.modulatedAmount)}</td>
                  <td className="numeric">{formatEuros(r.next.modulatedAmount)}</td>
                </tr>
              </tbody>
            </table>
          </div>
          <p className="fr-text--lg">
            Écart du montant socle {year + 1} / {year} : <strong data-testid="next-difference">{signedEuros(r.difference)}</strong>
          </p>
        </div>
      )}
    </>
  );
}
