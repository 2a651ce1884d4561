// Simulation of the aide au poste of a proposed AF, without a structure (same inputs and figures as
// `passerelle simulate af`): kind, territory, period, ETP, optional unit amount and modulated part.
import { Select } from "@codegouvfr/react-dsfr/Select.js";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { simulateAnnex } from "../../contracts/annexes.js";
import { SIAE_KINDS } from "../../domain/structures/kinds.js";
import { call } from "../api/client.js";
import { useCalendar } from "../api/useCalendar.js";
import { endError, etpError, ModulationPercentField, modulationError, startError, toHundredths } from "../components/AfForm.js";
import { AfSimulationView } from "../components/AfSimulationView.js";
import { ErrorState, Loading } from "../components/States.js";
import { useDebounced } from "../components/useDebounced.js";
import { FrenchDateInput } from "../components/FrenchDateInput.js";
import { DecimalField } from "../components/TextField.js";

const TERRITORIES = [
  { value: "droit_commun", label: "Droit commun (métropole et DROM hors Mayotte)" },
  { value: "penitentiaire", label: "Milieu pénitentiaire (ACI, EI)" },
  { value: "mayotte", label: "Mayotte" },
] as const;

export function unitError(value: string): string | null {
  if (value.trim() === "") return null;
  const h = toHundredths(value);
  if (h === null || h <= 0) return "Montant en euros > 0 attendu, 2 décimales au plus.";
  return null;
}

function territoryError(kind: string, territory: string): string | null {
  if (territory === "penitentiaire" && kind !== "ACI" && kind !== "EI") return "Seuls les ACI et EI existent en milieu pénitentiaire.";
  if (territory === "mayotte" && kind === "EITI") return "Pas de barème EITI pour Mayotte.";
  return null;
}

const decimal = (v: string) => v.trim().replace(",", ".");

export function SimulationPage() {
  const calendar = useCalendar();
  const [kind, setKind] = useState<string>("ACI");
  const [territory, setTerritory] = useState<string>("droit_commun");
  const [from, setFrom] = useState<string | null>(null);
  const [to, setTo] = useState<string | null>(null);
  const [etp, setEtp] = useState("");
  const [unit, setUnit] = useState("");
  const [modulation, setModulation] = useState("");
  const year = calendar.data ? Number(calendar.data.today.slice(0, 4)) + 1 : null;
  const fromValue = from ?? (year ? `${year}-01-01` : "");
  const toValue = to ?? (year ? `${year}-12-31` : "");
  const errors = {
    territory: territoryError(kind, territory),
    from: startError(fromValue),
    to: endError(fromValue, toValue),
    etp: etp === "" ? null : etpError(etp),
    unit: unitError(unit),
    modulation: modulationError(modulation, territory === "penitentiaire"),
  };
  const valid = etp !== "" && Object.values(errors).every((e) => e === null);
  const key = useDebounced(
    JSON.stringify({
      kind,
      territory,
      from: fromValue,
      to: toValue,
      etp: decimal(etp),
      unit: unit.trim() === "" ? undefined : decimal(unit),
      modulation: modulation.trim() === "" ? undefined : decimal(modulation),
    }),
    250,
  );
  const simulation = useQuery({
    enabled: valid,
    queryKey: ["simulation-af", key],
    queryFn: () => call(simulateAnnex, { query: JSON.parse(key) }),
    placeholderData: keepPreviousData,
    retry: false,
  });
  if (calendar.isPending) return <Loading />;
  if (calendar.isError) return <ErrorState error={calendar.error} />;
  return (
    <>
      <h1>Simulation de l'aide au poste</h1>
      <p className="fr-text--lead">Montant d'une annexe financière selon le barème en vigueur à la date de début. Rien n'est enregistré.</p>
      <div className="fr-grid-row fr-grid-row--gutters">
        <form className="fr-col-12 fr-col-lg-5" aria-label="Hypothèses de la simulation" onSubmit={(e) => e.preventDefault()}>
          <Select label="Type de structure" nativeSelectProps={{ name: "kind", value: kind, onChange: (e) => setKind(e.target.value) }}>
            {SIAE_KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </Select>
          <Select
            label="Territoire"
            state={errors.territory ? "error" : "default"}
            stateRelatedMessage={errors.territory ?? undefined}
            nativeSelectProps={{ name: "territory", value: territory, onChange: (e) => setTerritory(e.target.value) }}
          >
            {TERRITORIES.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </Select>
          <FrenchDateInput label="Date de début" name="from" value={fromValue} onChange={setFrom} error={errors.from} />
          <FrenchDateInput label="Date de fin" name="to" value={toValue} onChange={setTo} error={errors.to} />
          <DecimalField label="ETP conventionnés" hint="ex. 12,5" error={errors.etp} name="etp" value={etp} onChange={setEtp} />
          <DecimalField
            label="Montant unitaire (€ par ETP et par an)"
            hint="Vide : barème en vigueur à la date de début"
            error={errors.unit}
            name="unit"
            value={unit}
            onChange={setUnit}
          />
          <ModulationPercentField
            penitentiary={territory === "penitentiaire"}
            error={errors.modulation}
            value={modulation}
            onChange={setModulation}
          />
        </form>
        <div className="fr-col-12 fr-col-lg-7">
          <h2 className="fr-h5">Aide au poste</h2>
          {!valid && <p>Indiquez la période et le nombre d'ETP pour calculer l'aide au poste.</p>}
          {valid && simulation.isPending && <Loading label="Calcul de l'aide au poste…" />}
          {valid && simulation.isError && <ErrorState error={simulation.error} />}
          {valid && simulation.data && !simulation.isError && (
            <AfSimulationView simulation={simulation.data} stale={simulation.isFetching} />
          )}
        </div>
      </div>
    </>
  );
}
