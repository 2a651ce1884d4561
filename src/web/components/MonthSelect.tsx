// A month as two DSFR selects in French (month, year): no native month picker, whose language follows
// the browser's and which some browsers do not have.
import { Select } from "@codegouvfr/react-dsfr/Select.js";
import { FRENCH_MONTHS } from "../format.js";

export function MonthSelect({
  label,
  value,
  years,
  onChange,
  name = "mois",
}: {
  label: string;
  /** AAAA-MM */
  value: string;
  /** Years offered, most recent first. */
  years: readonly number[];
  onChange: (month: string) => void;
  name?: string;
}) {
  const year = value.slice(0, 4);
  const month = value.slice(5, 7);
  const offered = years.includes(Number(year)) ? years : [Number(year), ...years];
  return (
    <fieldset className="fr-fieldset passerelle-month-select" aria-label={label}>
      <legend className="fr-fieldset__legend fr-text--regular">{label}</legend>
      <div className="fr-fieldset__element fr-fieldset__element--inline">
        <Select
          label="Mois"
          nativeSelectProps={{ name: `${name}-mois`, value: month, onChange: (e) => onChange(`${year}-${e.target.value}`) }}
        >
          {FRENCH_MONTHS.map((m, i) => (
            <option key={m} value={String(i + 1).padStart(2, "0")}>
              {m}
            </option>
          ))}
        </Select>
      </div>
      <div className="fr-fieldset__element fr-fieldset__element--inline">
        <Select
          label="Année"
          nativeSelectProps={{ name: `${name}-annee`, value: year, onChange: (e) => onChange(`${e.target.value}-${month}`) }}
        >
          {offered.map((y) => (
            <option key={y} value={String(y)}>
              {y}
            </option>
          ))}
        </Select>
      </div>
    </fieldset>
  );
}
